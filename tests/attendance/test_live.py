"""The live dashboard: check-ins against registrations, polled by the page every 5 s."""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bimtek.attendance.live import Tally, live_counts
from bimtek.attendance.marking import mark_many
from bimtek.attendance.scanning import check_in
from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session, delete_session
from bimtek.courses.models import Session, SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from bimtek.registration.models import Registration
from tests.factories import make_course
from tests.registration.factories import participant
from tests.support.web import login, post

LIVE = "/courses/KSP-KUTIM-2024/attendance/live"
POLL = {"HX-Request": "true"}
MONDAY, TUESDAY = date(2024, 10, 28), date(2024, 10, 29)
WITA = ZoneInfo("Asia/Makassar")


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    """A WITA wall-clock time as the naive UTC instant the services take."""
    return datetime.combine(day, time(hour, minute), WITA).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def live(app, make_user):
    """Monday 08.00 and 09.45, Tuesday 08.00 (WITA). Registered: 1 and 2 of PPK, 3 of
    Kesbangpol; 4 checked in and then cancelled. Monday 08.00: 1 present, 2 late, 4
    present; 09.45: 1 present, 3 excused; Tuesday: 2 present."""
    with app.app_context():
        course = make_course("KSP-KUTIM-2024")
        make_course("KSP-SINTANG-2024")
        sessions = [add_session(course, SessionInput(
            day=day, starts_at=start, ends_at=end, title=title, kind=SessionKind.MATERIAL))
            for day, start, end, title in [(MONDAY, time(8), time(9, 30), "Pembukaan"),
                                           (MONDAY, time(9, 45), time(12), "Pemetaan"),
                                           (TUESDAY, time(8), time(9, 30), "Komunikasi")]]
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        kesbangpol = save_institution(None, name="Badan Kesatuan Bangsa dan Politik",
                                      short_name="Kesbangpol Kutim").id
        people = services.register_many(course, [services.check_participant(
            course, participant(n, institution, unit=unit)) for n, institution, unit in
            [(1, ppk, "PPK"), (2, ppk, "PPK"), (3, kesbangpol, "Kesbangpol"),
             (4, ppk, "PPK")]])
        for person, session, at in [(0, 0, utc(MONDAY, 7, 55)), (1, 0, utc(MONDAY, 8, 20)),
                                    (3, 0, utc(MONDAY, 7, 50)), (0, 1, utc(MONDAY, 9, 40)),
                                    (1, 2, utc(TUESDAY, 7, 58))]:
            check_in(course, people[person].badge_code, session_id=sessions[session].id,
                     scanned_at=at)
        mark_many(sessions[1], [people[2].id], "izin", reason="Rapat KPU")
        services.cancel(people[3])
        for email, role, code in [("organiser@bimtek.test", Role.ORGANISER, "KSP-KUTIM-2024"),
                                  ("desk@bimtek.test", Role.DESK, "KSP-KUTIM-2024"),
                                  ("organiser2@bimtek.test", Role.ORGANISER,
                                   "KSP-SINTANG-2024")]:
            user_id = make_user(email, role.value)
            course_staff.assign_course(db.session.get(User, user_id),
                                        course_services.find_course(code), role)
        make_user("peserta@bimtek.test", "participant")
        return {"sessions": [s.id for s in sessions], "badge": people[2].badge_code}


def test_counts_per_session_day_unit_and_institution(app_context, live):
    course = course_services.find_course("KSP-KUTIM-2024")
    opening, mapping, tuesday = live["sessions"]
    counts = live_counts(course, now=utc(MONDAY, 8, 10))
    assert counts.registered == 3 and counts.day == MONDAY
    assert [(s.id, n) for s, n in counts.sessions] == [(opening, 2), (mapping, 1)]
    assert counts.days == [(MONDAY, 2), (TUESDAY, 1), (date(2024, 10, 30), 0),
                           (date(2024, 10, 31), 0), (date(2024, 11, 1), 0)]
    assert counts.session.id == opening, "the session in progress"
    assert counts.units == [Tally("Kesbangpol", 0, 1), Tally("PPK", 2, 2)]
    assert counts.institutions == [Tally("Kesbangpol Kutim", 0, 1), Tally("PPK", 2, 2)]
    later = live_counts(course, now=utc(MONDAY, 10, 0))
    assert later.session.id == mapping
    assert later.units == [Tally("Kesbangpol", 0, 1), Tally("PPK", 1, 2)], "izin is not in"


def test_day_and_session_default_and_can_be_chosen(app_context, live):
    course = course_services.find_course("KSP-KUTIM-2024")
    opening, mapping, tuesday = live["sessions"]
    after = utc(date(2025, 1, 6), 9)
    assert (live_counts(course, now=after).day,
            live_counts(course, now=after).session.id) == (MONDAY, opening)
    assert live_counts(course, now=utc(TUESDAY, 12)).session.id == tuesday
    assert live_counts(course, day=MONDAY, session_id=mapping, now=after).session.id == mapping
    # A session of another day, or a day outside the course, falls back to the defaults.
    chosen = live_counts(course, day=TUESDAY, session_id=opening, now=after)
    assert (chosen.day, chosen.session.id) == (TUESDAY, tuesday)
    assert [(s.id, n) for s, n in chosen.sessions] == [(tuesday, 1)]
    assert live_counts(course, day=date(2024, 12, 1), now=after).day == MONDAY
    empty_day = live_counts(course, day=date(2024, 10, 30), now=after)
    assert (empty_day.sessions, empty_day.session, empty_day.units) == ([], None, [])


def in_english(client, email):
    login(client, email)
    post(client, "/language", {"locale": "en", "next": "/"})


def test_a_check_in_after_the_page_loaded_shows_in_the_next_poll(app, client, live):
    opening = live["sessions"][0]
    in_english(client, "organiser@bimtek.test")
    page = client.get(LIVE).get_data(as_text=True)
    assert f'hx-get="{LIVE}"' in page and 'hx-trigger="every 5s"' in page
    assert f'data-testid="session-{opening}"><span class="text-nowrap">2 / 3' in page
    with app.app_context():
        check_in(course_services.find_course("KSP-KUTIM-2024"), live["badge"],
                 session_id=opening, scanned_at=utc(MONDAY, 8, 40))
    fragment = client.get(LIVE, headers=POLL).get_data(as_text=True)
    assert "<html" not in fragment and 'hx-trigger' not in fragment
    assert f'data-testid="session-{opening}"><span class="text-nowrap">3 / 3' in fragment
    assert 'data-testid="day-2024-10-28"><span class="text-nowrap">3 / 3' in fragment
    chosen = client.get(LIVE, query_string={"day": "2024-10-29"}).get_data(as_text=True)
    assert 'hx-get="/courses/KSP-KUTIM-2024/attendance/live?day=2024-10-29"' in chosen
    assert "Komunikasi" in chosen and "Pembukaan" not in chosen


def test_queries_do_not_grow_with_participants(app, client, live, count_queries):
    login(client, "organiser@bimtek.test")
    with count_queries() as few:
        client.get(LIVE)
    with count_queries() as few_polled:
        client.get(LIVE, headers=POLL)
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        satpol = save_institution(None, name="Satuan Polisi Pamong Praja",
                                  short_name="Satpol PP").id
        added = services.register_many(course, [services.check_participant(
            course, participant(n, satpol, unit="Satpol PP")) for n in range(10, 60)])
        for session_id in live["sessions"]:
            mark_many(db.session.get(Session, session_id), [r.id for r in added], "hadir")
    with count_queries() as many:
        page = client.get(LIVE).get_data(as_text=True)
    with count_queries() as many_polled:
        client.get(LIVE, headers=POLL)
    assert f'data-testid="session-{live["sessions"][0]}"><span class="text-nowrap">52 / 53' in page
    assert (many.count, many_polled.count) == (few.count, few_polled.count)


def test_empty_states(app, client, live):
    in_english(client, "organiser@bimtek.test")
    with app.app_context():
        db.session.query(Registration).delete()
        db.session.commit()
    assert "No registered participants yet." in client.get(LIVE).get_data(as_text=True)
    with app.app_context():
        for session_id in live["sessions"]:
            delete_session(db.session.get(Session, session_id))
    html = client.get(LIVE, headers=POLL).get_data(as_text=True)
    assert "The course has no sessions yet." in html


def test_only_the_course_organisers_see_the_live_counts(client, live):
    assert client.get(LIVE).location.startswith("/login")
    assert client.get(LIVE, headers=POLL).location.startswith("/login")
    for email in ("desk@bimtek.test", "organiser2@bimtek.test", "peserta@bimtek.test"):
        login(client, email)
        assert client.get(LIVE).status_code == 403, email
        assert client.get(LIVE, headers=POLL).status_code == 403, email
        post(client, "/logout")
