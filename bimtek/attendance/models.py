from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.auth.models import User
from bimtek.courses.models import Course, Session
from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.timeutil import utcnow


class AttendanceStatus(LabelledEnum):
    HADIR = "hadir", _l("Present")
    TERLAMBAT = "terlambat", _l("Late")
    IZIN = "izin", _l("Excused")
    SAKIT = "sakit", _l("Sick")
    ALPA = "alpa", _l("Absent")


class AttendanceMethod(LabelledEnum):
    DESK = "desk", _l("Desk scan")
    SELF = "self", _l("Self check-in")
    MANUAL = "manual", _l("Marked by hand")
    IMPORT = "import", _l("Imported")


class Attendance(db.Model):
    """One participant at one session. Unique per pair: a second scan finds the first."""

    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("registration_id", "session_id"),
                      sa.UniqueConstraint("scanner", "nonce"))

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session.id", ondelete="RESTRICT"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column_type(AttendanceStatus))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # When it happened (the scan), and when the server heard of it (maybe later, offline).
    happened_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[AttendanceMethod] = mapped_column(enum_column_type(AttendanceMethod))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    device: Mapped[str] = mapped_column(sa.String(80), default="")
    # The scanning client's own id for the scan: sending it again changes nothing. Each
    # scanner (a device token, or one browser at one course's desk) has its own nonces.
    scanner: Mapped[str | None] = mapped_column(sa.String(80))
    nonce: Mapped[str | None] = mapped_column(sa.String(64))

    registration: Mapped[Registration] = relationship(lazy="joined")
    session: Mapped[Session] = relationship()


class DeviceToken(db.Model):
    """A scanner's key for one course's check-in API. Only its hash is stored: the token
    itself is shown once, when an organiser issues it."""

    __tablename__ = "device_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
    # The last day (in the course's zone) the token works, when an organiser extended it;
    # otherwise the day after the course ends, for queues sent the next morning.
    valid_until: Mapped[date | None]

    course: Mapped[Course] = relationship()


class EligibilityOverride(db.Model):
    """An organiser's decision against the attendance rule, with the written reason."""

    __tablename__ = "eligibility_override"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    eligible: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.String(500))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship()
    decided_by: Mapped[User | None] = relationship()
