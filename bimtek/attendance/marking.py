"""Marking attendance by hand: one participant, or many at one session, each audited."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek import audit
from bimtek.attendance.models import Attendance, AttendanceMethod, AttendanceStatus
from bimtek.attendance.roll import attendance_at, registered
from bimtek.concurrency import flush_or_refuse
from bimtek.courses.models import Course, CourseStatus, Session
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.timeutil import utcnow

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
    flush_or_refuse(_("Someone checked in one of these participants at the same moment. "
                       "Nothing was saved; please try again."))


def mark(registration: Registration, session: Session, status: AttendanceStatus | str, *,
         reason: str = "", by=None) -> Attendance:
    """Set a participant's status for a session by hand; every change is audited."""
    status = AttendanceStatus(status)
    if session.course_id != registration.course_id:
        raise ValidationError(_("This session belongs to another course."), field="session_id")
    reason = _reason(session.course, status, reason)
    attendance = _set_status(registration, session, attendance_at(registration, session), status,
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
        registered(session.course).where(Registration.id.in_(ids)))}
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
