"""Who earns a certificate: the attendance rule, or the organiser's written decision."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek import audit
from bimtek.attendance.models import EligibilityOverride
from bimtek.attendance.rule import AttendedJp, attended_jp
from bimtek.courses.models import Course
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.timeutil import utcnow
from bimtek.unit_of_work import flush_changes


def eligibility(course: Course) -> list[AttendedJp]:
    """Every registered participant under the course's attendance rule, by number."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.course_id == course.id,
                                   Registration.status == RegistrationStatus.REGISTERED)
        .order_by(Registration.number)).all()
    return list(attended_jp(course, registrations).values())


def override_eligibility(registration: Registration, eligible: bool, reason: str, *,
                         by=None) -> EligibilityOverride:
    """Decide against (or for) the attendance rule for one participant, in writing."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Write the reason for the decision."), field="reason")
    check_length(reason, EligibilityOverride.reason, "reason")
    override = db.session.get(EligibilityOverride, registration.id)
    if override is None:
        override = EligibilityOverride(registration_id=registration.id)
        db.session.add(override)
    override.eligible, override.reason = eligible, reason
    override.decided_by_id, override.decided_at = getattr(by, "id", None), utcnow()
    audit.record("certificate.eligibility_overridden", registration, actor=by,
                 eligible=eligible, reason=reason)
    flush_changes()
    return override


@audit.describes("certificate.eligibility_overridden")
def _overridden(details: dict) -> str:
    if details.get("eligible") == str(True):
        return _("Eligible for a certificate by decision: %(reason)s", reason=details["reason"])
    return _("Not eligible for a certificate by decision: %(reason)s", reason=details["reason"])


@audit.describes("certificate.override_cleared")
def _override_cleared(_details: dict) -> str:
    return _("Judged by attendance again")


def clear_override(registration: Registration, *, by=None) -> None:
    override = db.session.get(EligibilityOverride, registration.id)
    if override is not None:
        db.session.delete(override)
        audit.record("certificate.override_cleared", registration, actor=by)
        flush_changes()
