from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.courses.models import Course
from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.jobs import RenderJob
from bimtek.regions.models import Desa, Kecamatan
from bimtek.registration.badge_codes import grouped, new_badge_code
from bimtek.speakers.names import join_titles
from bimtek.timeutil import utcnow


class RegistrationStatus(LabelledEnum):
    REGISTERED = "registered", _l("Registered")
    WAITLISTED = "waitlisted", _l("Waitlisted")
    CANCELLED = "cancelled", _l("Cancelled")


class Gender(LabelledEnum):
    MALE = "L", _l("Male")
    FEMALE = "P", _l("Female")


class Registration(db.Model):
    """A participant in one course."""

    __tablename__ = "registration"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "number"),
        # One active registration per person (NIK) per course, whatever the application
        # checked before: the database has the last word under concurrency.
        sa.Index("uq_registration_active_nik", "course_id", "nik", unique=True,
                 sqlite_where=sa.text("status != 'cancelled'"),
                 postgresql_where=sa.text("status != 'cancelled'")),
        sa.Index("ix_registration_course_status", "course_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    number: Mapped[int]
    front_titles: Mapped[str] = mapped_column(sa.String(60), default="")
    name: Mapped[str] = mapped_column(sa.String(200))
    back_titles: Mapped[str] = mapped_column(sa.String(100), default="")
    gender: Mapped[Gender] = mapped_column(enum_column_type(Gender))
    nik: Mapped[str] = mapped_column(sa.String(16))
    nip: Mapped[str | None] = mapped_column(sa.String(18))
    # Polri and TNI members carry an NRP instead of a NIP.
    nrp: Mapped[str | None] = mapped_column(sa.String(14))
    rank: Mapped[str] = mapped_column(sa.String(100), default="")
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("institution.id"), index=True)
    unit: Mapped[str] = mapped_column(sa.String(80), default="")
    kecamatan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kecamatan.id"))
    # PPS and Panwaslu Kelurahan/Desa members serve a desa/kelurahan of their kecamatan.
    desa_id: Mapped[int | None] = mapped_column(sa.ForeignKey("desa.id"))
    phone: Mapped[str] = mapped_column(sa.String(16), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    status: Mapped[RegistrationStatus] = mapped_column(enum_column_type(RegistrationStatus))
    badge_code: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_badge_code)
    # The code of a badge printed before badge codes could be typed: it keeps working
    # until the badge is reissued.
    legacy_badge_code: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    # The participant's own page, for people without an account.
    personal_token: Mapped[str] = mapped_column(
        sa.String(32), unique=True, default=lambda: secrets.token_urlsafe(16))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    institution: Mapped[Institution] = relationship(lazy="joined")
    kecamatan: Mapped[Kecamatan | None] = relationship(lazy="joined")
    desa: Mapped[Desa | None] = relationship(lazy="joined")

    @property
    def printed_badge_code(self) -> str:
        return grouped(self.badge_code)

    @property
    def full_name(self) -> str:
        return join_titles(self.front_titles, self.name, self.back_titles)

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED

    def __str__(self) -> str:
        return self.full_name


class UnitQuota(db.Model):
    """At most `seats` registered participants of one unit (unsur), e.g. PPK 90 = 18 × 5."""

    __tablename__ = "unit_quota"
    __table_args__ = (sa.UniqueConstraint("course_id", "unit"),
                      sa.CheckConstraint("seats >= 0", name="seats_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    unit: Mapped[str] = mapped_column(sa.String(80))
    seats: Mapped[int]


class PendingRegistration(db.Model):
    """A self-registration waiting for its e-mailed confirmation link to be opened, or for
    an organiser's approval. It takes no seat and no number until then, and is forgotten
    once it expires."""

    __tablename__ = "pending_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"),
                                           index=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True,
                                       default=lambda: secrets.token_urlsafe(16))
    # The form as typed (ParticipantInput's fields): checked again when confirmed.
    details: Mapped[dict] = mapped_column(sa.JSON)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    course: Mapped[Course] = relationship()


class BadgeJob(RenderJob, db.Model):
    """Printing a course's badges in the background: the page polls its progress, then
    offers the PDF. The selection is kept as asked for (everyone, one institution's, or
    chosen participants) and read again when the job runs."""

    __tablename__ = "badge_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"),
                                           index=True)
    institution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("institution.id", ondelete="SET NULL"))
    # Chosen participants' ids; none means everyone (of the institution, if one is given).
    registration_ids: Mapped[list | None] = mapped_column(sa.JSON)
    # The rendered PDF's name in the course's badge folder, once done.
    pdf_file: Mapped[str] = mapped_column(sa.String(80), default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship()
    institution: Mapped[Institution | None] = relationship()
