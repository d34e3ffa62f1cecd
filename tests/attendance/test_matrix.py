"""The attendance matrix: JP-weighted percentages, filters, export, query count, access."""
import io
from datetime import date, datetime, time

import openpyxl
import pytest

from bimtek.attendance.services import check_in, mark, matrix
from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.registration import services
from bimtek.speakers.services import save_institution
from tests.conftest import login
from tests.factories import make_course
from tests.registration.factories import participant


@pytest.fixture
def week(app, make_user):
    """Two days, 2 + 3 + 2 JP; participant 1 attends Monday only, 2 attends nothing."""
    with app.app_context():
        course = make_course("KSP-KUTIM-2024")
        for day, start, end in [(28, (8, 0), (9, 30)), (28, (9, 45), (12, 0)),
                                (29, (8, 0), (9, 30))]:
            course_services.add_session(course, course_services.SessionInput(
                day=date(2024, 10, day), starts_at=time(*start), ends_at=time(*end),
                title=f"Materi {day} {start[0]}", kind=SessionKind.MATERIAL))
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        first, second = (services.register(course, participant(n, ppk, unit=u))
                         for n, u in ((1, "PPK"), (2, "Kesbangpol")))
        monday = [s for s in course.sessions if s.day == date(2024, 10, 28)]
        check_in(course, first.badge_code, session_id=monday[0].id,
                 scanned_at=datetime(2024, 10, 28, 0, 0))
        mark(first, monday[1], "terlambat")
        mark(second, monday[0], "izin", reason="Tugas kantor")
        organiser_id = make_user("organiser@bimtek.test", "organiser")
        auth_services.assign_course(db.session.get(User, organiser_id), course,
                                    Role.ORGANISER)
        return course.id


def test_percentages_count_every_scheduled_session(app, week):
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        grid = matrix(course)
        assert [(r.registration.number, r.jp.attended_jp, r.jp.total_jp) for r in grid.rows] \
            == [(1, 5, 7), (2, 0, 7)], "izin does not count; Tuesday still counts"
        monday_only = matrix(course, day=date(2024, 10, 28))
        assert len(monday_only.sessions) == 2 and monday_only.rows[0].jp.total_jp == 7
        assert [grid.present(s) for s in grid.sessions] == [1, 1, 0]
        assert [r.registration.number for r in matrix(course, unit="Kesbangpol").rows] == [2]


def test_page_export_and_constant_queries(app, client, week, count_queries):
    login(client, "organiser@bimtek.test")
    with count_queries() as few:
        page = client.get("/courses/KSP-KUTIM-2024/attendance").get_data(as_text=True)
    assert "5/7" in page and "Terlambat" in page
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        ppk = save_institution(None, name="Satuan Polisi Pamong Praja", short_name="Satpol").id
        services.register_many(course, [services.check_participant(
            course, participant(n, ppk)) for n in range(10, 60)])
    with count_queries() as many:
        client.get("/courses/KSP-KUTIM-2024/attendance")
    assert many.count == few.count
    export = client.get("/courses/KSP-KUTIM-2024/attendance.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).active
    first = [cell.value for cell in sheet[2]]
    assert first[0] == 1 and first[-3:] == [5, 7, 71.4]


def test_only_the_course_organiser_sees_the_matrix(app, client, make_user, week):
    make_user("desk@bimtek.test", "desk")
    login(client, "desk@bimtek.test")
    assert client.get("/courses/KSP-KUTIM-2024/attendance").status_code == 403
    assert client.get("/courses/KSP-KUTIM-2024/attendance.xlsx").status_code == 403
