"""The registration desk page: who may scan, and what each scan shows."""
from datetime import time

import pytest

from bimtek.attendance.services import wall_clock
from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.registration import services
from bimtek.speakers.services import save_institution
from bimtek.timeutil import utcnow
from tests.conftest import login, post
from tests.factories import make_course
from tests.registration.factories import participant


@pytest.fixture
def desk_setup(app, make_user):
    """A course running today (in WITA) with one all-day session and two participants."""
    with app.app_context():
        course = make_course("KSP-KUTIM-DEMO")
        today = wall_clock(course, utcnow()).date()
        course.starts_on, course.ends_on = today, course_services.course_end(today, 5)
        db.session.commit()
        session = course_services.add_session(course, course_services.SessionInput(
            day=today, starts_at=time(0, 0), ends_at=time(23, 59), title="Simulasi",
            kind=SessionKind.SIMULATION))
        make_course("KSP-SINTANG-2024")
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        person = services.register(course, participant(1, ppk, name="Ahmad Fauzi"))
        desk_id = make_user("desk@bimtek.test", "desk")
        auth_services.assign_course(db.session.get(User, desk_id), course, Role.DESK)
        other_id = make_user("desk2@bimtek.test", "desk")
        auth_services.assign_course(db.session.get(User, other_id),
                                    course_services.find_course("KSP-SINTANG-2024"), Role.DESK)
        return {"badge": person.badge_code, "session_id": session.id}


def test_desk_scans_show_green_then_amber(client, desk_setup):
    login(client, "desk@bimtek.test")
    page = client.get("/courses/KSP-KUTIM-DEMO/desk").get_data(as_text=True)
    assert "Sekarang: Simulasi" in page
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
        auth_services.assign_course(db.session.get(User, organiser_id), course,
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
    assert "attendance.marked" in page and "Demam" in page
    with app.app_context():
        sintang = course_services.find_course("KSP-SINTANG-2024")
        foreign = course_services.add_session(sintang, course_services.SessionInput(
            day=sintang.starts_on, starts_at=time(8, 0), ends_at=time(9, 0), title="Lain",
            kind=SessionKind.MATERIAL)).id
    assert post(client, url, {"session_id": foreign, "status": "hadir"}).status_code == 404
    post(client, "/logout")
    login(client, "desk2@bimtek.test")
    assert post(client, url, {"session_id": desk_setup["session_id"],
                              "status": "hadir"}).status_code == 403
