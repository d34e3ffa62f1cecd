"""A course's agenda: its rooms and sessions, copying and moving them, and who may read
or edit it."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from bimtek.auth.models import Role, User
from bimtek.concurrency import flush_or_refuse, increment
from bimtek.courses import staff as course_staff
from bimtek.courses.models import (
    JP_BEARING_KINDS,
    MINUTES_PER_JP,
    Course,
    CourseStatus,
    Room,
    Session,
    SessionKind,
)
from bimtek.courses.services import MAX_CAPACITY, set_areas
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.speakers.models import SessionSpeaker, Speaker, SpeakerRole, fold_name
from bimtek.timeutil import minutes_between, shift_time
from bimtek.unit_of_work import flush_changes

# A session lasts less than a day: 24 × 60 / 45 JP at most.
MAX_SESSION_JP = 32


# --- rooms -----------------------------------------------------------------------------

def save_room(course: Course, room: Room | None, *, name: str, capacity: int | None,
              is_plenary: bool) -> Room:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("The room needs a name."), field="name")
    for other in course.rooms:
        if other is not room and fold_name(other.name) == fold_name(name):
            raise ValidationError(_("This course already has a room named %(name)s.",
                                    name=name), field="name")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError(_("The capacity must be between 1 and %(max)d.",
                                max=MAX_CAPACITY), field="capacity")
    if room is None:
        room = Room(course_id=course.id)
        course.rooms.append(room)
    room.name, room.capacity, room.is_plenary = name, capacity, is_plenary
    flush_or_refuse(_("This course already has a room named %(name)s.", name=name),
                    field="name")
    return room


def sessions_in_room(room: Room) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Session).where(Session.room_id == room.id))


def delete_room(room: Room) -> None:
    """Only a room no session uses: deleting one in use would silently take its sessions
    out of their room. The course's row is locked first, so that a session placed in the
    room meanwhile is either counted here or finds the room gone."""
    course = room.course
    agenda_changed(course)
    used = sessions_in_room(room)
    if used:
        raise ValidationError(_("%(name)s is used by the agenda (%(count)d sessions): move "
                                "those sessions to another room before deleting it.",
                                name=room.name, count=used), field="room")
    course.rooms.remove(room)
    db.session.delete(room)
    flush_changes()


def find_room_by_name(course: Course, name: str) -> Room | None:
    wanted = fold_name(name)
    return next((room for room in course.rooms if fold_name(room.name) == wanted), None)


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
    if data.jp is not None and not 0 <= data.jp <= MAX_SESSION_JP:
        raise ValidationError(_("JP must be between 0 and %(max)d.", max=MAX_SESSION_JP),
                              field="jp")
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
    session.description = check_length(data.description.strip(), Session.description,
                                       "description")
    session.speaker_links = [SessionSpeaker(speaker_id=speaker_id, role=SpeakerRole(role))
                             for speaker_id, role in data.speakers]


def agenda_changed(course: Course) -> None:
    """Counts agenda changes in the database itself, so concurrent writers see each other."""
    increment(Course, course.id, Course.agenda_version)


def add_sessions(course: Course, items: Iterable[SessionInput]) -> list[Session]:
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
    flush_changes()
    return sessions


def add_session(course: Course, data: SessionInput) -> Session:
    return add_sessions(course, [data])[0]


def update_session(session: Session, data: SessionInput) -> Session:
    check_session(session.course, data)
    _apply(session, data)
    agenda_changed(session.course)
    flush_changes()
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


UNCHANGED = object()


def move_session(session: Session, day: date, starts_at: time, room_id=UNCHANGED) -> Session:
    """Move to another day, time or room (`room_id` None: no room), keeping the session's
    length."""
    length = minutes_between(session.starts_at, session.ends_at)
    if starts_at.hour * 60 + starts_at.minute + length >= 24 * 60:
        raise ValidationError(_("The session would run past midnight."), field="starts_at")
    changes = {} if room_id is UNCHANGED else {"room_id": room_id}
    return update_session(session, session_input(
        session, day=day, starts_at=starts_at, ends_at=shift_time(starts_at, length),
        **changes))


def resize_session(session: Session, ends_at: time) -> Session:
    """Let the session end at another time. Its JP follow its length when they were the
    default for the old length; JP set by hand stay, and a mismatch becomes a warning."""
    jp = session.jp
    if jp == default_jp(session.kind, session.starts_at, session.ends_at):
        jp = None
    return update_session(session, session_input(session, ends_at=ends_at, jp=jp))


def delete_session(session: Session) -> None:
    """Refused once anyone has checked in (the database restricts deleting a session with
    attendance records): their attendance counts toward certificates."""
    refused = _("%(title)s already has attendance records; it cannot be deleted. Move it or "
                "change it instead.", title=session.title)
    stored = db.session.get(Session, session.id)  # a check-in's answer names only its id
    agenda_changed(stored.course)
    db.session.delete(stored)
    flush_or_refuse(refused, field="session")


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
    first day, and its regions. Rooms are matched by name and created when missing."""
    if source.id == target.id:
        raise ValidationError(_("Choose another course to copy from."), field="source")
    if not source.sessions:
        raise ValidationError(_("%(code)s has no agenda to copy.", code=source.code),
                              field="source")
    offset = target.starts_on - source.starts_on
    set_areas(target, [*(area.area for area in target.areas),
                       *(area.area for area in source.areas)])
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
    return course_staff.can_act_in_course(user, course, [Role.ORGANISER])


# Who may read a published agenda besides the course's staff, each asked (user, course):
# the registration package adds the course's participants.
AGENDA_READERS_BEYOND_STAFF: list[Callable[[User, Course], bool]] = []


def can_read_agenda(user, course: Course) -> bool:
    """Organisers see drafts; the course's other staff and its participants see it once
    published."""
    if can_edit_agenda(user, course):
        return True
    if course.status == CourseStatus.DRAFT:
        return False
    return course_staff.can_act_in_course(user, course, [Role.DESK, Role.FACILITATOR]) or any(
        may_read(user, course) for may_read in AGENDA_READERS_BEYOND_STAFF)


def copy_sources(user, course: Course) -> list[Course]:
    """The other courses whose agenda this user may read, and so copy."""
    return [other for other in course_staff.visible_courses(user)
            if other.id != course.id and can_read_agenda(user, other)]


def published_sessions_of_speaker(speaker_id: int) -> list[Session]:
    """What a speaker may see through their private link: published courses only."""
    return [session for session in sessions_of_speaker(speaker_id)
            if session.course.status != CourseStatus.DRAFT]


def readable_sessions(user, sessions: list[Session]) -> list[Session]:
    """Of a speaker's sessions, those in published courses and in drafts the user may read."""
    return [session for session in sessions
            if session.course.status != CourseStatus.DRAFT
            or can_read_agenda(user, session.course)]


def can_manage_speaker(user, speaker, sessions: list[Session]) -> bool:
    """Who sees a speaker's phone, e-mail and private link, and may change the entry:
    admins, whoever added the speaker, and organisers of a course the speaker is in
    (`sessions` are the speaker's). Name, titles and institution stay visible to every
    organiser, so the directory stays shared."""
    if user.is_admin:
        return True
    if not user.has_role(Role.ORGANISER):
        return False
    return speaker.created_by_id == user.id or any(
        can_edit_agenda(user, session.course) for session in sessions)


def published_sessions(course: Course) -> list[Session]:
    return list(course.sessions) if course.status != CourseStatus.DRAFT else []
