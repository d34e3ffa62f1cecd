"""The reference course's week of attendance, the same every time (a fixed seed): most
people at most sessions, some late, some excused (izin) or sick for a session or a day,
and a few away for days, below the course's attendance threshold."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bimtek.attendance.marking import mark
from bimtek.attendance.models import Attendance, AttendanceMethod, AttendanceStatus
from bimtek.auth.models import User
from bimtek.courses.models import Course, Session, SessionKind
from bimtek.demo.data.attendance import (
    DEMO_ATTENDANCE_SEED,
    DEMO_BELOW_THRESHOLD,
    DEMO_DAY_OFF,
    DEMO_DAY_REASONS,
    DEMO_DESKS,
    DEMO_HABITUALLY_LATE,
    DEMO_LATE,
    DEMO_SELF_CHECK_IN,
    DEMO_SESSION_MISS,
    DEMO_SESSION_REASONS,
    Absence,
)
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.timeutil import clock_at, minutes_between
from bimtek.unit_of_work import flush_changes


def _whole_days(rng: random.Random, days: dict[date, list[Session]], allowance: float, *,
                below: bool) -> dict[int, Absence]:
    """Days away: until more JP is missed than `allowance` (below), or one day within it."""
    status = rng.choice((AttendanceStatus.IZIN, AttendanceStatus.SAKIT, None)) if below \
        else AttendanceStatus.IZIN
    reason = rng.choice(DEMO_DAY_REASONS[status]) if status else ""
    day_jp = {day: sum(s.jp for s in sessions) for day, sessions in days.items()}
    if below:
        away, missed = [], 0
        for day in rng.sample(list(days), len(days)):
            away.append(day)
            missed += day_jp[day]
            if missed > allowance:
                break
    else:
        fits = [day for day in days if day_jp[day] <= allowance]
        away = rng.sample(fits, min(1, len(fits)))
    return {s.id: (status, reason) for day in away for s in days[day]}


def _single_sessions(rng: random.Random, sessions: list[Session], allowance: float
                     ) -> dict[int, Absence]:
    """A session missed now and then, never so many that the certificate is lost."""
    absences, missed = {}, 0
    for session in sessions:
        if rng.random() < DEMO_SESSION_MISS and missed + session.jp <= allowance:
            missed += session.jp
            status = rng.choice((AttendanceStatus.IZIN, AttendanceStatus.IZIN,
                                 AttendanceStatus.SAKIT, None))
            absences[session.id] = (status, rng.choice(DEMO_SESSION_REASONS[status])
                                    if status else "")
    return absences


def _utc(course: Course, local: datetime) -> datetime:
    """A wall-clock time in the course's zone as a stored instant (naive UTC)."""
    return local.replace(tzinfo=ZoneInfo(course.timezone)).astimezone(UTC).replace(
        tzinfo=None)


def _scan(rng: random.Random, course: Course, session: Session, registration: Registration,
          late_rate: float) -> dict:
    """A badge scanned at the room's desk, or the room's code entered by a participant
    with an account (it only works once the session has started): up to 20 minutes
    early, or after the grace period when late."""
    self_check_in = registration.user_id is not None and rng.random() < DEMO_SELF_CHECK_IN
    late = rng.random() < late_rate
    grace = course.late_after_minutes * 60
    if late:
        length = minutes_between(session.starts_at, session.ends_at) * 60
        seconds = rng.randint(grace + 1, min(grace + 45 * 60, length - 5 * 60))
    else:
        seconds = rng.randint(0 if self_check_in else -20 * 60, grace)
    return {
        "status": AttendanceStatus.TERLAMBAT if late else AttendanceStatus.HADIR,
        "reason": "",
        "happened_at": _utc(course, datetime.combine(session.day, session.starts_at)
                            + timedelta(seconds=seconds)),
        "method": AttendanceMethod.SELF if self_check_in else AttendanceMethod.DESK,
        "recorded_by_id": registration.user_id if self_check_in else None,
        "device": "" if self_check_in else rng.choice(DEMO_DESKS[session.room.name]),
    }


def week_of_attendance(course: Course, organiser: User) -> None:
    """Give the finished reference course its week of attendance, unless it has some: the
    scans as the desks and the participants' phones sent them, and each izin or sakit
    marked by the organiser, through the attendance service, when the session started."""
    if db.session.scalar(select(Attendance.id).join(Attendance.session)
                         .where(Session.course_id == course.id).limit(1)) is not None:
        return
    rng = random.Random(DEMO_ATTENDANCE_SEED)
    sessions = [s for s in course.sessions if s.kind != SessionKind.BREAK]
    days = {day: [s for s in sessions if s.day == day] for day in course.days}
    # The JP one may miss and still get the certificate.
    allowance = sum(s.jp for s in sessions) * (100 - course.min_attendance_percent) / 100
    registrations = db.session.scalars(select(Registration).where(
        Registration.course_id == course.id,
        Registration.status == RegistrationStatus.REGISTERED).order_by(Registration.number)
    ).all()
    # The demo participant's own record stays clean: their certificate can be tried.
    away = rng.sample([r for r in registrations if r.user_id is None],
                      DEMO_BELOW_THRESHOLD + DEMO_DAY_OFF)
    absences = {r.id: _whole_days(rng, days, allowance, below=n < DEMO_BELOW_THRESHOLD)
                for n, r in enumerate(away)}
    scans, marks = [], []
    for registration in registrations:
        missing = absences.get(registration.id) or _single_sessions(rng, sessions, allowance)
        late_rate = DEMO_LATE[rng.random() < DEMO_HABITUALLY_LATE]
        for session in sessions:
            if session.id not in missing:
                scan = _scan(rng, course, session, registration, late_rate)
                scans.append({**scan, "registration_id": registration.id,
                              "session_id": session.id, "received_at": scan["happened_at"]})
            elif missing[session.id][0] is not None:
                marks.append((registration, session, *missing[session.id]))
    db.session.execute(insert(Attendance.__table__), scans)
    flush_changes()
    for registration, session, status, reason in marks:
        with clock_at(_utc(course, datetime.combine(session.day, session.starts_at))):
            mark(registration, session, status, reason=reason, by=organiser)
