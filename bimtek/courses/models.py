from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.extensions import db
from bimtek.speakers.models import Institution


class CourseStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    FINISHED = "finished", _l("Finished")


class Course(db.Model):
    """One batch (angkatan) of a programme: what participants register for."""

    __tablename__ = "course"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "min_attendance_percent BETWEEN 1 AND 100", name="min_attendance_percent_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    programme: Mapped[str] = mapped_column(sa.String(300), default="")
    batch: Mapped[int] = mapped_column(default=1)
    host_institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id"))
    facilitator_institution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("institution.id")
    )
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Makassar")
    capacity: Mapped[int] = mapped_column(default=400)
    min_attendance_percent: Mapped[int] = mapped_column(default=80)
    signatory_position: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_nip: Mapped[str] = mapped_column(sa.String(18), default="")
    status: Mapped[CourseStatus] = mapped_column(
        enum_column_type(CourseStatus), default=CourseStatus.DRAFT
    )

    host_institution: Mapped[Institution | None] = relationship(
        foreign_keys=[host_institution_id]
    )
    facilitator_institution: Mapped[Institution | None] = relationship(
        foreign_keys=[facilitator_institution_id]
    )

    def __str__(self) -> str:
        return self.title
