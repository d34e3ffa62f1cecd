"""Live counts: who has checked in against who is registered, per day, session and group."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from bimtek.attendance.models import Attendance
from bimtek.attendance.roll import registered_in
from bimtek.attendance.rule import ATTENDED
from bimtek.attendance.scanning import current_session
from bimtek.courses.models import Course, Session
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.registration.models import Registration
from bimtek.timeutil import utcnow, wall_clock


@dataclass
class Tally:
    label: str
    checked_in: int
    registered: int


@dataclass
class LiveCounts:
    registered: int
    day: date
    days: list[tuple[date, int]]  # participants checked in at least once, per course day
    sessions: list[tuple[Session, int]]  # participants checked in, per session of `day`
    session: Session | None  # the one broken down by unit and institution
    units: list[Tally]
    institutions: list[Tally]


def live_counts(course: Course, *, day: date | None = None, session_id: int | None = None,
                now: datetime | None = None) -> LiveCounts:
    """Who has checked in (present or late) against who is registered, in a fixed number
    of GROUP BY queries whatever the number of participants. Without a valid choice the
    day is today, when the course runs, else its first day; the session is the one in
    progress, else the day's first."""
    now = now or utcnow()
    today = wall_clock(course, now).date()
    if day not in course.days:
        day = today if course.starts_on <= today <= course.ends_on else course.starts_on
    day_sessions = [s for s in course.sessions if s.day == day]
    current = current_session(course, now) if day == today else None
    session = next((s for s in day_sessions if s.id == session_id), None) or current \
        or next(iter(day_sessions), None)
    checked_in = (*registered_in(course), Session.course_id == course.id,
                  Attendance.status.in_(ATTENDED))
    per_session = dict(db.session.execute(
        select(Attendance.session_id, func.count())
        .join(Attendance.registration).join(Attendance.session)
        .where(*checked_in, Session.day == day).group_by(Attendance.session_id)).all())
    per_day = dict(db.session.execute(
        select(Session.day, func.count(Attendance.registration_id.distinct()))
        .select_from(Attendance).join(Attendance.registration).join(Attendance.session)
        .where(*checked_in).group_by(Session.day)).all())
    return LiveCounts(
        registered=db.session.scalar(select(func.count()).where(*registered_in(course))),
        day=day, days=[(d, per_day.get(d, 0)) for d in course.days],
        sessions=[(s, per_session.get(s.id, 0)) for s in day_sessions], session=session,
        units=_tallies(session, Registration.unit) if session else [],
        institutions=_tallies(session, Institution.short_name) if session else [])


def course_today(course: Course, now: datetime | None = None) -> date | None:
    """Today in the course's time zone, when the course runs today; else None."""
    today = wall_clock(course, now or utcnow()).date()
    return today if course.starts_on <= today <= course.ends_on else None


def checked_in_today(courses: Iterable[Course], now: datetime | None = None
                     ) -> dict[int, int]:
    """Per course running today: its registered participants who checked in (present or
    late) at least once today, as `live_counts` counts a day, in one query for all."""
    days = {course: day for course in courses
            if (day := course_today(course, now)) is not None}
    if not days:
        return {}
    counted = dict(db.session.execute(
        select(Session.course_id, func.count(Attendance.registration_id.distinct()))
        .select_from(Attendance).join(Attendance.registration).join(Attendance.session)
        .where(Attendance.status.in_(ATTENDED),
               or_(*(and_(*registered_in(course), Session.course_id == course.id,
                          Session.day == day) for course, day in days.items())))
        .group_by(Session.course_id)).all())
    return {course.id: counted.get(course.id, 0) for course in days}


def _tallies(session: Session, label) -> list[Tally]:
    """Registered and checked in for `session`, grouped by `label`, in one query."""
    rows = db.session.execute(
        select(label, func.count(Attendance.id), func.count(Registration.id))
        .select_from(Registration).join(Registration.institution)
        .outerjoin(Attendance, and_(Attendance.registration_id == Registration.id,
                                    Attendance.session_id == session.id,
                                    Attendance.status.in_(ATTENDED)))
        .where(*registered_in(session.course)).group_by(label).order_by(label))
    return [Tally(*row) for row in rows]


def session_tally(session: Session) -> Tally:
    """Registered participants present or late at `session`, of all registered."""
    registered, checked_in = db.session.execute(
        select(func.count(Registration.id), func.count(Attendance.id))
        .select_from(Registration)
        .outerjoin(Attendance, and_(Attendance.registration_id == Registration.id,
                                    Attendance.session_id == session.id,
                                    Attendance.status.in_(ATTENDED)))
        .where(*registered_in(session.course))).one()
    return Tally(session.title, checked_in, registered)
