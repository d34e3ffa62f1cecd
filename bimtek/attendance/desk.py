"""The desk: its session, and finding a person by name, institution or number."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from bimtek.attendance.models import Attendance
from bimtek.attendance.scanning import current_session, is_row_id
from bimtek.courses.models import Course, Session
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.registration.models import Registration, RegistrationStatus


def desk_session(course: Course, session_id: int | None, now: datetime) -> Session | None:
    """The session the desk chose, if it is this course's; else the one the clock picks."""
    chosen = db.session.get(Session, session_id) if is_row_id(session_id) else None
    if chosen is not None and chosen.course_id == course.id:
        return chosen
    return current_session(course, now)


SEARCH_LIMIT = 20
# The last digits of a phone number, NIK or NIP: fewer would match half the room.
SEARCH_MIN_DIGITS = 4


@dataclass
class DeskMatch:
    registration: Registration
    attendance: Attendance | None  # in the desk's session


def find_at_desk(course: Course, text: str, session: Session | None) -> list[DeskMatch]:
    """The course's registered and waitlisted participants whose name or institution holds
    `text`, whose participant number it is, or whose phone number, NIK or NIP ends with
    its digits; each with their record for `session`. Two queries."""
    # Control characters match nobody (and PostgreSQL refuses a NUL in a query).
    text = " ".join("".join(c for c in text if c.isprintable()).split())[:80]
    digits = "".join(text.replace("-", "").replace("+", "").split())
    if len(text) < 2 and not digits.isdigit():
        return []
    matches = [Registration.name.icontains(text, autoescape=True),
               Institution.short_name.icontains(text, autoescape=True)]
    if digits.isdigit():
        if len(digits) <= 6:
            matches.append(Registration.number == int(digits))
        if len(digits) >= SEARCH_MIN_DIGITS:
            matches += [column.endswith(digits, autoescape=True)
                        for column in (Registration.phone, Registration.nik, Registration.nip)]
    found = list(db.session.scalars(
        select(Registration).join(Registration.institution)
        .where(Registration.course_id == course.id,
               Registration.status.in_((RegistrationStatus.REGISTERED,
                                        RegistrationStatus.WAITLISTED)), or_(*matches))
        .order_by(Registration.name, Registration.number).limit(SEARCH_LIMIT)))
    records = {} if session is None or not found else {
        a.registration_id: a for a in db.session.scalars(select(Attendance).where(
            Attendance.session_id == session.id,
            Attendance.registration_id.in_([r.id for r in found])))}
    return [DeskMatch(registration, records.get(registration.id)) for registration in found]
