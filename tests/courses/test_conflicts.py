"""Agenda warnings: the pure checks case by case, then loading from the database and the
check-agenda command."""
from datetime import date, datetime, time

import flask
import pytest
import sqlalchemy as sa

from bimtek.courses.agenda import SessionInput, add_session, save_room
from bimtek.courses.conflicts import (
    AgendaWarning,
    CourseFacts,
    SessionFacts,
    SpeakerFacts,
    agenda_warnings,
    agenda_warnings_for,
    load_agenda_facts,
)
from bimtek.courses.models import JP_BEARING_KINDS, Course, SessionKind
from bimtek.extensions import db
from bimtek.speakers.models import Speaker, SpeakerRole
from bimtek.timeutil import minutes_between
from tests.factories import make_course

MONDAY, TUESDAY = date(2024, 10, 28), date(2024, 10, 29)
COURSE = CourseFacts(id=1, code="KSP-KUTIM-2024", starts_on=MONDAY,
                     ends_on=date(2024, 11, 1), timezone="Asia/Makassar")
# The same Bimtek for Sintang (WIB): one hour behind Samarinda.
SINTANG = CourseFacts(id=2, code="KSP-SINTANG-2024", starts_on=MONDAY,
                      ends_on=date(2024, 11, 1), timezone="Asia/Pontianak")
BALLROOM = {"room_id": 10, "room_name": "Ballroom", "in_plenary_hall": True}
KENANGA = {"room_id": 11, "room_name": "Ruang Kenanga"}
MELATI = {"room_id": 12, "room_name": "Ruang Melati"}
RIZALI = SpeakerFacts(100, "Dr. H. Rizali Hadi, M.Pd.")
AGUS = SpeakerFacts(101, "AKBP Agus Salim, S.I.K.")


def clock(text: str) -> time:
    return datetime.strptime(text, "%H.%M").time()


def session(session_id: int, starts: str, ends: str, *, course=COURSE, day=MONDAY,
            kind=SessionKind.MATERIAL, jp=None, speakers=(), **room) -> SessionFacts:
    """A session whose JP matches its length unless `jp` says otherwise."""
    starts_at, ends_at = clock(starts), clock(ends)
    if jp is None:
        jp = (minutes_between(starts_at, ends_at) // 45
              if kind in JP_BEARING_KINDS else 0)
    return SessionFacts(id=session_id, course_id=course.id, course_code=course.code,
                        timezone=course.timezone, title=f"Sesi {session_id}", kind=kind,
                        day=day, starts_at=starts_at, ends_at=ends_at, jp=jp,
                        speakers=tuple(speakers), **room)


def found(warnings: list[AgendaWarning]) -> list[tuple[str, tuple[int, ...]]]:
    return [(warning.kind.value, warning.session_ids) for warning in warnings]


@pytest.fixture
def english(app):
    with app.test_request_context():
        flask.session["locale"] = "en"
        yield


pytestmark = pytest.mark.usefixtures("english")


def test_a_sound_agenda_has_no_warnings():
    sessions = [
        session(1, "08.00", "09.30", **BALLROOM, speakers=[RIZALI]),
        session(2, "09.30", "10.00", kind=SessionKind.BREAK, **BALLROOM),
        session(3, "10.00", "11.30", **KENANGA, speakers=[RIZALI]),
        session(4, "10.00", "11.30", **MELATI, speakers=[AGUS]),
        session(5, "08.00", "09.30", day=TUESDAY, **BALLROOM, speakers=[RIZALI]),
    ]
    assert agenda_warnings(COURSE, sessions, []) == []


# --- times and dates -------------------------------------------------------------------

@pytest.mark.parametrize("ends", ["10.00", "09.00"])
def test_a_session_ending_when_or_before_it_starts(ends):
    sessions = [session(1, "10.00", ends, **KENANGA, jp=2),
                session(2, "08.00", "11.00", **KENANGA, jp=4)]
    assert found(agenda_warnings(COURSE, sessions, [])) == [("ends_before_start", (1,))]


@pytest.mark.parametrize("day", [date(2024, 10, 27), date(2024, 11, 2)])
def test_a_session_outside_the_course_dates(day):
    warnings = agenda_warnings(COURSE, [session(1, "08.00", "09.30", day=day)], [])
    assert found(warnings) == [("outside_course_dates", (1,))]
    assert "28 October to 1 November 2024" in warnings[0].message


def test_the_first_and_last_day_are_inside_the_course():
    sessions = [session(1, "08.00", "09.30", day=COURSE.starts_on),
                session(2, "08.00", "09.30", day=COURSE.ends_on)]
    assert agenda_warnings(COURSE, sessions, []) == []


# --- rooms and the plenary hall --------------------------------------------------------

def test_a_room_booked_twice():
    sessions = [session(1, "08.00", "09.30", **KENANGA),
                session(2, "09.00", "10.00", kind=SessionKind.DISCUSSION, **KENANGA)]
    warnings = agenda_warnings(COURSE, sessions, [])
    assert found(warnings) == [("room_double_booked", (1, 2))]
    message = warnings[0].message
    assert "Ruang Kenanga" in message and "Monday, 28 October 2024" in message
    assert "08.00–09.30 WITA" in message and "09.00–10.00 WITA" in message


@pytest.mark.parametrize("second", [
    {"starts": "09.30", "ends": "10.15", **KENANGA},          # adjacent
    {"starts": "08.00", "ends": "09.30", **MELATI},           # another room
    {"starts": "08.00", "ends": "09.30"},                     # no room
    {"starts": "08.00", "ends": "09.30", "day": TUESDAY, **KENANGA},  # another day
])
def test_sessions_that_do_not_share_a_room_at_the_same_time(second):
    sessions = [session(1, "08.00", "09.30", **KENANGA),
                session(2, second.pop("starts"), second.pop("ends"), **second)]
    assert agenda_warnings(COURSE, sessions, []) == []


def test_overlapping_material_in_the_plenary_hall_is_reported_once_as_plenary_overlap():
    sessions = [session(1, "08.00", "09.30", **BALLROOM),
                session(2, "08.45", "09.30", **BALLROOM)]
    warnings = agenda_warnings(COURSE, sessions, [])
    assert found(warnings) == [("plenary_overlap", (1, 2))]
    assert "08.45–09.30 WITA" in warnings[0].message


def test_overlapping_material_in_two_plenary_rooms():
    second_hall = {"room_id": 13, "room_name": "Ballroom B", "in_plenary_hall": True}
    sessions = [session(1, "08.00", "09.30", **BALLROOM),
                session(2, "08.45", "09.30", **second_hall)]
    assert found(agenda_warnings(COURSE, sessions, [])) == [("plenary_overlap", (1, 2))]


def test_a_break_over_material_in_the_plenary_hall_is_a_room_double_booking():
    sessions = [session(1, "08.00", "09.30", **BALLROOM),
                session(2, "09.00", "09.30", kind=SessionKind.BREAK, **BALLROOM)]
    assert found(agenda_warnings(COURSE, sessions, [])) == [("room_double_booked", (1, 2))]


def test_plenary_material_beside_a_breakout_room_is_fine():
    sessions = [session(1, "08.00", "09.30", **BALLROOM),
                session(2, "08.00", "09.30", **KENANGA)]
    assert agenda_warnings(COURSE, sessions, []) == []


# --- speakers --------------------------------------------------------------------------

def test_a_speaker_in_two_rooms_at_once():
    sessions = [session(1, "08.00", "09.30", **KENANGA, speakers=[RIZALI, AGUS]),
                session(2, "09.00", "10.30", **MELATI, speakers=[RIZALI])]
    warnings = agenda_warnings(COURSE, sessions, [])
    assert found(warnings) == [("speaker_double_booked", (1, 2))]
    assert RIZALI.name in warnings[0].message


def test_a_speaker_booked_in_another_course_at_the_same_instant():
    # 09.00 WITA and 08.00 WIB are the same instant (01.00 UTC).
    ours = session(1, "09.00", "10.30", speakers=[AGUS])
    theirs = session(7, "08.00", "09.30", course=SINTANG, speakers=[AGUS])
    warnings = agenda_warnings(COURSE, [ours], [theirs])
    assert found(warnings) == [("speaker_double_booked", (1, 7))]
    assert "KSP-SINTANG-2024" in warnings[0].message
    assert "09.00–10.30 WITA" in warnings[0].message
    assert "08.00–09.30 WIB" in warnings[0].message


def test_equal_wall_clock_times_in_different_zones_do_not_overlap():
    # 08.00–08.45 WITA is 00.00–00.45 UTC; 08.00–08.45 WIB is 01.00–01.45 UTC.
    ours = session(1, "08.00", "08.45", speakers=[AGUS])
    theirs = session(7, "08.00", "08.45", course=SINTANG, speakers=[AGUS])
    assert agenda_warnings(COURSE, [ours], [theirs]) == []


def test_a_clash_between_two_other_courses_is_not_ours():
    ours = session(1, "13.00", "14.30", speakers=[AGUS])
    theirs = [session(7, "08.00", "09.30", course=SINTANG, speakers=[AGUS]),
              session(8, "08.00", "09.30", course=SINTANG, speakers=[AGUS], **MELATI)]
    assert agenda_warnings(COURSE, [ours], theirs) == []


# --- JP --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, starts, ends, jp, warned", [
    (SessionKind.MATERIAL, "08.00", "09.30", 2, False),
    (SessionKind.MATERIAL, "08.00", "09.00", 2, True),     # 60 minutes for 2 JP
    (SessionKind.MATERIAL, "08.00", "09.40", 2, True),     # 100 minutes for 2 JP
    (SessionKind.DISCUSSION, "08.00", "08.45", 1, False),
    (SessionKind.OPENING, "08.00", "09.00", 1, True),
    (SessionKind.MATERIAL, "08.00", "08.45", 0, True),     # material carrying no JP
    (SessionKind.SIMULATION, "08.00", "10.00", 0, True),
    (SessionKind.MATERIAL, "08.00", "08.30", 0, False),    # shorter than one JP
    (SessionKind.BREAK, "12.00", "13.00", 0, False),
    (SessionKind.OPENING, "08.00", "09.00", 0, False),
])
def test_jp_against_duration(kind, starts, ends, jp, warned):
    warnings = agenda_warnings(COURSE, [session(1, starts, ends, kind=kind, jp=jp)], [])
    assert found(warnings) == ([("jp_mismatch", (1,))] if warned else [])


def test_jp_message_names_the_minutes():
    warnings = agenda_warnings(COURSE, [session(1, "08.00", "09.00", jp=2)], [])
    assert "2 JP" in warnings[0].message and "90" in warnings[0].message \
        and "60" in warnings[0].message


@pytest.mark.parametrize("declared, warned", [(None, False), (4, False), (30, True)])
def test_total_jp_against_the_declared_jp(declared, warned):
    course = CourseFacts(**{**COURSE.__dict__, "declared_jp": declared})
    sessions = [session(1, "08.00", "09.30"),
                session(2, "09.30", "10.00", kind=SessionKind.BREAK),
                session(3, "10.00", "11.30")]
    warnings = agenda_warnings(course, sessions, [])
    assert found(warnings) == ([("total_jp_mismatch", ())] if warned else [])
    if warned:
        assert "4 JP" in warnings[0].message and "30 JP" in warnings[0].message


# --- from the database -----------------------------------------------------------------

def add(course, starts, ends, *, title, kind=SessionKind.MATERIAL, day=MONDAY, room=None,
        speakers=()):
    return add_session(course, SessionInput(
        day=day, starts_at=clock(starts), ends_at=clock(ends), title=title, kind=kind,
        room_id=room.id if room else None,
        speakers=[(speaker.id, SpeakerRole.NARASUMBER) for speaker in speakers]))


@pytest.fixture
def clashing_agenda(english):
    """KSP-KUTIM-2024 (WITA) with a room double-booked and a speaker also booked in
    Sintang (WIB) at the same instant; a third course shares no speaker."""
    kutim = make_course("KSP-KUTIM-2024", timezone="Asia/Makassar", declared_jp=6)
    sintang = make_course("KSP-SINTANG-2024", timezone="Asia/Pontianak")
    elsewhere = make_course("LAIN-2024", timezone="Asia/Makassar")
    agus = Speaker(front_titles="AKBP", name="Agus Salim", back_titles="S.I.K.")
    rizali = Speaker(front_titles="Dr. H.", name="Rizali Hadi", back_titles="M.Pd.")
    db.session.add_all([agus, rizali])
    db.session.commit()
    kenanga = save_room(kutim, None, name="Ruang Kenanga", capacity=None,
                        is_plenary=False)
    first = add(kutim, "08.00", "09.30", title="Pemetaan intelijen", room=kenanga,
                speakers=[rizali])
    second = add(kutim, "09.00", "10.30", title="Komunikasi krisis", room=kenanga,
                 speakers=[agus])
    theirs = add(sintang, "07.30", "08.15", title="Penegakan hukum", speakers=[agus])
    add(elsewhere, "09.00", "10.30", title="Tidak terkait", speakers=[rizali, agus],
        day=TUESDAY)
    return {"course": kutim, "first": first.id, "second": second.id, "theirs": theirs.id}


def test_agenda_warnings_for_a_stored_course(clashing_agenda):
    warnings = agenda_warnings_for(clashing_agenda["course"])
    ids = clashing_agenda
    assert found(warnings) == [
        ("room_double_booked", (ids["first"], ids["second"])),
        ("speaker_double_booked", (ids["second"], ids["theirs"])),
        ("total_jp_mismatch", ()),
    ]
    assert "07.30–08.15 WIB" in warnings[1].message
    assert "AKBP Agus Salim, S.I.K." in warnings[1].message


def test_loading_the_facts_takes_a_fixed_number_of_queries(clashing_agenda):
    course = clashing_agenda["course"]
    kenanga = course.rooms[0]
    speakers = db.session.scalars(sa.select(Speaker)).all()
    for hour in range(8, 16):
        add(course, f"{hour:02d}.00", f"{hour:02d}.45", title=f"Materi {hour}",
            day=TUESDAY, room=kenanga, speakers=speakers)
    db.session.expire_all()
    course = db.session.get(Course, course.id)
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        course_facts, sessions, others = load_agenda_facts(course)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert course_facts.declared_jp == 6 and len(sessions) == 10
    assert {other.course_code for other in others} == {"KSP-SINTANG-2024", "LAIN-2024"}
    assert len(statements) <= 4


# --- flask check-agenda ----------------------------------------------------------------

def test_check_agenda_prints_one_warning_a_line_and_fails(app, clashing_agenda):
    result = app.test_cli_runner().invoke(args=["check-agenda", "ksp-kutim-2024"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines] == \
        ["room_double_booked", "speaker_double_booked", "total_jp_mismatch"]
    assert "08.00–09.30 WITA" in lines[0] and "07.30–08.15 WIB" in lines[1]


def test_check_agenda_on_a_sound_agenda(app, app_context):
    course = make_course("KSP-KUTIM-2024")
    add(course, "08.00", "09.30", title="Mitigasi konflik sosial")
    result = app.test_cli_runner().invoke(args=["check-agenda", "KSP-KUTIM-2024"])
    assert result.exit_code == 0, result.output
    assert result.output == "KSP-KUTIM-2024: no agenda warnings.\n"


def test_check_agenda_on_an_unknown_course(app):
    result = app.test_cli_runner().invoke(args=["check-agenda", "TIDAK-ADA"])
    assert result.exit_code == 2
    assert "no course has the code TIDAK-ADA" in result.output
