"""Self check-in: a participant types the rotating code on their session's room screen."""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bimtek.attendance.models import AttendanceMethod
from bimtek.attendance.scanning import (
    SCAN_TEXT_LIMIT,
    CheckIn,
    CheckInResult,
    check_in,
    current_session,
)
from bimtek.courses.models import Session
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.timeutil import utcnow, wall_clock

CODE_PERIOD_SECONDS = 30
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def self_check_in_code(session: Session, instant: datetime, secret: str) -> str:
    """The room screen's code for `session` during the 30-second period of `instant`."""
    period = int(instant.replace(tzinfo=UTC).timestamp()) // CODE_PERIOD_SECONDS
    digest = hmac.new(secret.encode(), f"{session.id}:{period}".encode(),
                      hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:6])


def _code_matches(session: Session, code: str, instant: datetime, secret: str) -> bool:
    """A code stays valid for two periods, so one shown just before it rotates works."""
    code = code.strip().upper().replace(" ", "")
    if not (code.isascii() and len(code) <= SCAN_TEXT_LIMIT):
        return False  # no code has such characters (and compare_digest refuses them)
    previous = instant - timedelta(seconds=CODE_PERIOD_SECONDS)
    return any(hmac.compare_digest(code, self_check_in_code(session, moment, secret))
               for moment in (instant, previous))


def _self_check_in_to(registration: Registration, code: str, at: datetime, secret: str,
                      by=None) -> CheckIn | None:
    """Check `registration` in to its course's session running at `at` when `code` is that
    room's code; None when no running session has this code."""
    course = registration.course
    session = current_session(course, at)
    if session is None or wall_clock(course, at) < datetime.combine(session.day,
                                                                     session.starts_at):
        return None
    if not _code_matches(session, code, at, secret):
        return None
    return check_in(course, registration.badge_code, scanned_at=at, session_id=session.id,
                    by=by, method=AttendanceMethod.SELF)


def self_check_in(user, code: str, *, secret: str, at: datetime | None = None) -> CheckIn:
    """A logged-in participant marks themself present, for the session in progress in one
    of their own courses, with the code on that room's screen."""
    at = at or utcnow()
    registrations = db.session.scalars(select(Registration).where(
        Registration.user_id == user.id,
        Registration.status == RegistrationStatus.REGISTERED)).all()
    for registration in registrations:
        outcome = _self_check_in_to(registration, code, at, secret, by=user)
        if outcome is not None:
            return outcome
    return CheckIn(CheckInResult.INVALID_CODE)


def self_check_in_by_link(registration: Registration, code: str, *, secret: str,
                          at: datetime | None = None) -> CheckIn:
    """The same from the participant's personal page: the personal link names them, no
    account is needed; the same window and rotating code apply."""
    return _self_check_in_to(registration, code, at or utcnow(), secret) or \
        CheckIn(CheckInResult.INVALID_CODE)
