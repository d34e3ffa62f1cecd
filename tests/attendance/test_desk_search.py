"""Finding a person at the desk, the desk's count for its session, and what the desk
role may see of them."""
from datetime import date, datetime, time

import pytest

from bimtek.attendance.desk import desk_session, find_at_desk
from bimtek.attendance.live import session_tally
from bimtek.attendance.scanning import check_in
from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.attendance.factories import course_running_today
from tests.factories import make_course
from tests.registration.factories import participant
from tests.support.web import login

MONDAY_0805_WITA = datetime(2024, 10, 28, 0, 5)


@pytest.fixture
def room(app_context):
    course = make_course("KSP-KUTIM-2024", capacity=3)
    session = add_session(course, SessionInput(
        day=date(2024, 10, 28), starts_at=time(8, 0), ends_at=time(9, 30),
        title="Kebijakan tahapan Pilkada", kind=SessionKind.MATERIAL))
    ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
    bawaslu = save_institution(None, name="Panitia Pengawas Kecamatan",
                               short_name="Panwaslu Kec").id
    people = [
        services.register(course, participant(1, ppk, name="Ahmad Fauzi",
                                              phone="0812-3456-7890")),
        services.register(course, participant(2, bawaslu, name="Nurul Hidayah",
                                              nip="198609262015051001")),
        services.register(course, participant(3, ppk, name="Ahmad Yani")),
        services.register(course, participant(4, ppk, name="Ahmad Tunggu")),  # waitlisted
    ]
    other = make_course("KSP-SINTANG-2024")
    services.register(other, participant(9, ppk, name="Ahmad Sintang"))
    return course, session, people


def names(course, text, session=None):
    return [m.registration.name for m in find_at_desk(course, text, session)]


def test_search_by_each_key(room):
    course, _session, (fauzi, nurul, _yani, _waiting) = room
    assert names(course, "ahmad") == ["Ahmad Fauzi", "Ahmad Tunggu", "Ahmad Yani"]
    assert names(course, "  HIDAY ") == ["Nurul Hidayah"]
    assert names(course, "2") == ["Nurul Hidayah"], "a participant number"
    assert names(course, "7890") == ["Ahmad Fauzi"], "the last digits of the phone number"
    assert names(course, fauzi.nik[-6:]) == ["Ahmad Fauzi"], "the last digits of the NIK"
    assert names(course, "5051001") == ["Nurul Hidayah"], "the last digits of the NIP"
    assert names(course, "panwaslu") == ["Nurul Hidayah"], "the institution"
    assert names(course, "a") == [] and names(course, "%") == [] and names(course, "_a") == []
    assert names(course, "99999999999999999999999") == []
    assert names(course, "\x00hida\x07yah") == ["Nurul Hidayah"]


def test_results_carry_the_status_in_the_session_and_the_tally(room):
    course, session, (fauzi, *_rest) = room
    check_in(course, fauzi.badge_code, scanned_at=MONDAY_0805_WITA)
    found = {m.registration.name: m.attendance for m in find_at_desk(course, "ahmad", session)}
    assert found["Ahmad Fauzi"].status.value == "hadir" and found["Ahmad Yani"] is None
    tally = session_tally(session)
    assert (tally.checked_in, tally.registered) == (1, 3)


def test_the_desk_session_is_the_chosen_one_of_this_course_else_the_clock(room):
    course, session, _people = room
    other = course_services.find_course("KSP-SINTANG-2024")
    foreign = add_session(other, SessionInput(
        day=other.starts_on, starts_at=time(8, 0), ends_at=time(9, 0), title="Lain",
        kind=SessionKind.MATERIAL))
    assert desk_session(course, session.id, datetime(2024, 10, 20)) == session
    assert desk_session(course, foreign.id, MONDAY_0805_WITA) == session
    assert desk_session(course, None, datetime(2024, 10, 20)) is None


@pytest.fixture
def desk(app, make_user):
    with app.app_context():
        course, session, (person, _other) = course_running_today(
            "KSP-KUTIM-DEMO", ["Ahmad Fauzi", "Nurul Hidayah"])
        person.phone = "+6281234567890"
        db.session.commit()
        desk_id = make_user("desk@bimtek.test", "desk")
        course_staff.assign_course(db.session.get(User, desk_id), course, Role.DESK)
        return {"session_id": session.id, "nik": person.nik, "badge": person.badge_code}


def test_the_desk_finds_a_person_and_sees_no_full_nik_or_phone(client, desk):
    login(client, "desk@bimtek.test")
    page = client.get("/courses/KSP-KUTIM-DEMO/desk/search", query_string={
        "q": "fauzi", "session_id": desk["session_id"]}).get_data(as_text=True)
    assert "Ahmad Fauzi" in page and "Nurul" not in page and "Belum hadir" in page
    assert f'data-check-in="{desk["badge"]}"' in page
    assert desk["nik"] not in page and desk["nik"][-4:] in page
    assert "81234567890" not in page and "7890" in page
    nobody = client.get("/courses/KSP-KUTIM-DEMO/desk/search", query_string={"q": "zzz"})
    assert "Tidak ada yang ditemukan untuk zzz" in nobody.get_data(as_text=True)


def test_the_desk_count_follows_the_session(client, desk):
    login(client, "desk@bimtek.test")
    url = "/courses/KSP-KUTIM-DEMO/desk/count"
    assert "0 dari 2 hadir" in client.get(url).get_data(as_text=True)
    from tests.support.web import post
    post(client, "/courses/KSP-KUTIM-DEMO/desk/scan", {"badge": desk["badge"]})
    assert "1 dari 2 hadir" in client.get(url, query_string={
        "session_id": desk["session_id"]}).get_data(as_text=True)
