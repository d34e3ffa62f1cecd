from __future__ import annotations

import uuid
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.regions.models import Province, Region
from bimtek.speakers.models import SessionSpeaker


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
    # Whether excused absence (izin) counts as attended JP: with the minimum above, the
    # course's attendance rule.
    izin_counts: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    signatory_position: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_nip: Mapped[str] = mapped_column(sa.String(18), default="")
    status: Mapped[CourseStatus] = mapped_column(
        enum_column_type(CourseStatus), default=CourseStatus.DRAFT
    )
    # The JP of material the course announces; the agenda is checked against it.
    declared_jp: Mapped[int | None]
    # Bumped by every agenda change, so a stale import preview cannot be applied.
    agenda_version: Mapped[int] = mapped_column(default=0)
    # A check-in this many minutes after a session starts counts as late (terlambat).
    late_after_minutes: Mapped[int] = mapped_column(default=15)
    # The public self-registration link works only while this is on.
    registration_open: Mapped[bool] = mapped_column(default=False)
    # How this course's participant files name their columns, as organisers chose on an
    # import's preview: header (as header_key folds it) → field, or "" to ignore it.
    participant_columns: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Participant numbers are handed out from here; taking one locks the course row,
    # which is what makes the capacity check atomic.
    last_participant_number: Mapped[int] = mapped_column(default=0)

    host_institution: Mapped[Institution | None] = relationship(
        foreign_keys=[host_institution_id]
    )
    facilitator_institution: Mapped[Institution | None] = relationship(
        foreign_keys=[facilitator_institution_id]
    )
    # Where participants come from: kabupaten/kota, or whole provinces.
    areas: Mapped[list[CourseRegion]] = relationship(
        cascade="all, delete-orphan", order_by="CourseRegion.id")
    rooms: Mapped[list[Room]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="Room.name"
    )
    sessions: Mapped[list[Session]] = relationship(
        back_populates="course", cascade="all, delete-orphan",
        order_by="(Session.day, Session.starts_at, Session.id)",
    )

    def __str__(self) -> str:
        return self.title

    @property
    def region_names(self) -> str:
        """'Kabupaten Kutai Kartanegara, Provinsi Kalimantan Barat'."""
        return ", ".join(area.area.full_name for area in self.areas)

    @property
    def days(self) -> list[date]:
        return [date.fromordinal(n)
                for n in range(self.starts_on.toordinal(), self.ends_on.toordinal() + 1)]


class CourseRegion(db.Model):
    """One area a course draws its participants from: a kabupaten/kota or a whole province."""

    __tablename__ = "course_region"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "region_id"),
        sa.UniqueConstraint("course_id", "province_id"),
        sa.CheckConstraint("(region_id IS NULL) != (province_id IS NULL)",
                           name="region_or_province"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"),
                                           index=True)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("province.id"))

    region: Mapped[Region | None] = relationship(lazy="joined")
    province: Mapped[Province | None] = relationship(lazy="joined")

    @classmethod
    def of(cls, area: Province | Region) -> CourseRegion:
        return cls(province=area) if isinstance(area, Province) else cls(region=area)

    @property
    def area(self) -> Province | Region:
        return self.region or self.province


class SessionKind(LabelledEnum):
    REGISTRATION = "registration", _l("Registration")
    OPENING = "opening", _l("Opening")
    MATERIAL = "material", _l("Material")
    DISCUSSION = "discussion", _l("Discussion")
    SIMULATION = "simulation", _l("Simulation")
    BREAK = "break", _l("Break")
    CLOSING = "closing", _l("Closing")


# Kinds whose JP defaults to their length in 45-minute units; the rest default to 0.
JP_BEARING_KINDS = (SessionKind.MATERIAL, SessionKind.SIMULATION)
MINUTES_PER_JP = 45


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (sa.UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(100))
    capacity: Mapped[int | None]
    # The plenary hall: material sessions there must not overlap.
    is_plenary: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship(back_populates="rooms")

    def __str__(self) -> str:
        return self.name


class Session(db.Model):
    """One agenda item of a course: wall-clock times in the course's time zone."""

    __tablename__ = "session"
    __table_args__ = (
        sa.CheckConstraint("jp >= 0", name="jp_not_negative"),
        sa.Index("ix_session_course_day", "course_id", "day", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    day: Mapped[date]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[SessionKind] = mapped_column(enum_column_type(SessionKind))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="SET NULL"),
                                                index=True)
    jp: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    # Stable across edits: the iCalendar UID is built from it.
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True,
                                     default=lambda: str(uuid.uuid4()))

    course: Mapped[Course] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship(lazy="joined")
    speaker_links: Mapped[list[SessionSpeaker]] = relationship(
        # The speaker's id breaks ties, so that two narasumber keep one order everywhere.
        cascade="all, delete-orphan", lazy="selectin",
        order_by=(SessionSpeaker.role, SessionSpeaker.speaker_id),
    )

    def __str__(self) -> str:
        return self.title


class AgendaAnnouncement(db.Model):
    """The published agenda as its participants and speakers last heard of it, and the
    newest change seen since: a digest goes out once the agenda has stood still for a
    while, so ten edits in a row make one message."""

    __tablename__ = "agenda_announcement"

    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"),
                                           primary_key=True)
    announced_version: Mapped[int]
    # {session uid: {title, day, starts_at, ends_at, room, speakers}}
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    announced_at: Mapped[datetime]
    seen_version: Mapped[int | None]
    seen_at: Mapped[datetime | None]
