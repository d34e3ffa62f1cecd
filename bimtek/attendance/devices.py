"""Scanners: the tokens of a course's scanner devices, and the name each scan is sent by."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from bimtek import audit
from bimtek.attendance.models import DeviceToken
from bimtek.courses.models import Course, CourseStatus
from bimtek.enums import LabelledEnum
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.timeutil import utcnow, wall_clock
from bimtek.unit_of_work import flush_changes


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
    flush_changes()
    return device, token


def revoke_device_token(device: DeviceToken, *, by=None) -> None:
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        audit.record("device_token.revoked", device, actor=by, name=device.name)
    flush_changes()


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
    flush_changes()


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


def web_desk_scanner(course: Course, browser: str, user) -> str:
    """The scanner a desk page is: one browser (its own random id) at one course's desk,
    or, typed without the page's script, the officer at that desk."""
    browser = browser if browser.isascii() and browser.isalnum() and len(browser) <= 40 \
        else f"user{getattr(user, 'id', '')}"
    return f"web:{course.id}:{browser}"


def token_scanner(device: Scanner) -> str:
    return f"token:{device.id}"
