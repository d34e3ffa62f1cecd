"""Courses: their fields, regions and status, free of HTTP."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from bimtek import audit
from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.concurrency import flush_or_refuse, lock_row
from bimtek.courses import staff as course_staff
from bimtek.courses.announcements import announce_agenda
from bimtek.courses.conflicts import agenda_warnings_for
from bimtek.courses.models import Course, CourseRegion, CourseStatus, Session
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.i18n import ZONE_LABELS, long_date
from bimtek.institutions.models import Institution
from bimtek.regions import services as region_services
from bimtek.regions.models import Kecamatan, Province, Region
from bimtek.timeutil import local_time, utcnow
from bimtek.unit_of_work import flush_changes

COURSE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,38}[A-Z0-9]$")


def find_course(code: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.code == code))


def lock_course(course: Course) -> None:
    """Hold the course locked until the transaction ends (see bimtek/concurrency.py), so
    counting and numbering under it cannot race."""
    lock_row(Course, course.id, Course.last_participant_number)


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
    flush_or_refuse(_("The code %(code)s is already used by another course.",
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
        course_staff.assign_course(organiser, course, Role.ORGANISER)
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
    flush_changes()
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
    flush_changes()


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


def total_jp(course: Course) -> int:
    """The JP of all the course's sessions, whether held yet or not."""
    return db.session.scalar(select(func.coalesce(func.sum(Session.jp), 0))
                             .where(Session.course_id == course.id, Session.jp > 0))


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
