"""The registration desk page: who may scan, and what each scan shows."""
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import Session, SessionKind
from bimtek.extensions import db
from tests.attendance.factories import course_running_today
from tests.factories import make_course
from tests.support.web import login, post


@pytest.fixture
def desk_setup(app, make_user):
    """A course running today (in WITA) with one all-day session and one participant."""
    with app.app_context():
        _, session, (person,) = course_running_today("KSP-KUTIM-DEMO", ["Ahmad Fauzi"])
        make_course("KSP-SINTANG-2024")
        desk_id = make_user("desk@bimtek.test", "desk")
        course_staff.assign_course(db.session.get(User, desk_id), session.course, Role.DESK)
        other_id = make_user("desk2@bimtek.test", "desk")
        course_staff.assign_course(db.session.get(User, other_id),
                                    course_services.find_course("KSP-SINTANG-2024"), Role.DESK)
        return {"badge": person.badge_code, "session_id": session.id}


def test_desk_scans_show_green_then_amber(client, desk_setup):
    login(client, "desk@bimtek.test")
    page = client.get("/courses/KSP-KUTIM-DEMO/desk").get_data(as_text=True)
    assert "Sekarang: Simulasi" in page
    sheet = f"/courses/KSP-KUTIM-DEMO/sessions/{desk_setup['session_id']}/sign-in-sheet.pdf"
    assert sheet in page
    assert client.get(sheet).mimetype == "application/pdf"
    first = post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", {"badge": desk_setup["badge"]})
    assert 'data-result="ok"' in first.get_data(as_text=True)
    assert "Ahmad Fauzi" in first.get_data(as_text=True)
    again = post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", {"badge": desk_setup["badge"]})
    html = again.get_data(as_text=True)
    assert 'data-result="already_checked_in"' in html and "WITA" in html
    unknown = post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", {"badge": "tidak-ada"})
    assert "Kartu tidak dikenal" in unknown.get_data(as_text=True)


def test_only_the_course_desk_and_organisers_scan(app, client, make_user, desk_setup):
    login(client, "desk2@bimtek.test")
    assert client.get("/courses/KSP-KUTIM-DEMO/desk").status_code == 403
    assert post(client, "/courses/KSP-KUTIM-DEMO/desk/scan",
                {"badge": desk_setup["badge"]}).status_code == 403
    post(client, "/logout")
    for role in ("facilitator", "participant"):
        make_user(f"{role}@bimtek.test", role)
        login(client, f"{role}@bimtek.test")
        assert client.get("/courses/KSP-KUTIM-DEMO/desk").status_code == 403
        post(client, "/logout")
    with app.app_context():
        from bimtek.attendance.models import Attendance

        assert db.session.query(Attendance).count() == 0


def test_marking_by_hand_needs_a_reason_for_excused_and_is_audited(app, client, make_user,
                                                                   desk_setup):
    from bimtek.attendance.models import Attendance, AttendanceStatus
    from bimtek.registration.models import Registration

    organiser_id = make_user("organiser@bimtek.test", "organiser")
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-DEMO")
        course_staff.assign_course(db.session.get(User, organiser_id), course,
                                    Role.ORGANISER)
        registration_id = db.session.query(Registration.id).scalar()
    login(client, "organiser@bimtek.test")
    url = f"/courses/KSP-KUTIM-DEMO/participants/{registration_id}/attendance"
    response = post(client, url, {"session_id": desk_setup["session_id"], "status": "izin"},
                    follow_redirects=True)
    assert "Tulis alasan untuk Izin." in response.get_data(as_text=True)
    post(client, url, {"session_id": desk_setup["session_id"], "status": "sakit",
                       "reason": "Demam"})
    with app.app_context():
        record = db.session.query(Attendance).one()
        assert (record.status, record.reason) == (AttendanceStatus.SAKIT, "Demam")
    page = client.get(f"/courses/KSP-KUTIM-DEMO/participants/{registration_id}").get_data(
        as_text=True)
    assert ": Sakit (Demam)" in page
    with app.app_context():
        sintang = course_services.find_course("KSP-SINTANG-2024")
        foreign = add_session(sintang, SessionInput(
            day=sintang.starts_on, starts_at=time(8, 0), ends_at=time(9, 0), title="Lain",
            kind=SessionKind.MATERIAL)).id
    assert post(client, url, {"session_id": foreign, "status": "hadir"}).status_code == 404
    post(client, "/logout")
    login(client, "desk2@bimtek.test")
    assert post(client, url, {"session_id": desk_setup["session_id"],
                              "status": "hadir"}).status_code == 403


def test_a_queued_scan_counts_from_when_it_was_made(app, client, desk_setup):
    """Scanned at 08.10 WITA on a laptop whose clock is two hours fast, sent from the
    queue at 08.40 when the network came back: on time, with a 15-minute grace."""
    from bimtek.attendance.models import Attendance, AttendanceStatus

    with app.app_context():
        session = db.session.get(Session, desk_setup["session_id"])
        session.starts_at, session.ends_at = time(8, 0), time(10, 0)
        session.course.late_after_minutes = 15
        db.session.commit()
        day = session.day
    received = datetime.combine(day, time(0, 40), tzinfo=UTC)  # 08.40 WITA
    laptop = datetime.combine(day, time(10, 10), tzinfo=UTC)  # 08.10 WITA, two hours fast
    with time_machine.travel(received, tick=False):
        login(client, "desk@bimtek.test")
        response = post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", {
            "badge": desk_setup["badge"], "nonce": "antrean-1",
            "session_id": desk_setup["session_id"], "scanned_at": laptop.isoformat(),
            "sent_at": (laptop + timedelta(minutes=30)).isoformat()})
    assert 'data-result="ok"' in response.get_data(as_text=True)
    with app.app_context():
        record = db.session.query(Attendance).one()
        assert record.status == AttendanceStatus.HADIR
        assert record.happened_at == datetime.combine(day, time(0, 10))
        record_id = record.id
    with time_machine.travel(received + timedelta(minutes=15), tick=False):
        again = post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", {
            "badge": desk_setup["badge"], "nonce": "antrean-1",
            "session_id": desk_setup["session_id"], "scanned_at": laptop.isoformat(),
            "sent_at": (laptop + timedelta(minutes=45)).isoformat()})
    assert 'data-result="ok"' in again.get_data(as_text=True)
    with app.app_context():
        assert [a.id for a in db.session.query(Attendance)] == [record_id]


def test_a_scan_typed_without_the_queue_counts_when_it_arrives(app, client, desk_setup):
    from bimtek.attendance.models import Attendance, AttendanceStatus

    with app.app_context():
        session = db.session.get(Session, desk_setup["session_id"])
        session.starts_at, session.ends_at = time(8, 0), time(10, 0)
        db.session.commit()
        day = session.day
    with time_machine.travel(datetime.combine(day, time(0, 40), tzinfo=UTC), tick=False):
        login(client, "desk@bimtek.test")
        post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", {
            "badge": desk_setup["badge"], "session_id": desk_setup["session_id"],
            "scanned_at": "kemarin"})
    with app.app_context():
        assert db.session.query(Attendance).one().status == AttendanceStatus.TERLAMBAT


def test_two_desk_browsers_have_their_own_nonces(app, client, desk_setup):
    """Two laptops at the desk each number their scans: the same nonce from each is two
    scans, and sent again from one, still one."""
    from bimtek.attendance.models import Attendance
    from bimtek.registration import services as registration_services
    from bimtek.registration.models import Registration
    from tests.registration.factories import participant

    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-DEMO")
        first = db.session.query(Registration).one()
        badge = registration_services.register(course, participant(
            2, first.institution_id, name="Nurul Hidayah")).badge_code
    login(client, "desk@bimtek.test")
    for browser, code, name in (("laptop1", desk_setup["badge"], "Ahmad Fauzi"),
                                ("laptop2", badge, "Nurul Hidayah"),
                                ("laptop2", badge, "Nurul Hidayah")):
        answer = post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", {
            "badge": code, "nonce": "1", "device": browser}).get_data(as_text=True)
        assert 'data-result="ok"' in answer and name in answer
    with app.app_context():
        assert db.session.query(Attendance).count() == 2


@pytest.mark.parametrize("form, result", [
    ({"badge": "x" * 5000}, "unknown_badge"),
    ({"badge": "KARTU-É-ÅÄ"}, "unknown_badge"),
    ({"badge": "{badge}", "session_id": "18446744073709551616"}, "no_session"),
    ({"badge": "{badge}", "session_id": "-3"}, "no_session"),
    ({"badge": "{badge}", "nonce": "n" * 500, "scanned_at": "0001-01-01T00:00:00+14:00",
      "sent_at": "9999-12-31T23:59:59-14:00"}, "ok"),
])
def test_malformed_desk_scans_are_answered_never_a_server_error(client, desk_setup, form,
                                                                result):
    login(client, "desk@bimtek.test")
    form = {name: value.format(badge=desk_setup["badge"]) for name, value in form.items()}
    answer = post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", form)
    assert answer.status_code == 200
    assert f'data-result="{result}"' in answer.get_data(as_text=True)
