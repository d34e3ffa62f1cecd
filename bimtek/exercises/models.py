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


class ExerciseStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    RUNNING = "running", _l("Running")
    PAUSED = "paused", _l("Paused")
    ENDED = "ended", _l("Ended")


class StaffRole(LabelledEnum):
    FACILITATOR = "facilitator", _l("Facilitator")
    EVALUATOR = "evaluator", _l("Evaluator")


class TeamRole(LabelledEnum):
    KETUA = "ketua", _l("Team leader (ketua)")
    JURU_BICARA = "juru_bicara", _l("Spokesperson (juru bicara)")
    NOTULIS = "notulis", _l("Note-taker (notulis)")
    ANGGOTA = "anggota", _l("Member")


class Delivery(LabelledEnum):
    MESSAGE = "message", _l("Message")
    PHONE = "phone", _l("Phone call")
    SOCIAL = "social", _l("Social-media post")
    FIELD_REPORT = "field_report", _l("Field report")
    NEWS = "news", _l("News")


class Rating(LabelledEnum):
    """HSEEP's four ratings of how a team performed an objective."""
    P = "P", _l("Performed without challenges")
    S = "S", _l("Performed with some challenges")
    M = "M", _l("Performed with major challenges")
    U = "U", _l("Unable to be performed")


class Exercise(db.Model):
    """A tabletop simulation run during one session of a course's agenda."""

    __tablename__ = "exercise"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"),
                                           index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session.id"))
    title: Mapped[str] = mapped_column(sa.String(300))
    scenario: Mapped[str] = mapped_column(sa.String(5000), default="")
    status: Mapped[ExerciseStatus] = mapped_column(enum_column_type(ExerciseStatus),
                                                   default=ExerciseStatus.DRAFT)
    # The exercise clock, which stops while paused: planned inject offsets count on it.
    # Running time before the latest start or resume, and when that was (UTC).
    elapsed_seconds: Mapped[int] = mapped_column(default=0)
    clock_started_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()
    session: Mapped[Session | None] = relationship()
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="exercise", order_by="Objective.position", cascade="all, delete-orphan")
    teams: Mapped[list[Team]] = relationship(
        back_populates="exercise", order_by="Team.number", cascade="all, delete-orphan")
    injects: Mapped[list[Inject]] = relationship(
        back_populates="exercise", order_by="Inject.number", cascade="all, delete-orphan")
    staff: Mapped[list[ExerciseStaff]] = relationship(cascade="all, delete-orphan")


class ExerciseStaff(db.Model):
    """A facilitator or evaluator of an exercise (a user with `facilitator` for its course)."""

    __tablename__ = "exercise_staff"

    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[StaffRole] = mapped_column(enum_column_type(StaffRole), primary_key=True)

    user: Mapped[User] = relationship()


class Objective(db.Model):
    """What the exercise tests, and what the after-action report says about it."""

    __tablename__ = "objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    capability: Mapped[str] = mapped_column(sa.String(200), default="")
    # The points evaluators look for, one per line.
    evaluation_points: Mapped[str] = mapped_column(sa.String(2000), default="")
    strengths: Mapped[str] = mapped_column(sa.String(2000), default="")
    improvements: Mapped[str] = mapped_column(sa.String(2000), default="")

    exercise: Mapped[Exercise] = relationship(back_populates="objectives")


class Team(db.Model):
    __tablename__ = "team"
    __table_args__ = (sa.UniqueConstraint("exercise_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(100))

    exercise: Mapped[Exercise] = relationship(back_populates="teams")
    members: Mapped[list[TeamMember]] = relationship(back_populates="team",
                                                     cascade="all, delete-orphan")


class TeamMember(db.Model):
    """A participant in a team; one team per participant per exercise."""

    __tablename__ = "team_member"
    __table_args__ = (
        sa.UniqueConstraint("exercise_id", "registration_id"),
        # At most one ketua, one juru bicara and one notulis per team.
        sa.Index("uq_team_member_team_role", "team_id", "role", unique=True,
                 sqlite_where=sa.text("role != 'anggota'"),
                 postgresql_where=sa.text("role != 'anggota'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercise.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"),
                                         index=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"))
    role: Mapped[TeamRole] = mapped_column(enum_column_type(TeamRole),
                                           default=TeamRole.ANGGOTA)

    team: Mapped[Team] = relationship(back_populates="members")
    registration: Mapped[Registration] = relationship()


inject_target = sa.Table(
    "inject_target", db.metadata,
    sa.Column("inject_id", sa.ForeignKey("inject.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
)


class Inject(db.Model):
    """One event of the Master Scenario Events List (MSEL)."""

    __tablename__ = "inject"
    __table_args__ = (sa.UniqueConstraint("exercise_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    # The time in the story, as the scenario tells it (e.g. "H-3 09.00").
    scenario_time: Mapped[str] = mapped_column(sa.String(60), default="")
    # Minutes of exercise clock after which the inject is due.
    planned_offset_minutes: Mapped[int] = mapped_column(default=0)
    delivery: Mapped[Delivery] = mapped_column(enum_column_type(Delivery),
                                               default=Delivery.MESSAGE)
    sender: Mapped[str] = mapped_column(sa.String(200), default="")
    # For every team, or only the teams in `targets`.
    to_all_teams: Mapped[bool] = mapped_column(default=True)
    message: Mapped[str] = mapped_column(sa.String(2000))
    expected_actions: Mapped[str] = mapped_column(sa.String(2000), default="")
    objective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("objective.id", ondelete="SET NULL"))
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    exercise: Mapped[Exercise] = relationship(back_populates="injects")
    objective: Mapped[Objective | None] = relationship()
    targets: Mapped[list[Team]] = relationship(secondary=inject_target, order_by=Team.number)


class Response(db.Model):
    """A team's answer to an inject: one per team and inject."""

    __tablename__ = "response"
    __table_args__ = (sa.UniqueConstraint("inject_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inject_id: Mapped[int] = mapped_column(sa.ForeignKey("inject.id", ondelete="CASCADE"),
                                           index=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.String(5000))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Submitted after the team's next inject had arrived.
    late: Mapped[bool] = mapped_column(default=False)

    inject: Mapped[Inject] = relationship()
    team: Mapped[Team] = relationship()
    submitted_by: Mapped[Registration | None] = relationship()


class Evaluation(db.Model):
    """One evaluator's rating of one team on one objective."""

    __tablename__ = "evaluation"
    __table_args__ = (sa.UniqueConstraint("objective_id", "team_id", "evaluator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int] = mapped_column(sa.ForeignKey("objective.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("team.id", ondelete="CASCADE"))
    evaluator_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    rating: Mapped[Rating] = mapped_column(enum_column_type(Rating))
    notes: Mapped[str] = mapped_column(sa.String(2000), default="")
    rated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    objective: Mapped[Objective] = relationship()
    team: Mapped[Team] = relationship()
    evaluator: Mapped[User] = relationship()


class ImprovementAction(db.Model):
    """A line of the after-action report's improvement plan."""

    __tablename__ = "improvement_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("exercise.id", ondelete="CASCADE"), index=True)
    objective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("objective.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(1000))
    responsible: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date | None]

    objective: Mapped[Objective | None] = relationship()
