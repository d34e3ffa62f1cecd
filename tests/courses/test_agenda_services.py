"""Agenda rules: sessions, JP defaults, moving, duplicating, copying, courses."""
from datetime import date, time

import pytest
from sqlalchemy import func, select

from bimtek.courses import services
from bimtek.courses.agenda import (
    SessionInput,
    add_session,
    copy_agenda,
    delete_session,
    duplicate_day,
    move_session,
    save_room,
)
from bimtek.courses.models import CourseStatus, Session, SessionKind
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.speakers.models import Speaker, SpeakerRole
from tests.factories import make_course

MONDAY = date(2024, 10, 28)


def session_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Session))


def material(day=MONDAY, start=(8, 0), end=(9, 30), title="Mitigasi konflik sosial", **kw):
    return SessionInput(day=day, starts_at=time(*start), ends_at=time(*end),
                        title=title, kind=kw.pop("kind", SessionKind.MATERIAL), **kw)


@pytest.mark.parametrize("kind, start, end, jp", [
    (SessionKind.MATERIAL, (8, 0), (9, 30), 2),
    (SessionKind.MATERIAL, (8, 0), (9, 40), 2),
    (SessionKind.SIMULATION, (9, 45), (12, 0), 3),
    (SessionKind.BREAK, (12, 0), (13, 0), 0),
    (SessionKind.OPENING, (8, 30), (9, 30), 0),
])
def test_jp_defaults_to_whole_45_minute_units_for_material(app_context, kind, start, end, jp):
    course = make_course("KSP-KUTIM-2024")
    session = add_session(course, material(start=start, end=end, kind=kind))
    assert session.jp == jp


def test_jp_given_explicitly_is_kept(app_context):
    course = make_course("KSP-KUTIM-2024")
    assert add_session(course, material(jp=3)).jp == 3


@pytest.mark.parametrize("changes, field", [
    ({"start": (10, 0), "end": (9, 0)}, "ends_at"),
    ({"start": (10, 0), "end": (10, 0)}, "ends_at"),
    ({"day": date(2024, 11, 2)}, "day"),
    ({"day": date(2024, 10, 27)}, "day"),
    ({"title": "   "}, "title"),
    ({"jp": -1}, "jp"),
])
def test_bad_sessions_are_refused_and_change_nothing(app_context, changes, field):
    course = make_course("KSP-KUTIM-2024")
    version = course.agenda_version
    with pytest.raises(ValidationError) as error:
        add_session(course, material(**changes))
    assert error.value.field == field
    db.session.rollback()
    assert session_count() == 0
    db.session.refresh(course)
    assert course.agenda_version == version


def test_a_room_of_another_course_is_refused(app_context):
    course, other = make_course("KSP-KUTIM-2024"), make_course("KSP-SINTANG-2024")
    room = save_room(other, None, name="Aula", capacity=100, is_plenary=True)
    with pytest.raises(ValidationError) as error:
        add_session(course, material(room_id=room.id))
    assert error.value.field == "room_id"


def test_speakers_and_roles_are_stored(app_context):
    course = make_course("KSP-KUTIM-2024")
    speaker = Speaker(name="Narasumber Unhan", front_titles="Dr.")
    moderator = Speaker(name="Moderator Kesbangpol")
    db.session.add_all([speaker, moderator])
    db.session.commit()
    session = add_session(course, material(speakers=[
        (speaker.id, SpeakerRole.NARASUMBER), (moderator.id, SpeakerRole.MODERATOR)]))
    assert {(link.speaker.full_name, link.role) for link in session.speaker_links} == {
        ("Dr. Narasumber Unhan", SpeakerRole.NARASUMBER),
        ("Moderator Kesbangpol", SpeakerRole.MODERATOR)}
    with pytest.raises(ValidationError):
        add_session(course, material(speakers=[(speaker.id, SpeakerRole.NARASUMBER),
                                               (speaker.id, SpeakerRole.MODERATOR)]))


def test_every_change_bumps_the_agenda_version(app_context):
    course = make_course("KSP-KUTIM-2024")
    session = add_session(course, material())
    move_session(session, MONDAY, time(10, 0))
    delete_session(session)
    db.session.refresh(course)
    assert course.agenda_version == 3


def test_moving_keeps_the_length(app_context):
    course = make_course("KSP-KUTIM-2024")
    session = add_session(course, material(start=(8, 0), end=(9, 30)))
    move_session(session, date(2024, 10, 30), time(13, 15))
    assert (session.day, session.starts_at, session.ends_at) == \
        (date(2024, 10, 30), time(13, 15), time(14, 45))
    with pytest.raises(ValidationError):
        move_session(session, MONDAY, time(23, 0))


def test_duplicate_a_day(app_context):
    course = make_course("KSP-KUTIM-2024")
    add_session(course, material(start=(8, 0), end=(9, 30)))
    add_session(course, material(start=(9, 30), end=(9, 45), title="Rehat kopi",
                                 kind=SessionKind.BREAK))
    copies = duplicate_day(course, MONDAY, date(2024, 10, 29))
    assert [(s.day, s.starts_at, s.title) for s in copies] == [
        (date(2024, 10, 29), time(8, 0), "Mitigasi konflik sosial"),
        (date(2024, 10, 29), time(9, 30), "Rehat kopi")]
    with pytest.raises(ValidationError):
        duplicate_day(course, MONDAY, MONDAY)
    with pytest.raises(ValidationError):
        duplicate_day(course, date(2024, 11, 1), MONDAY)


def test_copy_the_agenda_of_an_earlier_batch(app_context):
    earlier = make_course("KSP-KUTIM-2024-A1", starts_on=date(2024, 10, 20))
    plenary = save_room(earlier, None, name="Ballroom", capacity=400, is_plenary=True)
    speaker = Speaker(name="Narasumber KPU")
    db.session.add(speaker)
    db.session.commit()
    add_session(earlier, material(day=date(2024, 10, 22), room_id=plenary.id,
                                  speakers=[(speaker.id, SpeakerRole.NARASUMBER)]))
    later = make_course("KSP-KUTIM-2024")
    (copy,) = copy_agenda(earlier, later)
    assert copy.day == date(2024, 10, 30)
    assert copy.room.name == "Ballroom" and copy.room.id != plenary.id and copy.room.is_plenary
    assert [link.speaker_id for link in copy.speaker_links] == [speaker.id]
    with pytest.raises(ValidationError):
        copy_agenda(later, later)


def test_course_rules(app_context):
    course = services.save_course(None, code=" ksp-kutim-2024 ", title="Bimtek",
                                  starts_on=MONDAY, ends_on=date(2024, 11, 1))
    assert course.code == "KSP-KUTIM-2024" and course.capacity == 400
    assert course.timezone == "Asia/Makassar" and course.status == CourseStatus.DRAFT
    for fields, field in [({"code": "KSP KUTIM"}, "code"), ({"code": "KSP-KUTIM-2024"}, "code"),
                          ({"ends_on": date(2024, 10, 1)}, "ends_on"),
                          ({"timezone": "Mars/Olympus"}, "timezone"),
                          ({"capacity": 0}, "capacity")]:
        with pytest.raises(ValidationError) as error:
            services.save_course(None, **{"code": "KSP-SINTANG-2024", "title": "X",
                                          "starts_on": MONDAY, "ends_on": MONDAY, **fields})
        assert error.value.field == field
    assert services.advance_status(course) == CourseStatus.PUBLISHED
    assert services.advance_status(course) == CourseStatus.FINISHED
    with pytest.raises(ValidationError):
        services.advance_status(course)


def test_create_course_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-course", "KSP-SINTANG-2024", "--title", "Bimtek Sintang",
                                 "--start", "2024-11-04", "--timezone", "Asia/Pontianak"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        course = services.find_course("KSP-SINTANG-2024")
        assert (course.starts_on, course.ends_on) == (date(2024, 11, 4), date(2024, 11, 8))
    result = runner.invoke(args=["create-course", "KSP-SINTANG-2024", "--title", "Lagi",
                                 "--start", "2024-11-04"])
    assert result.exit_code != 0 and "KSP-SINTANG-2024" in result.output
