"""Self check-in: codes rotate every 30 seconds and each works for two periods, only while
the session runs, and only ever for the participant who is logged in."""
from datetime import datetime, time, timedelta

import pytest

from bimtek.attendance.models import Attendance, AttendanceMethod
from bimtek.attendance.room_codes import self_check_in, self_check_in_code
from bimtek.attendance.scanning import CheckInResult
from bimtek.auth.models import Role, User
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.factories import make_course
from tests.registration.factories import participant
from tests.support.web import login, post

SECRET = "test-secret"
# 08.10 WITA on Monday 28 October 2024, ten minutes into the session.
DURING = datetime(2024, 10, 28, 0, 10, 5)


@pytest.fixture
def room(app_context, make_user):
    course = make_course("KSP-KUTIM-2024")
    session = add_session(course, SessionInput(
        day=course.starts_on, starts_at=time(8, 0), ends_at=time(9, 30),
        title="Mitigasi konflik sosial", kind=SessionKind.MATERIAL))
    ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
    user = db.session.get(User, make_user("peserta@bimtek.test", "participant"))
    other = db.session.get(User, make_user("lain@bimtek.test", "participant"))
    mine = services.register(course, participant(1, ppk), user_id=user.id)
    services.register(course, participant(2, ppk), user_id=other.id)
    return session, user, mine


def test_codes_rotate_and_each_lasts_two_periods(room):
    session, user, _mine = room
    now = self_check_in_code(session, DURING, SECRET)
    assert len(now) == 6 and now != self_check_in_code(session, DURING + timedelta(
        seconds=30), SECRET)
    # A code read just before it changed still works in the next period, not after.
    later = DURING + timedelta(seconds=60)
    assert self_check_in(user, now, secret=SECRET, at=later).result == \
        CheckInResult.INVALID_CODE
    assert self_check_in(user, now.lower(), secret=SECRET,
                         at=DURING + timedelta(seconds=30)).result == CheckInResult.OK


def test_only_while_the_session_runs(room):
    session, user, _mine = room
    before = DURING - timedelta(minutes=20)  # 07.50 WITA: the desk is open, the room not
    code = self_check_in_code(session, before, SECRET)
    assert self_check_in(user, code, secret=SECRET, at=before).result == \
        CheckInResult.INVALID_CODE
    after = DURING + timedelta(hours=2)
    assert self_check_in(user, self_check_in_code(session, after, SECRET), secret=SECRET,
                         at=after).result == CheckInResult.INVALID_CODE


def test_a_participant_checks_in_only_themself(room):
    session, user, mine = room
    outcome = self_check_in(user, self_check_in_code(session, DURING, SECRET), secret=SECRET,
                            at=DURING)
    assert outcome.result == CheckInResult.OK and outcome.registration.id == mine.id
    records = db.session.query(Attendance).all()
    assert [(r.registration_id, r.method) for r in records] == [(mine.id,
                                                                AttendanceMethod.SELF)]


def test_pages(app, client, make_user):
    with app.app_context():
        course = make_course("KSP-KUTIM-2024")
        session_id = add_session(course, SessionInput(
            day=course.starts_on, starts_at=time(8, 0), ends_at=time(9, 30), title="Materi",
            kind=SessionKind.MATERIAL)).id
        desk_id = make_user("desk@bimtek.test", "desk")
        course_staff.assign_course(db.session.get(User, desk_id), course, Role.DESK)
        make_user("peserta@bimtek.test", "participant")
    login(client, "desk@bimtek.test")
    screen = client.get(f"/courses/KSP-KUTIM-2024/sessions/{session_id}/screen")
    assert screen.status_code == 200 and "<svg" in screen.get_data(as_text=True)
    assert client.get("/check-in").status_code == 403
    post(client, "/logout")
    login(client, "peserta@bimtek.test")
    assert client.get(f"/courses/KSP-KUTIM-2024/sessions/{session_id}/screen"
                      ).status_code == 403
    response = post(client, "/check-in", {"code": "ABCDEF"})
    assert 'data-result="invalid_code"' in response.get_data(as_text=True)


@pytest.mark.parametrize("code", ["ÄBCDEF", "\u00e9" * 6, "A" * 10_000, "\x00\x01"])
def test_a_code_no_screen_shows_is_refused_not_a_server_error(room, code):
    _session, user, _mine = room
    assert self_check_in(user, code, secret=SECRET, at=DURING).result == \
        CheckInResult.INVALID_CODE
