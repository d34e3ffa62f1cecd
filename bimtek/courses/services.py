"""Courses, rooms and agenda sessions: the rules, free of HTTP."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role
from bimtek.courses.models import (
    JP_BEARING_KINDS,
    MINUTES_PER_JP,
    Course,
    CourseStatus,
    Room,
    Session,
    SessionKind,
)
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.speakers.models import SessionSpeaker, Speaker, SpeakerRole

COURSE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,38}[A-Z0-9]$")

def find_course(code: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.code == code))


def course_end(starts_on: date, days: int) -> date:
    return starts_on + timedelta(days=days - 1)


def _check_course_fields(code: str, starts_on: date, ends_on: date, timezone: str,
                         capacity: int, min_attendance_percent: int,
                         course: Course | None = None) -> None:
    if not COURSE_CODE.match(code):
        raise ValidationError(
            _("The code may hold only capital letters, digits and hyphens (3 to 40), "
              "e.g. KSP-KUTIM-2024."), field="code")
    clash = find_course(code)
    if clash is not None and clash is not course:
        raise ValidationError(_("The code %(code)s is already used by another course.",
                                code=code), field="code")
    if ends_on < starts_on:
        raise ValidationError(_("The course cannot end before it starts."), field="ends_on")
    if timezone not in available_timezones():
        raise ValidationError(_("Unknown time zone %(zone)s.", zone=timezone),
                              field="timezone")
    if capacity < 1:
        raise ValidationError(_("The capacity must be at least 1."), field="capacity")
    if not 1 <= min_attendance_percent <= 100:
        raise ValidationError(_("The minimum attendance is a percentage from 1 to 100."),
                              field="min_attendance_percent")


CHECKED_FIELDS = ("code", "starts_on", "ends_on", "timezone", "capacity",
                  "min_attendance_percent")
COURSE_DEFAULTS = {"timezone": "Asia/Makassar", "capacity": 400, "min_attendance_percent": 80}


def save_course(course: Course | None, **fields) -> Course:
    """Create (course=None) or update a course. Moving its dates never moves sessions:
    sessions left outside the new dates show up as agenda warnings."""
    fields["code"] = fields["code"].strip().upper()
    current = ({name: getattr(course, name) for name in CHECKED_FIELDS} if course
               else dict(COURSE_DEFAULTS))
    checked = {**current, **{k: v for k, v in fields.items() if k in CHECKED_FIELDS}}
    _check_course_fields(course=course, **checked)
    if course is None:
        course = Course(**COURSE_DEFAULTS)
        db.session.add(course)
    for name, value in fields.items():
        setattr(course, name, value)
    db.session.commit()
    return course


STATUS_FLOW = {CourseStatus.DRAFT: CourseStatus.PUBLISHED,
               CourseStatus.PUBLISHED: CourseStatus.FINISHED}


def advance_status(course: Course) -> CourseStatus:
    """draft → published → finished."""
    if course.status not in STATUS_FLOW:
        raise ValidationError(_("A finished course stays finished."), field="status")
    course.status = STATUS_FLOW[course.status]
    db.session.commit()
    return course.status


# --- rooms -----------------------------------------------------------------------------

def save_room(course: Course, room: Room | None, *, name: str, capacity: int | None,
              is_plenary: bool) -> Room:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("The room needs a name."), field="name")
    for other in course.rooms:
        if other is not room and other.name.casefold() == name.casefold():
            raise ValidationError(_("This course already has a room named %(name)s.",
                                    name=name), field="name")
    if capacity is not None and capacity < 1:
        raise ValidationError(_("The capacity must be at least 1."), field="capacity")
    if room is None:
        room = Room(course_id=course.id)
        course.rooms.append(room)
    room.name, room.capacity, room.is_plenary = name, capacity, is_plenary
    db.session.commit()
    return room


def find_room_by_name(course: Course, name: str) -> Room | None:
    wanted = " ".join(name.split()).casefold()
    return next((room for room in course.rooms if room.name.casefold() == wanted), None)


# --- sessions --------------------------------------------------------------------------

@dataclass
class SessionInput:
    """What an organiser says about one agenda session; `jp=None` means the default."""

    day: date
    starts_at: time
    ends_at: time
    title: str
    kind: SessionKind
    room_id: int | None = None
    jp: int | None = None
    description: str = ""
    speakers: list[tuple[int, SpeakerRole]] = field(default_factory=list)


def minutes_between(starts_at: time, ends_at: time) -> int:
    return (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)


def default_jp(kind: SessionKind, starts_at: time, ends_at: time) -> int:
    """Material and simulation count whole 45-minute units; ceremonies and breaks 0."""
    if kind not in JP_BEARING_KINDS:
        return 0
    return max(minutes_between(starts_at, ends_at), 0) // MINUTES_PER_JP


def check_session(course: Course, data: SessionInput) -> None:
    """Hard errors only; everything debatable is an agenda warning instead."""
    if not data.title.strip():
        raise ValidationError(_("The session needs a title."), field="title")
    if data.ends_at <= data.starts_at:
        raise ValidationError(_("The session must end after it starts."), field="ends_at")
    if not course.starts_on <= data.day <= course.ends_on:
        raise ValidationError(
            _("%(day)s is outside the course dates.", day=data.day.isoformat()), field="day")
    if data.jp is not None and data.jp < 0:
        raise ValidationError(_("JP cannot be negative."), field="jp")
    if data.room_id is not None and data.room_id not in {room.id for room in course.rooms}:
        raise ValidationError(_("Unknown room."), field="room_id")
    speaker_ids = [speaker_id for speaker_id, _role in data.speakers]
    if len(set(speaker_ids)) != len(speaker_ids):
        raise ValidationError(_("A speaker is listed twice."), field="speakers")
    if speaker_ids and len(db.session.scalars(
            select(Speaker.id).where(Speaker.id.in_(speaker_ids))).all()) != len(speaker_ids):
        raise ValidationError(_("Unknown speaker."), field="speakers")


def _apply(session: Session, data: SessionInput) -> None:
    session.day, session.starts_at, session.ends_at = data.day, data.starts_at, data.ends_at
    session.title = " ".join(data.title.split())
    session.kind = SessionKind(data.kind)
    session.room_id = data.room_id
    session.jp = default_jp(session.kind, data.starts_at, data.ends_at) \
        if data.jp is None else data.jp
    session.description = data.description.strip()
    session.speaker_links = [SessionSpeaker(speaker_id=speaker_id, role=SpeakerRole(role))
                             for speaker_id, role in data.speakers]


def agenda_changed(course: Course) -> None:
    """Counts agenda changes in the database itself, so concurrent writers see each other."""
    db.session.execute(update(Course).where(Course.id == course.id)
                       .values(agenda_version=Course.agenda_version + 1))


def add_sessions(course: Course, items: Iterable[SessionInput], *, commit: bool = True
                 ) -> list[Session]:
    items = list(items)
    for data in items:
        check_session(course, data)
    sessions = []
    for data in items:
        session = Session(course_id=course.id)
        _apply(session, data)
        db.session.add(session)
        sessions.append(session)
    agenda_changed(course)
    if commit:
        db.session.commit()
    return sessions


def add_session(course: Course, data: SessionInput) -> Session:
    return add_sessions(course, [data])[0]


def update_session(session: Session, data: SessionInput) -> Session:
    check_session(session.course, data)
    _apply(session, data)
    agenda_changed(session.course)
    db.session.commit()
    return session


def session_input(session: Session, **changes) -> SessionInput:
    """The input that would recreate `session`, with `changes` applied."""
    data = SessionInput(
        day=session.day, starts_at=session.starts_at, ends_at=session.ends_at,
        title=session.title, kind=session.kind, room_id=session.room_id, jp=session.jp,
        description=session.description,
        speakers=[(link.speaker_id, link.role) for link in session.speaker_links],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def shift_time(moment: time, minutes: int) -> time:
    return (datetime.combine(date.min, moment) + timedelta(minutes=minutes)).time()


def move_session(session: Session, day: date, starts_at: time) -> Session:
    """Move to another day or time, keeping the session's length."""
    length = minutes_between(session.starts_at, session.ends_at)
    if minutes_between(starts_at, time(23, 59)) < length - 1:
        raise ValidationError(_("The session would run past midnight."), field="starts_at")
    return update_session(session, session_input(
        session, day=day, starts_at=starts_at, ends_at=shift_time(starts_at, length)))


def delete_session(session: Session) -> None:
    course = session.course
    db.session.delete(session)
    agenda_changed(course)
    db.session.commit()


def sessions_on(course: Course, day: date) -> list[Session]:
    return [session for session in course.sessions if session.day == day]


def duplicate_day(course: Course, source: date, target: date) -> list[Session]:
    """Copy one day's sessions onto another day of the same course."""
    if source == target:
        raise ValidationError(_("Choose another day to copy to."), field="target")
    originals = sessions_on(course, source)
    if not originals:
        raise ValidationError(_("%(day)s has no sessions to copy.", day=source.isoformat()),
                              field="source")
    return add_sessions(course, [session_input(s, day=target) for s in originals])


def copy_agenda(source: Course, target: Course) -> list[Session]:
    """Copy an earlier course's (or batch's) agenda into `target`, day by day from its
    first day. Rooms are matched by name and created when missing."""
    if source.id == target.id:
        raise ValidationError(_("Choose another course to copy from."), field="source")
    if not source.sessions:
        raise ValidationError(_("%(code)s has no agenda to copy.", code=source.code),
                              field="source")
    offset = target.starts_on - source.starts_on
    rooms = {}
    for room in source.rooms:
        rooms[room.id] = find_room_by_name(target, room.name) or save_room(
            target, None, name=room.name, capacity=room.capacity, is_plenary=room.is_plenary)
    return add_sessions(target, [
        session_input(s, day=s.day + offset,
                      room_id=rooms[s.room_id].id if s.room_id else None)
        for s in source.sessions])


def sessions_of_speaker(speaker_id: int) -> list[Session]:
    """Every session of every course in which the speaker takes part, in time order."""
    return list(db.session.scalars(
        select(Session).join(SessionSpeaker).where(SessionSpeaker.speaker_id == speaker_id)
        .options(joinedload(Session.course))
        .order_by(Session.day, Session.starts_at, Session.id)))


def can_edit_agenda(user, course: Course) -> bool:
    return auth_services.can_act_in_course(user, course, [Role.ORGANISER])


def can_read_agenda(user, course: Course) -> bool:
    """Organisers see drafts; the course's other staff see it once published."""
    if can_edit_agenda(user, course):
        return True
    return course.status != CourseStatus.DRAFT and auth_services.can_act_in_course(
        user, course, [Role.DESK, Role.FACILITATOR])


def other_courses(course: Course) -> list[Course]:
    return list(db.session.scalars(select(Course).where(Course.id != course.id)
                                   .order_by(Course.starts_on.desc())))


def published_sessions_of_speaker(speaker_id: int) -> list[Session]:
    """What a speaker may see through their private link: published courses only."""
    return [session for session in sessions_of_speaker(speaker_id)
            if session.course.status != CourseStatus.DRAFT]
