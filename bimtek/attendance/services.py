"""Check-in: which session is on, whose badge it is, present or late, and nothing twice."""
from __future__ import annotations

import enum
import fcntl
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import lazyload

from bimtek import audit
from bimtek.attendance.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    DeviceToken,
    EligibilityOverride,
)
from bimtek.courses.models import Course, CourseStatus, Session, SessionKind
from bimtek.enums import LabelledEnum
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import commit_or_refuse, db
from bimtek.registration.badge_codes import TypedBadge, read_badge
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.speakers.models import Institution
from bimtek.spreadsheets import write_table
from bimtek.timeutil import utcnow

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
    registration: Registration | None = None
    session: Session | None = None
    attendance: Attendance | None = None


def wall_clock(course: Course, instant: datetime) -> datetime:
    """A UTC instant (naive, as stored) as the course's local wall-clock time (naive)."""
    return instant.replace(tzinfo=UTC).astimezone(ZoneInfo(course.timezone)).replace(
        tzinfo=None)


# The statements that explain a scan that recorded nothing, built once with placeholders
# for its values: building a statement costs SQLAlchemy more than running it costs SQLite.
# Without the eager join to the participant, looking for an earlier record costs a third.
# The course condition is a backstop: scanners are one course's, but an answer must never
# carry another course's participant whatever a scanner sends.
_BY_NONCE = (select(Attendance).join(Attendance.session)
             .where(Attendance.scanner == bindparam("scanner"),
                    Attendance.nonce == bindparam("nonce"),
                    Session.course_id == bindparam("course_id"))
             .options(lazyload(Attendance.registration)))
_EXISTING = (select(Attendance).where(Attendance.registration_id == bindparam("registration_id"),
                                      Attendance.session_id == bindparam("session_id"))
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


def _existing(registration: Registration, session: Session) -> Attendance | None:
    return db.session.scalar(_EXISTING, {"registration_id": registration.id,
                                         "session_id": session.id})


def scan_time(scanned_at: datetime, sent_at: datetime, received_at: datetime) -> datetime:
    """When a queued desk scan happened, on the server's clock. A desk laptop's clock may
    be off by minutes; what its clock does tell is how long the scan waited in the queue."""
    waited = max(sent_at - scanned_at, timedelta(0))
    return received_at - waited


# SQLite lets one connection write at a time, and each commit waits for the disk: one by
# one, scans in a rush would queue behind as many disk writes. So on SQLite, scans commit
# in groups: the scan whose turn it is records every scan waiting in this process, in one
# transaction, and each is answered once that has committed (as durable as alone). The
# processes of gunicorn's workers take turns on a lock file beside the database rather
# than by polling SQLite's lock (busy_timeout), which sleeps longer after each try.

@dataclass
class _PendingScan:
    statement: sa.TextClause
    values: dict
    row: sa.Row | None = None
    error: Exception | None = None
    done: bool = False

    def outcome(self) -> sa.Row | None:
        if self.error is not None:
            raise self.error
        return self.row


class _ScanGroups:
    def __init__(self):
        self._changed = threading.Condition()
        self._waiting: list[_PendingScan] = []
        self._writing = False

    def record(self, statement: sa.TextClause, values: dict) -> sa.Row | None:
        scan = _PendingScan(statement, values)
        with self._changed:
            self._waiting.append(scan)
            while self._writing and not scan.done:
                self._changed.wait()
            if scan.done:
                return scan.outcome()
            self._writing = True
            group, self._waiting = self._waiting, []
        try:
            with _between_processes():
                _record_group(group)
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()
        return scan.outcome()


_scan_groups = _ScanGroups()
_writer_files: dict[tuple[int, str], int] = {}


def _writer_file() -> int | None:
    """This process's descriptor of the database's lock file (None for a database in
    memory). Opened in each process, so that processes forked from one do not share it."""
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = (os.getpid(), database)
    if key not in _writer_files:
        _writer_files[key] = os.open(f"{database}-scans.lock", os.O_RDWR | os.O_CREAT, 0o600)
    return _writer_files[key]


@contextmanager
def _between_processes():
    descriptor = _writer_file()
    if descriptor is None:
        yield
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def _record_group(group: list[_PendingScan]) -> None:
    """Every scan of `group` in one transaction; should one fail, each in its own, so that
    only that one fails."""
    try:
        connection = db.session.connection()  # a plain statement needs nothing of the ORM's
        for scan in group:
            scan.row = connection.execute(scan.statement, scan.values).first()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        if len(group) == 1:
            group[0].error = error
        else:
            for scan in group:
                _record_group([scan])
    finally:
        for scan in group:
            scan.done = True


def _record(statement: sa.TextClause, values: dict) -> sa.Row | None:
    """A scan's statement run and committed; what it returned (None: nothing recorded).
    PostgreSQL commits concurrent transactions together by itself."""
    if db.engine.dialect.name == "sqlite":
        return _scan_groups.record(statement, values)
    row = db.session.connection().execute(statement, values).first()
    if row is None:
        db.session.rollback()
    else:
        db.session.commit()
    return row


# What a scanner may send as a badge or a nonce: codes and nonces are printable ASCII.
SCAN_TEXT_LIMIT = 64
# Row ids are 32-bit integers on PostgreSQL; a larger number names no row.
MAX_ROW_ID = 2**31 - 1


def is_scan_text(value: str) -> bool:
    value = value.strip()
    return 0 < len(value) <= SCAN_TEXT_LIMIT and value.isascii() and value.isprintable()


def is_row_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def web_desk_scanner(course: Course, browser: str, user) -> str:
    """The scanner a desk page is: one browser (its own random id) at one course's desk,
    or, typed without the page's script, the officer at that desk."""
    browser = browser if browser.isascii() and browser.isalnum() and len(browser) <= 40 \
        else f"user{getattr(user, 'id', '')}"
    return f"web:{course.id}:{browser}"


def token_scanner(device: Scanner) -> str:
    return f"token:{device.id}"


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


def _recorded(row) -> CheckIn:
    """The answer to a recorded scan, from the values its statement returned: objects
    for the answer only, never added to the database session."""
    (attendance_id, registration_id, session_id, status, happened_at, number, front_titles,
     name, back_titles, unit, institution, title) = row
    registration = Registration(id=registration_id, number=number, front_titles=front_titles,
                                name=name, back_titles=back_titles, unit=unit,
                                institution=Institution(short_name=institution))
    session = Session(id=session_id, title=title)
    return CheckIn(CheckInResult.OK, registration, session, Attendance(
        id=attendance_id, status=AttendanceStatus(status), happened_at=happened_at))


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
        row = _record(statement, {**fixed, **values})
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
    existing = _existing(registration, session)
    if existing is None:  # removed since the statement ran: an organiser's correction
        return CheckIn(CheckInResult.NO_SESSION, registration)
    return CheckIn(CheckInResult.ALREADY_CHECKED_IN, registration, session, existing)


def has_attendance(session: Session) -> bool:
    return db.session.scalar(
        select(Attendance.id).where(Attendance.session_id == session.id).limit(1)) is not None


# --- scanner devices -------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_device_token(course: Course, name: str, *, by=None) -> tuple[DeviceToken, str]:
    """A new token for a scanner of this course; the token text is returned only now."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the device a name, e.g. Meja 1."), field="name")
    token = secrets.token_urlsafe(32)
    device = DeviceToken(course_id=course.id, name=name[:80], token_hash=_token_hash(token),
                         created_by_id=getattr(by, "id", None))
    db.session.add(device)
    db.session.flush()
    audit.record("device_token.issued", device, actor=by, name=device.name)
    db.session.commit()
    return device, token


def revoke_device_token(device: DeviceToken, *, by=None) -> None:
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit.record("device_token.revoked", device, actor=by, name=device.name)
    db.session.commit()


def valid_until(device: DeviceToken | Scanner) -> date:
    """The last day the token works, in the course's zone."""
    return device.valid_until or device.course.ends_on + timedelta(days=1)


class DeviceState(LabelledEnum):
    ACTIVE = "active", _l("Active")
    EXPIRED = "expired", _l("Expired")
    REVOKED = "revoked", _l("Revoked")


def device_state(device: DeviceToken | Scanner, now: datetime) -> DeviceState:
    if device.revoked_at is not None:
        return DeviceState.REVOKED
    if wall_clock(device.course, now).date() > valid_until(device):
        return DeviceState.EXPIRED
    return DeviceState.ACTIVE


def extend_device_token(device: DeviceToken, until: date | None, *, by=None,
                        now: datetime | None = None) -> None:
    """Let the token work until the end of `until` (in the course's zone)."""
    today = wall_clock(device.course, now or utcnow()).date()
    if until is None or until < today:
        raise ValidationError(_("Choose a day from today on until which the device may "
                                "scan."), field="valid_until")
    if device.revoked_at is not None:
        raise ValidationError(_("A revoked device cannot be extended; issue a new token."),
                              field="valid_until")
    device.valid_until = until
    audit.record("device_token.extended", device, actor=by, name=device.name,
                 until=until.isoformat())
    db.session.commit()


def devices_of(course: Course) -> list[DeviceToken]:
    return list(db.session.scalars(select(DeviceToken).where(
        DeviceToken.course_id == course.id).order_by(DeviceToken.created_at, DeviceToken.id)))


def active_devices_named(course: Course, name: str) -> list[DeviceToken]:
    """The course's unrevoked tokens of this name (names need not be unique)."""
    name = " ".join(name.split())
    return [d for d in devices_of(course) if d.name == name and d.revoked_at is None]


@dataclass(frozen=True)
class ScanCourse:
    """What a scan needs of its course (see `check_in` and `device_state`)."""
    id: int
    status: CourseStatus
    timezone: str
    late_after_minutes: int
    ends_on: date


@dataclass(frozen=True)
class Scanner:
    """A scanner token as a scan sees it, with its course: plain values read in one query,
    as loading the two as objects cost a scan more than recording it."""
    id: int
    name: str
    revoked_at: datetime | None
    valid_until: date | None
    course: ScanCourse


_SCANNER = (select(DeviceToken.id, DeviceToken.name, DeviceToken.revoked_at,
                   DeviceToken.valid_until, Course.id, Course.status, Course.timezone,
                   Course.late_after_minutes, Course.ends_on)
            .join(DeviceToken.course).where(DeviceToken.token_hash == bindparam("token_hash")))


def device_for_token(token: str, now: datetime | None = None) -> Scanner | None:
    """The device holding this token while it works, or None (unknown, revoked, expired)."""
    row = db.session.connection().execute(_SCANNER, {"token_hash": _token_hash(token)}).first()
    if row is None:
        return None
    device = Scanner(*row[:4], ScanCourse(*row[4:]))
    return device if device_state(device, now or utcnow()) == DeviceState.ACTIVE else None


# --- what attendance adds up to --------------------------------------------------------

# Present at a session: checked in on time or late. What the desk counts, and who an
# exercise forms its teams from.
ATTENDED = (AttendanceStatus.HADIR, AttendanceStatus.TERLAMBAT)


def counted_statuses(course: Course) -> tuple[AttendanceStatus, ...]:
    """What counts towards attended JP: presence, and excused absence (izin) when the
    course says so."""
    return (*ATTENDED, AttendanceStatus.IZIN) if course.izin_counts else ATTENDED


@dataclass
class AttendedJp:
    """The attendance rule for one participant: JP attended under the course's settings,
    over the JP of ALL its sessions (never only those held so far, which would overstate
    attendance early in the week), and the organiser's written decision if any. Every
    page, export and certificate takes its figures and `eligible` from here."""

    registration: Registration
    attended_jp: int
    total_jp: int
    minimum_percent: int
    override: EligibilityOverride | None = None

    @property
    def percent(self) -> float:
        return 100 * self.attended_jp / self.total_jp if self.total_jp else 0.0

    @property
    def meets_rule(self) -> bool:
        return self.total_jp > 0 and self.percent >= self.minimum_percent

    @property
    def eligible(self) -> bool:
        return self.override.eligible if self.override is not None else self.meets_rule

    @property
    def summary(self) -> str:
        """E.g. "28 dari 40 JP, 70%"."""
        return _("%(attended)s of %(total)s JP, %(percent)s%%", attended=self.attended_jp,
                 total=self.total_jp, percent=f"{self.percent:.0f}")


def total_jp(course: Course) -> int:
    """The JP of all the course's sessions, whether held yet or not."""
    return db.session.scalar(select(func.coalesce(func.sum(Session.jp), 0))
                             .where(Session.course_id == course.id, Session.jp > 0))


def attended_jp(course: Course, registrations: Iterable[Registration]
                ) -> dict[int, AttendedJp]:
    """`AttendedJp` of each registration, by id, in three queries whatever their number."""
    registrations = list(registrations)
    ids = [registration.id for registration in registrations]
    attended = dict(db.session.execute(
        select(Attendance.registration_id, func.sum(Session.jp)).join(Session)
        .where(Session.course_id == course.id, Session.jp > 0,
               Attendance.registration_id.in_(ids),
               Attendance.status.in_(counted_statuses(course)))
        .group_by(Attendance.registration_id)).all()) if ids else {}
    overrides = {o.registration_id: o for o in db.session.scalars(
        select(EligibilityOverride).where(EligibilityOverride.registration_id.in_(ids)))
    } if ids else {}
    course_jp = total_jp(course)
    return {r.id: AttendedJp(r, attended.get(r.id, 0), course_jp,
                             course.min_attendance_percent, overrides.get(r.id))
            for r in registrations}


def jp_summary(registration: Registration) -> AttendedJp:
    return attended_jp(registration.course, [registration])[registration.id]


def attendance_of(registration: Registration) -> dict[int, Attendance]:
    """The participant's attendance records by session id."""
    return {a.session_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.registration_id == registration.id))}


REASON_NEEDED = (AttendanceStatus.IZIN, AttendanceStatus.SAKIT)


def _reason(course: Course, status: AttendanceStatus, reason: str) -> str:
    """Excused and sick need a reason; so does any change once the course is finished,
    since it corrects a record the certificates may already rest on."""
    reason = " ".join(reason.split())
    if status in REASON_NEEDED and not reason:
        raise ValidationError(_("Write the reason for %(status)s.", status=status.label),
                              field="reason")
    if course.status == CourseStatus.FINISHED and not reason:
        raise ValidationError(_("The course is finished: write the reason for this "
                                "correction."), field="reason")
    return check_length(reason, Attendance.reason, "reason")


@audit.describes("attendance.marked")
def _marked(details: dict) -> str:
    status, previous = (AttendanceStatus(details[key]).label if details.get(key) else None
                        for key in ("status", "previous"))
    if previous and previous != status:
        text = _("%(session)s: %(previous)s changed to %(status)s",
                 session=details.get("session"), previous=previous, status=status)
    else:
        text = _("%(session)s: %(status)s", session=details.get("session"), status=status)
    return f"{text} ({details['reason']})" if details.get("reason") else text


def _set_status(registration: Registration, session: Session, attendance: Attendance | None,
                status: AttendanceStatus, reason: str, by) -> Attendance:
    """Write one participant's status and its audit event into the open transaction; the
    caller commits, so that a batch is kept or dropped as a whole."""
    previous = attendance.status.value if attendance else None
    if attendance is None:
        attendance = Attendance(registration_id=registration.id, session_id=session.id,
                                happened_at=utcnow(), method=AttendanceMethod.MANUAL,
                                status=status)
        db.session.add(attendance)
    attendance.status, attendance.reason = status, reason
    attendance.recorded_by_id = getattr(by, "id", None)
    audit.record("attendance.marked", registration, actor=by, session=session.title,
                 previous=previous, status=status.value, reason=reason)
    return attendance


def _commit_marks() -> None:
    # A desk may scan one of these participants into the session between our read and our
    # write: the unique pair keeps the scan, and none of the marks is kept.
    commit_or_refuse(_("Someone checked in one of these participants at the same moment. "
                       "Nothing was saved; please try again."))


def mark(registration: Registration, session: Session, status: AttendanceStatus | str, *,
         reason: str = "", by=None) -> Attendance:
    """Set a participant's status for a session by hand; every change is audited."""
    status = AttendanceStatus(status)
    if session.course_id != registration.course_id:
        raise ValidationError(_("This session belongs to another course."), field="session_id")
    reason = _reason(session.course, status, reason)
    attendance = _set_status(registration, session, _existing(registration, session), status,
                             reason, by)
    _commit_marks()
    return attendance


def mark_many(session: Session, registration_ids: Iterable[int],
              status: AttendanceStatus | str, *, reason: str = "", by=None
              ) -> list[Attendance]:
    """Set one status for many participants of a session, each change audited: all of
    them, or none when any id is not a registered participant of the session's course."""
    status = AttendanceStatus(status)
    ids = list(dict.fromkeys(registration_ids))
    if not ids:
        raise ValidationError(_("Choose at least one participant."), field="registration_id")
    registrations = {r.id: r for r in db.session.scalars(
        _registered(session.course).where(Registration.id.in_(ids)))}
    strangers = [str(i) for i in ids if i not in registrations]
    if strangers:
        raise ValidationError(_("Not a registered participant of this course: %(ids)s. "
                                "Nothing was saved.", ids=", ".join(strangers)),
                              field="registration_id")
    reason = _reason(session.course, status, reason)
    records = {a.registration_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.registration_id.in_(ids)))}
    marked = [_set_status(registrations[i], session, records.get(i), status, reason, by)
              for i in ids]
    _commit_marks()
    return marked


# --- who is registered, and one session's roll ----------------------------------------

def _registered_in(course: Course) -> tuple:
    """Conditions for the course's registered participants, neither waitlisted nor
    cancelled: they are who a session expects."""
    return (Registration.course_id == course.id,
            Registration.status == RegistrationStatus.REGISTERED)


def _registered(course: Course) -> Select:
    return select(Registration).where(*_registered_in(course)).order_by(Registration.number)


def registered_participants(course: Course) -> list[Registration]:
    return list(db.session.scalars(_registered(course)))


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


# --- the attendance matrix -------------------------------------------------------------

@dataclass
class MatrixRow:
    registration: Registration
    cells: dict[int, AttendanceStatus]  # by session id
    jp: AttendedJp


@dataclass
class Matrix:
    sessions: list[Session]
    rows: list[MatrixRow]

    def present(self, session: Session) -> int:
        return sum(1 for row in self.rows if row.cells.get(session.id) in ATTENDED)


def matrix(course: Course, *, day=None, unit: str = "", institution_id: int | None = None,
           kecamatan_id: int | None = None) -> Matrix:
    """Registered participants × sessions, in a fixed number of queries whatever the
    course's size. The JP figures count every scheduled session, even when a day is
    shown."""
    registrations = db.session.scalars(_registered(course).where(
        *([Registration.institution_id == institution_id] if institution_id else []),
        *([Registration.kecamatan_id == kecamatan_id] if kecamatan_id else []),
        *([Registration.unit == unit] if unit else []))).all()
    statuses: dict[int, dict[int, AttendanceStatus]] = {}
    for registration_id, session_id, status in db.session.execute(
            select(Attendance.registration_id, Attendance.session_id, Attendance.status)
            .join(Session).where(Session.course_id == course.id)):
        statuses.setdefault(registration_id, {})[session_id] = status
    jp = attended_jp(course, registrations)
    rows = [MatrixRow(registration, statuses.get(registration.id, {}), jp[registration.id])
            for registration in registrations]
    shown = [s for s in course.sessions if day is None or s.day == day]
    return Matrix(shown, rows)


def matrix_table(course: Course, grid: Matrix, fmt: str) -> bytes:
    headers = [_("No."), _("Name"), _("Institution"), _("Unit (unsur)"), _("Kecamatan"),
               *(f"{s.day.isoformat()} {s.starts_at:%H.%M} {s.title}" for s in grid.sessions),
               _("Attended JP"), _("Total JP"), "%"]
    rows = [[row.registration.number, row.registration.full_name,
             row.registration.institution.short_name, row.registration.unit,
             row.registration.kecamatan.name if row.registration.kecamatan else "",
             *(row.cells[s.id].value if s.id in row.cells else "" for s in grid.sessions),
             row.jp.attended_jp, row.jp.total_jp, round(row.jp.percent, 1)]
            for row in grid.rows]
    return write_table(fmt, headers, rows, title=course.code)


# --- live counts -----------------------------------------------------------------------

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
    checked_in = (*_registered_in(course), Session.course_id == course.id,
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
        registered=db.session.scalar(select(func.count()).where(*_registered_in(course))),
        day=day, days=[(d, per_day.get(d, 0)) for d in course.days],
        sessions=[(s, per_session.get(s.id, 0)) for s in day_sessions], session=session,
        units=_tallies(session, Registration.unit) if session else [],
        institutions=_tallies(session, Institution.short_name) if session else [])


def _tallies(session: Session, label) -> list[Tally]:
    """Registered and checked in for `session`, grouped by `label`, in one query."""
    rows = db.session.execute(
        select(label, func.count(Attendance.id), func.count(Registration.id))
        .select_from(Registration).join(Registration.institution)
        .outerjoin(Attendance, and_(Attendance.registration_id == Registration.id,
                                    Attendance.session_id == session.id,
                                    Attendance.status.in_(ATTENDED)))
        .where(*_registered_in(session.course)).group_by(label).order_by(label))
    return [Tally(*row) for row in rows]


# --- the desk: its session, its count, finding a person --------------------------------

def desk_session(course: Course, session_id: int | None, now: datetime) -> Session | None:
    """The session the desk chose, if it is this course's; else the one the clock picks."""
    chosen = db.session.get(Session, session_id) if is_row_id(session_id) else None
    if chosen is not None and chosen.course_id == course.id:
        return chosen
    return current_session(course, now)


def session_tally(session: Session) -> Tally:
    """Registered participants present or late at `session`, of all registered."""
    registered, checked_in = db.session.execute(
        select(func.count(Registration.id), func.count(Attendance.id))
        .select_from(Registration)
        .outerjoin(Attendance, and_(Attendance.registration_id == Registration.id,
                                    Attendance.session_id == session.id,
                                    Attendance.status.in_(ATTENDED)))
        .where(*_registered_in(session.course))).one()
    return Tally(session.title, checked_in, registered)


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


# --- self check-in ---------------------------------------------------------------------

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
