"""Check-in: which session is on, whose badge it is, present or late, and nothing twice."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import Select, and_, bindparam, case, literal, literal_column, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import lazyload

from bimtek.attendance.devices import ScanCourse
from bimtek.attendance.models import Attendance, AttendanceMethod, AttendanceStatus
from bimtek.attendance.roll import attendance_at
from bimtek.attendance.scan_groups import record_scan
from bimtek.courses.models import Course, CourseStatus, Session, SessionKind
from bimtek.extensions import db
from bimtek.registration.badge_codes import TypedBadge, read_badge
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.speakers.names import join_titles
from bimtek.timeutil import utcnow, wall_clock

# The desk opens a session this long before it starts.
EARLY_CHECK_IN = timedelta(minutes=30)


class CheckInResult(enum.StrEnum):
    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    UNKNOWN_BADGE = "unknown_badge"
    MISTYPED_BADGE = "mistyped_badge"  # a typed code whose check character disagrees
    WRONG_COURSE = "wrong_course"
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"
    NO_SESSION = "no_session"
    COURSE_CLOSED = "course_closed"
    INVALID_CODE = "invalid_code"  # self check-in only


@dataclass
class CheckIn:
    result: CheckInResult
    registration: Registration | RecordedParticipant | None = None
    session: Session | RecordedSession | None = None
    attendance: Attendance | RecordedAttendance | None = None


# The statements that explain a scan that recorded nothing (with `attendance_at`), built
# once with placeholders for its values: building a statement costs SQLAlchemy more than
# running it costs SQLite. Without the eager join to the participant, looking for an
# earlier record costs a third.
# The course condition is a backstop: scanners are one course's, but an answer must never
# carry another course's participant whatever a scanner sends.
_BY_NONCE = (select(Attendance).join(Attendance.session)
             .where(Attendance.scanner == bindparam("scanner"),
                    Attendance.nonce == bindparam("nonce"),
                    Session.course_id == bindparam("course_id"))
             .options(lazyload(Attendance.registration)))
# A typed or scanned code, or the exact code of a badge printed before codes were typeable.
_BY_BADGE = select(Registration).where(or_(
    Registration.badge_code == bindparam("code"),
    Registration.legacy_badge_code == bindparam("as_scanned")))


def _clock_choice() -> Select:
    """The session with JP in progress at the scan's wall-clock time (`now`, on `day`),
    the one that started last of overlapping ones; else the next one with JP that opens
    within 30 minutes (by `opens_by`). Breaks and sessions without JP earn nothing: a scan
    is never put there unasked."""
    now = bindparam("now", type_=sa.Time)
    started = Session.starts_at <= now
    return (select(Session).where(
        Session.course_id == bindparam("course_id"), Session.day == bindparam("day"),
        Session.jp > 0, Session.kind != SessionKind.BREAK,
        Session.starts_at <= bindparam("opens_by"), Session.ends_at > now)
        .order_by(started.desc(), case((started, Session.starts_at)).desc(),
                  case((started, Session.id)).desc(), Session.starts_at, Session.id)
        .limit(1).options(lazyload(Session.speaker_links)))


def _clock(course: Course, instant: datetime) -> dict:
    """The values `_clock_choice` and `_status_for` compare, for a scan at `instant`."""
    local = wall_clock(course, instant)
    opening = local + EARLY_CHECK_IN
    late_before = local - timedelta(minutes=course.late_after_minutes)
    return {"course_id": course.id, "day": local.date(), "now": local.time(),
            "opens_by": opening.time() if opening.date() == local.date() else time.max,
            "late_day": late_before.date(), "late_time": late_before.time()}


# Built once: building a statement costs SQLAlchemy more than running it costs SQLite.
_CURRENT_SESSION = _clock_choice()


def current_session(course: Course, instant: datetime) -> Session | None:
    """The session a scan at `instant` (UTC) belongs to, by the course's clock (see
    `_clock_choice`); during a break or between sessions, the next one or None."""
    values = _clock(course, instant)
    return db.session.scalar(_CURRENT_SESSION, {name: values[name] for name in (
        "course_id", "day", "now", "opens_by")})


def _status_for():
    """Late (terlambat) when the scan came more than the course's grace after the
    session's start, i.e. the start is before `late_day` `late_time`."""
    late = or_(Session.day < bindparam("late_day"),
               and_(Session.day == bindparam("late_day"),
                    Session.starts_at < bindparam("late_time")))
    return case((late, literal(AttendanceStatus.TERLAMBAT.value)),
                else_=literal(AttendanceStatus.HADIR.value))


def scan_time(scanned_at: datetime, sent_at: datetime, received_at: datetime) -> datetime:
    """When a queued desk scan happened, on the server's clock. A desk laptop's clock may
    be off by minutes; what its clock does tell is how long the scan waited in the queue."""
    waited = max(sent_at - scanned_at, timedelta(0))
    return received_at - waited


# What a scanner may send as a badge or a nonce: codes and nonces are printable ASCII.
SCAN_TEXT_LIMIT = 64
# Row ids are 32-bit integers on PostgreSQL; a larger number names no row.
MAX_ROW_ID = 2**31 - 1


def is_scan_text(value: str) -> bool:
    value = value.strip()
    return 0 < len(value) <= SCAN_TEXT_LIMIT and value.isascii() and value.isprintable()


def is_row_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def _insert_for(dialect: str):
    """INSERT … ON CONFLICT DO NOTHING for the database at hand (SQLite ≥ 3.35 and
    PostgreSQL both have it, with RETURNING)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _recording(dialect: str, *, chosen: bool):
    """The whole rule of a scan as one statement: the registered participant of this
    course with this badge, at the session named (`chosen`) or chosen by the clock,
    present or late, unless the same participant and session or the same scanner's nonce
    is there already; it returns what the answer shows, so nothing is read back."""
    session_id = bindparam("session_id", type_=sa.Integer) if chosen else _clock_choice() \
        .with_only_columns(Session.id).correlate(None).scalar_subquery()
    source = (select(Registration.id, Session.id, _status_for(), literal(""),
                     bindparam("happened_at", type_=sa.DateTime),
                     bindparam("received_at", type_=sa.DateTime),
                     bindparam("method", type_=sa.String),
                     bindparam("by", type_=sa.Integer), bindparam("device", type_=sa.String),
                     bindparam("scanner", type_=sa.String), bindparam("nonce", type_=sa.String))
              .select_from(Registration).join(Session, Session.course_id == Registration.course_id)
              .where(Registration.course_id == bindparam("course_id"),
                     Registration.status == RegistrationStatus.REGISTERED,
                     or_(Registration.badge_code == bindparam("code"),
                         Registration.legacy_badge_code == bindparam("as_scanned")),
                     Session.id == session_id))
    row = Attendance.__table__.c
    return (_insert_for(dialect)(Attendance.__table__).from_select(
        ["registration_id", "session_id", "status", "reason", "happened_at", "received_at",
         "method", "recorded_by_id", "device", "scanner", "nonce"], source)
        .on_conflict_do_nothing()
        .returning(row.id, row.registration_id, row.session_id, row.status, row.happened_at,
                   *_RETURNED))


_RECORDING: dict[tuple[str, bool], tuple[sa.TextClause, dict]] = {}


def _recording_statement(chosen: bool) -> tuple[sa.TextClause, dict]:
    """`_recording` compiled once, as text with the same typed parameters and result
    columns, and its fixed values. SQLAlchemy does not cache the compiled form of an
    INSERT … ON CONFLICT, and compiling it costs several times what running it does."""
    dialect = db.engine.dialect
    if (dialect.name, chosen) not in _RECORDING:
        statement = _recording(dialect.name, chosen=chosen)
        compiled = statement.compile(dialect=type(dialect)(paramstyle="named"))
        row = Attendance.__table__.c
        binds = {compiled.bind_names[bind]: bind for bind in compiled.binds.values()}
        # PostgreSQL's casts (:day::DATE) keep their colons as text, not as parameters.
        text = sa.text(compiled.string.replace("::", r"\:\:")).bindparams(
            *(bindparam(name, type_=bind.type) for name, bind in binds.items())
        ).columns(row.id, row.registration_id, row.session_id, row.status, row.happened_at,
                  sa.column("number", sa.Integer),
                  *(sa.column(name, sa.String) for name in (
                      "front_titles", "name", "back_titles", "unit", "institution", "title")))
        fixed = {name: value for name, value in compiled.params.items()
                 if not binds[name].required}
        _RECORDING[dialect.name, chosen] = text, fixed
    return _RECORDING[dialect.name, chosen]


def prepare_scans() -> None:
    """Compiles the scan's statements before the first scan (in an app context): a rush
    of scans would otherwise queue behind the first one's compiling."""
    for chosen in (False, True):
        _recording_statement(chosen)


# What the answer shows of the new row's participant and session, looked up within the
# same statement. Written out because RETURNING must name the new row by its table.
_RETURNED = [literal_column(f"({sql})") for sql in (
    *(f"SELECT {column} FROM registration WHERE registration.id = attendance.registration_id"
      for column in ("number", "front_titles", "name", "back_titles", "unit")),
    "SELECT institution.short_name FROM registration JOIN institution ON institution.id = "
    "registration.institution_id WHERE registration.id = attendance.registration_id",
    "SELECT title FROM session WHERE session.id = attendance.session_id")]


@dataclass(frozen=True)
class RecordedInstitution:
    short_name: str


@dataclass(frozen=True)
class RecordedParticipant:
    """What the answer to a recorded scan shows of its participant (as a Registration
    would show it)."""
    id: int
    number: int
    front_titles: str
    name: str
    back_titles: str
    unit: str
    institution: RecordedInstitution

    @property
    def full_name(self) -> str:
        return join_titles(self.front_titles, self.name, self.back_titles)


@dataclass(frozen=True)
class RecordedSession:
    id: int
    title: str


@dataclass(frozen=True)
class RecordedAttendance:
    id: int
    status: AttendanceStatus
    happened_at: datetime


def _recorded(row) -> CheckIn:
    """The answer to a recorded scan, from the values its statement returned: plain
    values, as building model objects for them cost a scan a tenth of its time."""
    (attendance_id, registration_id, session_id, status, happened_at, number, front_titles,
     name, back_titles, unit, institution, title) = row
    return CheckIn(CheckInResult.OK,
                   RecordedParticipant(registration_id, number, front_titles, name,
                                       back_titles, unit, RecordedInstitution(institution)),
                   RecordedSession(session_id, title),
                   RecordedAttendance(attendance_id, AttendanceStatus(status), happened_at))


def check_in(course: Course | ScanCourse, badge: str, *, nonce: str | None = None,
             scanner: str | None = None, scanned_at: datetime | None = None,
             session_id: int | None = None, by=None, device: str = "",
             method: AttendanceMethod = AttendanceMethod.DESK) -> CheckIn:
    """Record a badge scan, in one statement (`_recording`). The scan time (UTC), not the
    time it reached the server, decides the session and whether it was late; a nonce the
    same scanner sent before changes nothing (another scanner's same nonce is another
    scan). A scan that records nothing is explained by `_why_not_recorded`."""
    nonce = nonce if nonce and scanner else None
    scanned_at = scanned_at or utcnow()
    typed = read_badge(badge)
    if course.status != CourseStatus.FINISHED and (session_id is None or is_row_id(session_id)):
        values = {**_clock(course, scanned_at), "session_id": session_id,
                  "code": typed.code, "as_scanned": typed.as_scanned,
                  "happened_at": scanned_at, "received_at": utcnow(), "method": method.value,
                  "by": getattr(by, "id", None), "device": device[:80], "scanner": scanner,
                  "nonce": nonce}
        statement, fixed = _recording_statement(session_id is not None)
        row = record_scan(statement, {**fixed, **values})
        if row is not None:
            return _recorded(row)
    return _why_not_recorded(course, typed, nonce=nonce, scanner=scanner,
                             scanned_at=scanned_at, session_id=session_id)


def _why_not_recorded(course: Course | ScanCourse, typed: TypedBadge, *, nonce: str | None,
                      scanner: str | None, scanned_at: datetime,
                      session_id: int | None) -> CheckIn:
    """Why a scan recorded nothing: its nonce was recorded before (the first answer
    again), the badge is unknown, mistyped or another course's, the session named is not
    this course's, the course is finished, the participant is not registered, there is
    no session now, or the participant is already checked in to it."""
    if nonce:
        replayed = db.session.scalar(_BY_NONCE, {"scanner": scanner, "nonce": nonce,
                                                 "course_id": course.id})
        if replayed is not None:
            return CheckIn(CheckInResult.OK, replayed.registration, replayed.session, replayed)
    registration = db.session.scalar(_BY_BADGE, {"code": typed.code,
                                                 "as_scanned": typed.as_scanned})
    if registration is None:
        return CheckIn(CheckInResult.MISTYPED_BADGE if typed.mistyped
                       else CheckInResult.UNKNOWN_BADGE)
    if registration.course_id != course.id:
        return CheckIn(CheckInResult.WRONG_COURSE, registration)
    chosen = db.session.get(Session, session_id) if is_row_id(session_id) else None
    if session_id is not None and (chosen is None or chosen.course_id != course.id):
        return CheckIn(CheckInResult.NO_SESSION, registration)
    # What the scan names is judged first; then whether the course still takes scans.
    if course.status == CourseStatus.FINISHED:
        return CheckIn(CheckInResult.COURSE_CLOSED)
    if registration.status != RegistrationStatus.REGISTERED:
        return CheckIn(CheckInResult.WAITLISTED
                       if registration.status == RegistrationStatus.WAITLISTED
                       else CheckInResult.CANCELLED, registration)
    session = chosen or current_session(course, scanned_at)
    if session is None:
        return CheckIn(CheckInResult.NO_SESSION, registration)
    existing = attendance_at(registration, session)
    if existing is None:  # removed since the statement ran: an organiser's correction
        return CheckIn(CheckInResult.NO_SESSION, registration)
    return CheckIn(CheckInResult.ALREADY_CHECKED_IN, registration, session, existing)
