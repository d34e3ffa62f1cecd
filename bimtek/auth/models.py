from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.timeutil import utcnow


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrator")
    ORGANISER = "organiser", _l("Organiser")
    DESK = "desk", _l("Registration desk")
    FACILITATOR = "facilitator", _l("Facilitator")
    HR = "hr", _l("HR office")
    PARTICIPANT = "participant", _l("Participant")


# Roles whose reach is limited to the courses a user is assigned to.
COURSE_ROLES = (Role.ORGANISER, Role.DESK, Role.FACILITATOR)

user_institution = sa.Table(
    "user_institution",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "institution_id", sa.ForeignKey("institution.id", ondelete="CASCADE"), primary_key=True
    ),
)

# The institutions in whose name an organiser may issue certificates: a course's host
# institution (and so its signatory) is chosen among them.
user_issuing_institution = sa.Table(
    "user_issuing_institution",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "institution_id", sa.ForeignKey("institution.id", ondelete="CASCADE"), primary_key=True
    ),
)


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column_type(Role), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Part of every session's id: raising it ends every session of the account at once.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    institutions: Mapped[list[Institution]] = relationship(
        secondary=user_institution, lazy="selectin", order_by=Institution.short_name
    )
    issuing_institutions: Mapped[list[Institution]] = relationship(
        secondary=user_issuing_institution, lazy="selectin", order_by=Institution.short_name
    )
    # An account's roles per course; the model is in bimtek.courses.staff, named here by
    # its name so that accounts do not depend on courses.
    course_assignments: Mapped[list[CourseAssignment]] = relationship(  # noqa: F821
        "CourseAssignment", back_populates="user", cascade="all, delete-orphan",
        lazy="selectin")

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return self.normalise_email(email)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_generation}"

    def end_sessions(self) -> None:
        """Logs the account out everywhere: sessions carrying the old generation no
        longer load."""
        self.session_generation = (self.session_generation or 0) + 1

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    @roles.setter
    def roles(self, roles) -> None:
        wanted = {Role(role) for role in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted] + [
            UserRole(role=role) for role in sorted(wanted - self.roles)
        ]

    def has_role(self, *roles: Role | str) -> bool:
        return bool(self.roles & {Role(role) for role in roles})

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def set_password(self, password: str) -> None:
        """A new password ends every session opened with the old one."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.name
