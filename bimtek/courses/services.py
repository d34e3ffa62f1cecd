"""Courses, rooms and agenda sessions: the rules, free of HTTP."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import contains_eager, joinedload

from bimtek import audit
from bimtek.attendance.roll import has_attendance
from bimtek.attendance.rule import total_jp
from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.courses.conflicts import agenda_warnings_for
from bimtek.courses.models import (
    JP_BEARING_KINDS,
    MINUTES_PER_JP,
    AgendaAnnouncement,
    Course,
    CourseRegion,
    CourseStatus,
    Room,
    Session,
    SessionKind,
)
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import commit_or_refuse, db
from bimtek.i18n import ZONE_LABELS, long_date
from bimtek.regions import services as region_services
from bimtek.regions.models import Kecamatan, Province, Region
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.speakers.models import (
    Institution,
    SessionSpeaker,
    Speaker,
    SpeakerRole,
    fold_name,
)
from bimtek.timeutil import local_time, minutes_between, shift_time, utcnow

COURSE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,38}[A-Z0-9]$")

def find_course(code: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.code == code))


def lock_course(course: Course) -> None:
    """Take the course's row lock (PostgreSQL) or SQLite's write lock until the transaction
    ends, so counting and numbering under it cannot race."""
    db.session.execute(update(Course).where(Course.id == course.id)
                       .values(last_participant_number=Course.last_participant_number))


# Longer is a typing mistake (2000 to 2099), and would make the agenda builder draw years.
MAX_COURSE_DAYS = 60


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
    if (ends_on - starts_on).days >= MAX_COURSE_DAYS:
        raise ValidationError(_("A course lasts at most %(days)d days.", days=MAX_COURSE_DAYS),
                              field="ends_on")
    if timezone not in ZONE_LABELS:
        raise ValidationError(_("Unknown time zone %(zone)s; use one of %(zones)s.",
                                zone=timezone, zones=", ".join(ZONE_LABELS)),
                              field="timezone")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError(_("The capacity must be between 1 and %(max)d.",
                                max=MAX_CAPACITY), field="capacity")
    if not 1 <= min_attendance_percent <= 100:
        raise ValidationError(_("The minimum attendance is a percentage from 1 to 100."),
                              field="min_attendance_percent")


CHECKED_FIELDS = ("code", "starts_on", "ends_on", "timezone", "capacity",
                  "min_attendance_percent")
COURSE_DEFAULTS = {"timezone": "Asia/Makassar", "capacity": 400, "min_attendance_percent": 80}
MAX_CAPACITY = 100_000
MAX_DECLARED_JP = 1_000
# A session lasts less than a day: 24 × 60 / 45 JP at most.
MAX_SESSION_JP = 32


def _check_course_references(fields: dict) -> None:
    for name in ("host_institution_id", "facilitator_institution_id"):
        if fields.get(name) is not None and db.session.get(Institution, fields[name]) is None:
            raise ValidationError(_("Unknown institution."), field=name)
    if fields.get("signatory_nip"):
        fields["signatory_nip"] = "".join(fields["signatory_nip"].split())
        if not re.fullmatch(r"\d{18}", fields["signatory_nip"]):
            raise ValidationError(_("A NIP has 18 digits."), field="signatory_nip")
    declared = fields.get("declared_jp")
    if declared is not None and not 0 <= declared <= MAX_DECLARED_JP:
        raise ValidationError(_("The declared JP must be between 0 and %(max)d.",
                                max=MAX_DECLARED_JP), field="declared_jp")


def may_name_as_host(by: User | None, institution: Institution) -> bool:
    """A course's certificates are issued in its host institution's name, so `by` names as
    host an institution they may issue for, or one they added themselves (a body new to
    Bimtek): its certificates then wait until an admin gives it to them, for issuing checks
    the issuer again. Without `by` (the command line, the server's operator) anything goes."""
    return by is None or auth_services.may_issue_for(by, institution.id) or (
        institution.created_by_id is not None and institution.created_by_id == by.id)


def check_host_institution(by: User | None, course: Course | None,
                           host_institution_id: int | None) -> None:
    """`by` names as host only an institution they may (may_name_as_host); a host already
    set stays whoever edits the course."""
    if by is None or host_institution_id is None or (
            course is not None and course.host_institution_id == host_institution_id):
        return
    institution = db.session.get(Institution, host_institution_id)
    if institution is not None and not may_name_as_host(by, institution):
        raise ValidationError(_("You may not issue certificates in the name of this "
                                "institution. An administrator assigns the institutions "
                                "you issue for."), field="host_institution_id")


def save_course(course: Course | None, *, regions: Iterable[str] | None = None,
                by: User | None = None, **fields) -> Course:
    """Create (course=None) or update a course. Moving its dates never moves sessions:
    sessions left outside the new dates show up as agenda warnings. `regions` (codes of
    kabupaten/kota or provinces) replace the course's regions; None leaves them. `by`
    names the host institution only among those they may issue for."""
    fields["code"] = fields["code"].strip().upper()
    if "host_institution_id" in fields:
        check_host_institution(by, course, fields["host_institution_id"])
    areas = None if regions is None else areas_of_codes(regions)
    current = ({name: getattr(course, name) for name in CHECKED_FIELDS} if course
               else dict(COURSE_DEFAULTS))
    checked = {**current, **{k: v for k, v in fields.items() if k in CHECKED_FIELDS}}
    _check_course_fields(course=course, **checked)
    _check_course_references(fields)
    if course is None:
        course = Course(**COURSE_DEFAULTS)
        db.session.add(course)
    for name, value in fields.items():
        setattr(course, name, value)
    if areas is not None:
        set_areas(course, areas)
    commit_or_refuse(_("The code %(code)s is already used by another course.",
                     code=fields["code"]), field="code")
    return course


# --- regions ---------------------------------------------------------------------------

def areas_of_codes(codes: Iterable[str]) -> list[Province | Region]:
    """The provinces (two digits) and kabupaten/kota (PP.KK) these codes name, each once."""
    areas: list[Province | Region] = []
    for code in dict.fromkeys(code.strip() for code in codes if code.strip()):
        area = region_services.find_area(code)
        if area is None:
            raise ValidationError(_("%(code)s is not the code of a province or kabupaten/kota; "
                                    "search for the region by its name.", code=code),
                                  field="regions")
        areas.append(area)
    return areas


def set_areas(course: Course, areas: Iterable[Province | Region]) -> None:
    """The course's regions become `areas`; those it keeps keep their rows."""
    wanted = list(areas)
    kept = [area for area in course.areas if area.area in wanted]
    course.areas = kept + [CourseRegion.of(area) for area in wanted
                           if area not in [k.area for k in kept]]


def _area_condition(course: Course):
    """Which regions (kabupaten/kota) the course draws from, as a condition on Region."""
    return or_(Region.id.in_([a.region_id for a in course.areas if a.region_id]),
               Region.province_id.in_([a.province_id for a in course.areas
                                       if a.province_id]))


def course_kecamatan(course: Course) -> list[Kecamatan]:
    """The kecamatan of the course's regions, by code; none when it has no region."""
    if not course.areas:
        return []
    return list(db.session.scalars(select(Kecamatan).join(Kecamatan.region)
                                   .where(_area_condition(course)).order_by(Kecamatan.code)
                                   .options(contains_eager(Kecamatan.region))))


def course_kabupaten(course: Course) -> list[Region]:
    """The kabupaten/kota of the course's regions (all of a province's), by code."""
    if not course.areas:
        return []
    return list(db.session.scalars(select(Region).where(_area_condition(course))
                                   .order_by(Region.code)))


def in_course_regions(course: Course, kecamatan: Kecamatan) -> bool:
    return any(area.region_id == kecamatan.region_id
               or (area.province_id is not None
                   and area.province_id == kecamatan.region.province_id)
               for area in course.areas)


def create_course(organiser: User, **fields) -> Course:
    """A new draft course; an organiser who creates it organises it."""
    course = save_course(None, by=organiser, **fields)
    if Role.ORGANISER in organiser.roles:
        auth_services.assign_course(organiser, course, Role.ORGANISER)
    return course


# Why a course was finished early or reopened: a sentence, kept in the audit log.
MAX_STATUS_REASON = 300


def advance_status(course: Course, accept_warnings: bool = False, *, reason: str = "",
                   by: User | None = None) -> CourseStatus:
    """draft → published → finished. An agenda with warnings is published only once the
    organiser has seen them and said so; a course is finished before its last day only
    with the reason written down."""
    if course.status == CourseStatus.DRAFT:
        if not accept_warnings and agenda_warnings_for(course):
            raise ValidationError(_("The agenda has warnings. Read them, tick that you have, "
                                    "then publish anyway, or fix them first."),
                                  field="accept_warnings")
        course.status = CourseStatus.PUBLISHED
        announce_agenda(course)  # what later agenda digests compare against
    elif course.status == CourseStatus.PUBLISHED:
        reason = check_length(" ".join(reason.split()), MAX_STATUS_REASON, "reason")
        if finishing_early(course) and not reason:
            raise ValidationError(_("The course runs until %(last_day)s. To finish it early, "
                                    "write the reason.", last_day=long_date(course.ends_on)),
                                  field="reason")
        course.status = CourseStatus.FINISHED
        _record_status_change(course, reason, by)
    else:
        raise ValidationError(_("The course is already finished."), field="status")
    db.session.commit()
    return course.status


def reopen_course(course: Course, *, reason: str, by: User | None = None) -> None:
    """A finished course back to published, e.g. to correct attendance at the desk's pace.
    Issued certificates stay valid; issuing again follows the usual rules."""
    if course.status != CourseStatus.FINISHED:
        raise ValidationError(_("Only a finished course can be reopened."), field="status")
    reason = check_length(" ".join(reason.split()), MAX_STATUS_REASON, "reason")
    if not reason:
        raise ValidationError(_("Write the reason for reopening the course."), field="reason")
    course.status = CourseStatus.PUBLISHED
    _record_status_change(course, reason, by)
    db.session.commit()


STATUS_CHANGED = "course.status_changed"


def _record_status_change(course: Course, reason: str, by: User | None) -> None:
    audit.record(STATUS_CHANGED, course, actor=by, course_id=course.id,
                 status=course.status.value, reason=reason)


@audit.describes(STATUS_CHANGED)
def _status_changed(details: dict) -> str:
    finished = details.get("status") == CourseStatus.FINISHED
    if details.get("reason"):
        return (_("Finished: %(reason)s", reason=details["reason"]) if finished
                else _("Reopened: %(reason)s", reason=details["reason"]))
    return _("Finished") if finished else _("Reopened")


@dataclass(frozen=True)
class JpGap:
    """The agenda's JP against the JP the course declares (its decree, its certificate)."""
    agenda_jp: int
    declared_jp: int

    @property
    def shortfall(self) -> int:
        """JP missing from the agenda; negative when it has more than declared."""
        return self.declared_jp - self.agenda_jp


def jp_gap(course: Course) -> JpGap | None:
    """None when the course declares no JP or the agenda adds up to what it declares."""
    if course.declared_jp is None:
        return None
    agenda_jp = total_jp(course)
    return None if agenda_jp == course.declared_jp else JpGap(agenda_jp, course.declared_jp)


def finishing_early(course: Course) -> bool:
    """Whether finishing the course now would be before its last day (course's clock)."""
    return local_time(utcnow(), course.timezone).date() < course.ends_on


def status_history(course: Course) -> list[audit.HistoryLine]:
    """When the course was finished or reopened, why, and by whom."""
    return audit.history(course, actions=(STATUS_CHANGED,))


# --- rooms -----------------------------------------------------------------------------

def save_room(course: Course, room: Room | None, *, name: str, capacity: int | None,
              is_plenary: bool, commit: bool = True) -> Room:
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
    if commit:
        commit_or_refuse(_("This course already has a room named %(name)s.", name=name),
                       field="name")
    else:
        db.session.flush()
    return room


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


def move_session(session: Session, day: date, starts_at: time) -> Session:
    """Move to another day or time, keeping the session's length."""
    length = minutes_between(session.starts_at, session.ends_at)
    if starts_at.hour * 60 + starts_at.minute + length >= 24 * 60:
        raise ValidationError(_("The session would run past midnight."), field="starts_at")
    return update_session(session, session_input(
        session, day=day, starts_at=starts_at, ends_at=shift_time(starts_at, length)))


def delete_session(session: Session) -> None:
    """Refused once anyone has checked in: their attendance counts toward certificates."""
    if has_attendance(session):
        raise ValidationError(
            _("%(title)s already has attendance records; it cannot be deleted. Move it or "
              "change it instead.", title=session.title), field="session")
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
            target, None, name=room.name, capacity=room.capacity, is_plenary=room.is_plenary,
            commit=False)
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
    """Organisers see drafts; the course's other staff and its participants see it once
    published."""
    if can_edit_agenda(user, course):
        return True
    if course.status == CourseStatus.DRAFT:
        return False
    return auth_services.can_act_in_course(user, course, [Role.DESK, Role.FACILITATOR]) or (
        Role.PARTICIPANT in user.roles and db.session.scalar(
            select(Registration.id).where(
                Registration.course_id == course.id, Registration.user_id == user.id,
                Registration.status != RegistrationStatus.CANCELLED).limit(1)) is not None)


def copy_sources(user, course: Course) -> list[Course]:
    """The other courses whose agenda this user may read, and so copy."""
    return [other for other in auth_services.visible_courses(user)
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


# --- what participants and speakers were told of the agenda ----------------------------

def agenda_snapshot(course: Course) -> dict:
    """The agenda as people read it, keyed by session uid, in JSON-ready form."""
    return {session.uid: {
        "title": session.title, "day": session.day.isoformat(),
        "starts_at": session.starts_at.strftime("%H:%M"),
        "ends_at": session.ends_at.strftime("%H:%M"),
        "room": session.room.name if session.room else "",
        "speakers": sorted(link.speaker_id for link in session.speaker_links)}
        for session in course.sessions}


def announce_agenda(course: Course, *, now: datetime | None = None) -> AgendaAnnouncement:
    """Record the agenda as announced now (when published, and after each digest)."""
    announcement = db.session.get(AgendaAnnouncement, course.id) or AgendaAnnouncement(
        course_id=course.id)
    version = db.session.scalar(select(Course.agenda_version).where(Course.id == course.id))
    announcement.announced_version, announcement.snapshot = version, agenda_snapshot(course)
    announcement.announced_at = now or utcnow()
    announcement.seen_version = announcement.seen_at = None
    db.session.add(announcement)
    return announcement


@dataclass
class AgendaChange:
    """One session as announced (`before`) and as it is now (`after`); either is None for
    a cancelled or an added session."""

    before: dict | None
    after: dict | None

    @property
    def speakers(self) -> set[int]:
        return {*(self.before or {}).get("speakers", []), *(self.after or {}).get("speakers", [])}


WHAT_PEOPLE_NOTICE = ("title", "day", "starts_at", "ends_at", "room")


def agenda_changes(before: dict, after: dict) -> list[AgendaChange]:
    """Sessions moved, re-timed, re-roomed, renamed, cancelled or added, in time order."""
    changes = [AgendaChange(before.get(uid), after.get(uid)) for uid in before | after
               if uid not in before or uid not in after or any(
                   before[uid][key] != after[uid][key] for key in WHAT_PEOPLE_NOTICE)]
    return sorted(changes, key=lambda change: _when(change.after or change.before))


def _when(session: dict) -> tuple[str, str, str]:
    return session["day"], session["starts_at"], session["title"]
