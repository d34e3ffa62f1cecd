"""The attendance rule: what counts as attended, and a participant's attended JP."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from bimtek.attendance.models import Attendance, AttendanceStatus, EligibilityOverride
from bimtek.courses.models import Course, Session
from bimtek.courses.services import total_jp
from bimtek.extensions import db
from bimtek.registration.models import Registration

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
