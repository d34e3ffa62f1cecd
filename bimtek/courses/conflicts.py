"""Agenda warnings: what an organiser should look at before publishing.

Warnings are data, never refusals: `agenda_warnings` is one pure function over plain
facts about the agenda, and `load_agenda_facts` reads those facts from the database.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bimtek.courses.models import (
    JP_BEARING_KINDS,
    MINUTES_PER_JP,
    Course,
    Session,
    SessionKind,
)
from bimtek.enums import LabelledEnum
from bimtek.extensions import db
from bimtek.i18n import clock, date_range, long_date, zone_label
from bimtek.speakers.models import SessionSpeaker
from bimtek.timeutil import minutes_between


class WarningKind(LabelledEnum):
    """Each with the short label of the badge on the sessions it names."""

    ENDS_BEFORE_START = "ends_before_start", _l("Times")  # ends before or when it starts
    OUTSIDE_COURSE_DATES = "outside_course_dates", _l("Outside the dates")
    ROOM_DOUBLE_BOOKED = "room_double_booked", _l("Room double-booked")
    PLENARY_OVERLAP = "plenary_overlap", _l("Plenary overlap")
    SPEAKER_DOUBLE_BOOKED = "speaker_double_booked", _l("Speaker double-booked")
    JP_MISMATCH = "jp_mismatch", _l("JP ≠ duration")
    TOTAL_JP_MISMATCH = "total_jp_mismatch", _l("Total JP")


@dataclass(frozen=True)
class CourseFacts:
    id: int
    code: str
    starts_on: date
    ends_on: date
    timezone: str
    declared_jp: int | None = None


@dataclass(frozen=True)
class SpeakerFacts:
    id: int
    name: str


@dataclass(frozen=True)
class SessionFacts:
    """One agenda session with what the checks need of its course, room and speakers."""

    id: int
    course_id: int
    course_code: str
    timezone: str
    title: str
    kind: SessionKind
    day: date
    starts_at: time
    ends_at: time
    room_id: int | None = None
    room_name: str = ""
    in_plenary_hall: bool = False
    jp: int = 0
    speakers: tuple[SpeakerFacts, ...] = ()

    @property
    def minutes(self) -> int:
        return minutes_between(self.starts_at, self.ends_at)

    @property
    def has_valid_times(self) -> bool:
        return self.ends_at > self.starts_at

    # Courses run in different zones: sessions are compared as instants, not wall clocks.
    @cached_property
    def utc_start(self) -> datetime:
        return self._utc(self.starts_at)

    @cached_property
    def utc_end(self) -> datetime:
        return self._utc(self.ends_at)

    def _utc(self, moment: time) -> datetime:
        return datetime.combine(self.day, moment, ZoneInfo(self.timezone)).astimezone(UTC)


@dataclass(frozen=True)
class AgendaWarning:
    kind: WarningKind
    session_ids: tuple[int, ...]
    message: str


def agenda_warnings(course: CourseFacts, sessions: list[SessionFacts],
                    other_courses_sessions: list[SessionFacts]) -> list[AgendaWarning]:
    """Every warning about `course`'s agenda. `other_courses_sessions` are sessions of
    other courses sharing a speaker with this one, for speaker double-booking."""
    return [
        *_time_warnings(course, sessions),
        *_room_warnings(course, sessions),
        *_plenary_warnings(course, sessions),
        *_speaker_warnings(course, sessions, other_courses_sessions),
        *_jp_warnings(course, sessions),
        *_total_jp_warnings(course, sessions),
    ]


def _when(session: SessionFacts) -> str:
    return (f"{long_date(session.day)}, {clock(session.starts_at)}–{clock(session.ends_at)} "
            f"{zone_label(session.timezone)}")


def _describe(session: SessionFacts, course: CourseFacts) -> str:
    """'“Title” (Senin, 28 Oktober 2024, 08.00–09.30 WITA)'. Another course's session is
    named by its course and time only: its organisers may not have published it."""
    if session.course_id == course.id:
        return f"“{session.title}” ({_when(session)})"
    return f"{session.course_code} ({_when(session)})"


def _overlapping_pairs(sessions: Iterable[SessionFacts]
                       ) -> Iterator[tuple[SessionFacts, SessionFacts]]:
    """Pairs sharing some time; sessions that only touch (one ends 10.00, the next
    starts 10.00) do not. Sessions with impossible times are warned about elsewhere."""
    ordered = sorted((s for s in sessions if s.has_valid_times),
                     key=lambda s: (s.utc_start, s.id))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1:]:
            if second.utc_start >= first.utc_end:
                break
            yield first, second


def _time_warnings(course: CourseFacts, sessions: list[SessionFacts]
                   ) -> Iterator[AgendaWarning]:
    for session in sessions:
        if not session.has_valid_times:
            yield AgendaWarning(
                WarningKind.ENDS_BEFORE_START, (session.id,),
                _("%(session)s ends before or when it starts.",
                  session=_describe(session, course)))
        if not course.starts_on <= session.day <= course.ends_on:
            yield AgendaWarning(
                WarningKind.OUTSIDE_COURSE_DATES, (session.id,),
                _("%(session)s is outside the course dates (%(dates)s).",
                  session=_describe(session, course),
                  dates=date_range(course.starts_on, course.ends_on)))


def _is_plenary_material(session: SessionFacts) -> bool:
    return session.kind == SessionKind.MATERIAL and session.in_plenary_hall


def _room_warnings(course: CourseFacts, sessions: list[SessionFacts]
                   ) -> Iterator[AgendaWarning]:
    by_room: dict[int, list[SessionFacts]] = defaultdict(list)
    for session in sessions:
        if session.room_id is not None:
            by_room[session.room_id].append(session)
    for room_sessions in by_room.values():
        for first, second in _overlapping_pairs(room_sessions):
            if _is_plenary_material(first) and _is_plenary_material(second):
                continue  # the plenary check reports these, more precisely
            yield AgendaWarning(
                WarningKind.ROOM_DOUBLE_BOOKED, (first.id, second.id),
                _("%(room)s is double-booked: %(first)s and %(second)s overlap.",
                  room=first.room_name, first=_describe(first, course),
                  second=_describe(second, course)))


def _plenary_warnings(course: CourseFacts, sessions: list[SessionFacts]
                      ) -> Iterator[AgendaWarning]:
    # The whole cohort sits in the plenary hall, so its material cannot run in parallel.
    for first, second in _overlapping_pairs(filter(_is_plenary_material, sessions)):
        yield AgendaWarning(
            WarningKind.PLENARY_OVERLAP, (first.id, second.id),
            _("Material sessions overlap in the plenary hall: %(first)s and %(second)s.",
              first=_describe(first, course), second=_describe(second, course)))


def _speaker_warnings(course: CourseFacts, sessions: list[SessionFacts],
                      other_courses_sessions: list[SessionFacts]) -> Iterator[AgendaWarning]:
    names: dict[int, str] = {}
    by_speaker: dict[int, list[SessionFacts]] = defaultdict(list)
    for session in sessions:
        for speaker in session.speakers:
            names[speaker.id] = speaker.name
            by_speaker[speaker.id].append(session)
    for session in other_courses_sessions:
        if session.course_id == course.id:
            continue
        for speaker in session.speakers:
            if speaker.id in by_speaker:
                by_speaker[speaker.id].append(session)
    for speaker_id, speaker_sessions in by_speaker.items():
        for first, second in _overlapping_pairs(speaker_sessions):
            if course.id not in (first.course_id, second.course_id):
                continue  # a clash between two other courses is theirs to see
            if first.course_id != course.id:
                first, second = second, first  # this course's session first
            yield AgendaWarning(
                WarningKind.SPEAKER_DOUBLE_BOOKED, (first.id, second.id),
                _("%(speaker)s is double-booked: %(first)s and %(second)s overlap.",
                  speaker=names[speaker_id], first=_describe(first, course),
                  second=_describe(second, course)))


def _jp_warnings(course: CourseFacts, sessions: list[SessionFacts]
                 ) -> Iterator[AgendaWarning]:
    """1 JP = 45 minutes of learning: JP and duration are stored apart and must agree."""
    for session in sessions:
        if not session.has_valid_times:
            continue
        if session.jp > 0 and session.minutes != session.jp * MINUTES_PER_JP:
            message = _("%(session)s carries %(jp)d JP, which is %(expected)d minutes, "
                        "but lasts %(minutes)d minutes.",
                        session=_describe(session, course), jp=session.jp,
                        expected=session.jp * MINUTES_PER_JP, minutes=session.minutes)
        elif (session.jp == 0 and session.kind in JP_BEARING_KINDS
              and session.minutes >= MINUTES_PER_JP):
            message = _("%(session)s lasts %(minutes)d minutes but carries no JP.",
                        session=_describe(session, course), minutes=session.minutes)
        else:
            continue
        yield AgendaWarning(WarningKind.JP_MISMATCH, (session.id,), message)


def _total_jp_warnings(course: CourseFacts, sessions: list[SessionFacts]
                       ) -> Iterator[AgendaWarning]:
    total = sum(session.jp for session in sessions)
    if course.declared_jp is not None and total != course.declared_jp:
        yield AgendaWarning(
            WarningKind.TOTAL_JP_MISMATCH, (),
            _("The agenda adds up to %(total)d JP but the course declares %(declared)d JP.",
              total=total, declared=course.declared_jp))


# --- reading the facts from the database ------------------------------------------------

def _session_facts(session: Session, course: Course) -> SessionFacts:
    room = session.room
    return SessionFacts(
        id=session.id, course_id=course.id, course_code=course.code,
        timezone=course.timezone, title=session.title, kind=session.kind,
        day=session.day, starts_at=session.starts_at, ends_at=session.ends_at,
        room_id=session.room_id, room_name=room.name if room else "",
        in_plenary_hall=bool(room and room.is_plenary), jp=session.jp,
        speakers=tuple(SpeakerFacts(link.speaker_id, link.speaker.full_name)
                       for link in session.speaker_links),
    )


def load_agenda_facts(course: Course
                      ) -> tuple[CourseFacts, list[SessionFacts], list[SessionFacts]]:
    """The course, its sessions, and other courses' sessions sharing a speaker with it:
    four queries whatever the size of the agenda (rooms, links and speakers are loaded
    with their sessions)."""
    sessions = db.session.scalars(
        select(Session).where(Session.course_id == course.id)
        .order_by(Session.day, Session.starts_at, Session.id)).all()
    course_speakers = (select(SessionSpeaker.speaker_id).join(Session)
                       .where(Session.course_id == course.id))
    shared_sessions = (select(SessionSpeaker.session_id)
                       .where(SessionSpeaker.speaker_id.in_(course_speakers)))
    others = db.session.scalars(
        select(Session).options(joinedload(Session.course))
        .where(Session.course_id != course.id, Session.id.in_(shared_sessions))
        .order_by(Session.day, Session.starts_at, Session.id)).unique().all()
    facts = CourseFacts(id=course.id, code=course.code, starts_on=course.starts_on,
                        ends_on=course.ends_on, timezone=course.timezone,
                        declared_jp=course.declared_jp)
    return (facts, [_session_facts(session, course) for session in sessions],
            [_session_facts(session, session.course) for session in others])


def agenda_warnings_for(course: Course) -> list[AgendaWarning]:
    return agenda_warnings(*load_agenda_facts(course))
