"""Who a session expects, and the records of one participant or one session."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import lazyload

from bimtek.attendance.models import Attendance
from bimtek.courses.models import Course, Session
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus


def registered_in(course: Course) -> tuple:
    """Conditions for the course's registered participants, neither waitlisted nor
    cancelled: they are who a session expects."""
    return (Registration.course_id == course.id,
            Registration.status == RegistrationStatus.REGISTERED)


def registered(course: Course) -> Select:
    """The course's registered participants by number, as a query to narrow."""
    return select(Registration).where(*registered_in(course)).order_by(Registration.number)


def registered_participants(course: Course) -> list[Registration]:
    return list(db.session.scalars(registered(course)))


@dataclass
class RollEntry:
    registration: Registration
    attendance: Attendance | None


def session_roll(session: Session) -> list[RollEntry]:
    """Every registered participant with their record for the session, in two queries."""
    records = {a.registration_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    return [RollEntry(registration, records.get(registration.id))
            for registration in registered_participants(session.course)]


def attendance_of(registration: Registration) -> dict[int, Attendance]:
    """The participant's attendance records by session id."""
    return {a.session_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.registration_id == registration.id))}


# Built once, as a scan that recorded nothing looks here: building a statement costs
# SQLAlchemy more than running it costs SQLite; without the eager join to the participant,
# looking for an earlier record costs a third.
_RECORD_AT = (select(Attendance).where(Attendance.registration_id == bindparam("registration_id"),
                                       Attendance.session_id == bindparam("session_id"))
              .options(lazyload(Attendance.registration)))


def attendance_at(registration: Registration, session: Session) -> Attendance | None:
    """The participant's record for the session, if any."""
    return db.session.scalar(_RECORD_AT, {"registration_id": registration.id,
                                          "session_id": session.id})


def has_attendance(session: Session) -> bool:
    return db.session.scalar(
        select(Attendance.id).where(Attendance.session_id == session.id).limit(1)) is not None
