"""The personal page is the participant's whole app: self check-in with the room screen's
code through the personal link, no account; today's sessions first, the current one
marked."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bimtek.attendance.models import Attendance, AttendanceMethod
from bimtek.attendance.room_codes import self_check_in_code
from bimtek.courses.models import CourseStatus
from bimtek.extensions import db
from bimtek.registration import services
from bimtek.registration.models import RegistrationStatus
from bimtek.timeutil import utcnow
from tests.attendance.factories import course_running_today
from tests.support.web import post

SECRET = "test-secret"


@pytest.fixture
def running(app):
    with app.app_context():
        course, session, (budi, siti, wati) = course_running_today(
            "KSP-KUTIM-DEMO", ["Budi Santoso", "Siti Rahmah", "Wati Lestari"])
        course.status = CourseStatus.PUBLISHED
        course.late_after_minutes = 24 * 60  # the all-day session: on time whenever it is
        wati.status = RegistrationStatus.WAITLISTED
        db.session.commit()
        return {"session": session.id, "budi": (budi.id, budi.personal_token),
                "siti": (siti.id, siti.personal_token), "wati": wati.personal_token}


def code_now(app, session_id):
    with app.app_context():
        from bimtek.courses.models import Session
        return self_check_in_code(db.session.get(Session, session_id), utcnow(), SECRET)


def test_check_in_through_the_personal_link(app, client, running):
    budi_id, token = running["budi"]
    page = client.get(f"/me/{token}").get_data(as_text=True)
    assert 'data-testid="check-in"' in page and 'data-testid="current-session"' in page
    response = post(client, f"/me/{token}/check-in", {"code": code_now(app, running["session"])})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-result="ok"' in page
    assert 'data-testid="attendance-status">Hadir<' in page
    with app.app_context():
        records = db.session.query(Attendance).all()
        assert [(r.registration_id, r.method) for r in records] == [(budi_id,
                                                                    AttendanceMethod.SELF)]
    again = post(client, f"/me/{token}/check-in", {"code": code_now(app, running["session"])})
    assert 'data-result="already_checked_in"' in again.get_data(as_text=True)


def test_a_wrong_or_stale_code_checks_no_one_in(app, client, running):
    _id, token = running["siti"]
    wrong = post(client, f"/me/{token}/check-in", {"code": "ZZZZZZ"})
    assert 'data-result="invalid_code"' in wrong.get_data(as_text=True)
    with app.app_context():
        from bimtek.courses.models import Session
        stale = self_check_in_code(db.session.get(Session, running["session"]),
                                   utcnow() - timedelta(minutes=2), SECRET)
    assert 'data-result="invalid_code"' in post(
        client, f"/me/{token}/check-in", {"code": stale}).get_data(as_text=True)
    waitlisted = post(client, f"/me/{running['wati']}/check-in",
                      {"code": code_now(app, running["session"])})
    assert 'data-result="waitlisted"' in waitlisted.get_data(as_text=True)
    assert post(client, "/me/not-a-token/check-in", {"code": "ABCDEF"}).status_code == 404
    with app.app_context():
        assert db.session.query(Attendance).count() == 0


def test_guessing_codes_through_one_link_is_limited(app, client, running):
    _id, token = running["siti"]
    answers = [post(client, f"/me/{token}/check-in", {"code": "ZZZZZZ"}).status_code
               for _attempt in range(21)]
    assert answers[:20] == [200] * 20 and answers[20] == 429
    # Another participant behind the same address is not locked out.
    _other, budi = running["budi"]
    assert post(client, f"/me/{budi}/check-in", {"code": "ZZZZZZ"}).status_code == 200


def test_the_personal_page_without_an_agenda(app, client, running):
    with app.app_context():
        from bimtek.courses import services as course_services
        course = course_services.find_course("KSP-KUTIM-DEMO")
        course.status = CourseStatus.DRAFT
        db.session.commit()
        registration = services.find_by_personal_token(running["budi"][1])
        assert registration is not None
    page = client.get(f"/me/{running['budi'][1]}").get_data(as_text=True)
    assert 'data-testid="check-in"' not in page and 'data-testid="badge-code"' in page
