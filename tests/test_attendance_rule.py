"""One attendance rule: every JP figure on every page and export agrees, for every
participant of the demo's reference course, with "izin counts" off and on and with the
organiser's written decisions. The expected figures are added up here from the raw
records, not by the function under test."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from bimtek.attendance.models import Attendance, AttendanceStatus, EligibilityOverride
from bimtek.certificates.eligibility import clear_override, eligibility, override_eligibility
from bimtek.courses.models import Course
from bimtek.demo.data.courses import REFERENCE_COURSE_CODE
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus
from tests.support.apps import empty_database, load_demo
from tests.support.web import login

CODE = REFERENCE_COURSE_CODE


@pytest.fixture(autouse=True)
def _clean_state():
    """The demo lives for the whole module."""
    yield


@pytest.fixture(scope="module")
def demo(app):
    load_demo(app)
    client = app.test_client()
    login(client, "organiser@bimtek.test", app.config["DEMO_PASSWORD"])
    yield client
    empty_database(app)


def expected_figures(izin_counts: bool) -> dict[int, tuple[int, int, int, bool]]:
    """Participant number → (attended JP, total JP, rounded percent, eligible)."""
    course = db.session.scalar(select(Course).where(Course.code == CODE))
    counted = {AttendanceStatus.HADIR, AttendanceStatus.TERLAMBAT} | (
        {AttendanceStatus.IZIN} if izin_counts else set())
    jp = {session.id: session.jp for session in course.sessions if session.jp > 0}
    total = sum(jp.values())
    figures = {}
    for registration in db.session.scalars(select(Registration).where(
            Registration.course_id == course.id,
            Registration.status == RegistrationStatus.REGISTERED)):
        attended = sum(jp.get(record.session_id, 0) for record in db.session.scalars(
            select(Attendance).where(Attendance.registration_id == registration.id))
            if record.status in counted)
        percent = 100 * attended / total
        decision = db.session.get(EligibilityOverride, registration.id)
        eligible = decision.eligible if decision else percent >= course.min_attendance_percent
        figures[registration.number] = (attended, total, round(percent), eligible)
    return figures


def matrix_page(client) -> dict[int, tuple[int, int, int, bool]]:
    html = client.get(f"/courses/{CODE}/attendance").get_data(as_text=True)
    rows = re.findall(r'<tr class="(table-danger)?" data-testid="matrix-row-(\d+)">.*?'
                      r'data-testid="jp">(\d+)/(\d+)</td><td data-testid="percent">(\d+)</td>',
                      html, re.S)
    return {int(number): (int(attended), int(total), int(percent), not danger)
            for danger, number, attended, total, percent in rows}


def matrix_export(client) -> dict[int, tuple[int, int, int]]:
    sheet = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/courses/{CODE}/attendance.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    return {row[0]: (row[-3], row[-2], round(row[-1])) for row in rows[1:]}


def eligibility_page(client) -> dict[int, tuple[int, int, int, bool]]:
    html = client.get(f"/courses/{CODE}/certificates").get_data(as_text=True)
    rows = re.findall(r'data-testid="row-(\d+)">.*?<span class="badge text-bg-(success|'
                      r'secondary)">.*?<span class="small">(\d+) dari (\d+) JP, (\d+)%</span>',
                      html, re.S)
    return {int(number): (int(attended), int(total), int(percent), badge == "success")
            for number, badge, attended, total, percent in rows}


def participant_pages(app, client) -> tuple[dict, dict]:
    """The organiser's page of each participant and each participant's own page."""
    with app.app_context():
        people = [(r.number, r.id, r.personal_token) for r in db.session.scalars(
            select(Registration).join(Registration.course).where(
                Course.code == CODE, Registration.status == RegistrationStatus.REGISTERED))]
    organiser_view, own_view = {}, {}
    for number, registration_id, token in people:
        page = client.get(f"/courses/{CODE}/participants/{registration_id}").get_data(
            as_text=True)
        attended, total, percent = re.search(
            r'data-testid="jp-summary">(\d+) / (\d+) JP \((\d+)%\)', page).groups()
        organiser_view[number] = (int(attended), int(total), int(percent),
                                  'data-testid="eligible"' in page)
        own = app.test_client().get(f"/me/{token}").get_data(as_text=True)
        attended, total, percent, rest = re.search(
            r'data-testid="jp-summary">Kehadiran sejauh ini: (\d+) dari (\d+) JP \((\d+)%\);'
            r' ([^<]*)</p>', own).groups()
        own_view[number] = (int(attended), int(total), int(percent),
                            "cukup untuk sertifikat" in rest)
    return organiser_view, own_view


def set_rule(app, izin_counts: bool, decisions: bool) -> None:
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.code == CODE))
        course.izin_counts = izin_counts
        db.session.commit()
        rows = eligibility(course)
        if decisions:
            # One who would not be eligible is made so, one who would is not.
            below = next(row.registration for row in rows if not row.meets_rule)
            above = next(row.registration for row in rows if row.meets_rule)
            override_eligibility(below, True, "Bertugas pengamanan")
            override_eligibility(above, False, "Meninggalkan kelas")
        else:
            for row in rows:
                if row.override is not None:
                    clear_override(row.registration)


@pytest.mark.parametrize(("izin_counts", "decisions"), [(False, False), (True, False),
                                                        (True, True)],
                         ids=["izin-not-counted", "izin-counted", "with-decisions"])
def test_every_jp_figure_agrees_on_every_page_and_export(app, demo, izin_counts, decisions):
    set_rule(app, izin_counts, decisions)
    with app.app_context():
        expected = expected_figures(izin_counts)
    assert len(expected) > 300
    assert any(figures[3] for figures in expected.values())
    assert any(not figures[3] for figures in expected.values())
    assert matrix_page(demo) == expected
    assert matrix_export(demo) == {n: figures[:3] for n, figures in expected.items()}
    assert eligibility_page(demo) == expected
    if decisions:  # 800 pages: once, with every part of the rule in play
        organiser_view, own_view = participant_pages(app, demo)
        assert organiser_view == expected
        assert own_view == expected
