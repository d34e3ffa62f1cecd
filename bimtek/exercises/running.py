"""Running an exercise: its status and pausable clock, the release of its injects, and
the teams' side: their feed of injects and their responses."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bimtek import audit
from bimtek.auth.models import User
from bimtek.concurrency import compare_and_set
from bimtek.errors import ValidationError, check_length
from bimtek.exercises.access import check_writable
from bimtek.exercises.models import (
    Exercise,
    ExerciseStatus,
    Inject,
    Response,
    Team,
    TeamMember,
)
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.timeutil import utcnow
from bimtek.unit_of_work import flush_changes

# --- status and the exercise clock -----------------------------------------------------

def clock_seconds(exercise: Exercise, now: datetime | None = None) -> int:
    """Seconds of exercise time so far: it stands still while paused."""
    running = 0
    if exercise.clock_started_at is not None:
        running = max(0, int(((now or utcnow()) - exercise.clock_started_at).total_seconds()))
    return exercise.elapsed_seconds + running


def _transition(exercise: Exercise, allowed: Sequence[ExerciseStatus],
                status: ExerciseStatus, actor: User | None, **values) -> Exercise:
    check_writable(exercise)
    # A compare-and-set, so that two facilitators pressing pause at once count the
    # running time once.
    if compare_and_set(Exercise, Exercise.id == exercise.id, Exercise.status.in_(allowed),
                       status=status, **values) != 1:
        db.session.refresh(exercise)
        raise ValidationError(_("This cannot be done while the exercise is %(status)s.",
                                status=str(exercise.status.label).lower()))
    audit.record(f"exercise.{status.value}", exercise, actor=actor)
    flush_changes()
    db.session.refresh(exercise)
    return exercise


def start(exercise: Exercise, *, actor: User | None = None, now: datetime | None = None
          ) -> Exercise:
    if not exercise.teams:
        raise ValidationError(_("Confirm the teams before starting the exercise."))
    now = now or utcnow()
    return _transition(exercise, (ExerciseStatus.DRAFT,), ExerciseStatus.RUNNING, actor,
                       started_at=now, clock_started_at=now, elapsed_seconds=0)


def pause(exercise: Exercise, *, actor: User | None = None, now: datetime | None = None
          ) -> Exercise:
    return _transition(exercise, (ExerciseStatus.RUNNING,), ExerciseStatus.PAUSED, actor,
                       elapsed_seconds=clock_seconds(exercise, now), clock_started_at=None)


def resume(exercise: Exercise, *, actor: User | None = None, now: datetime | None = None
           ) -> Exercise:
    return _transition(exercise, (ExerciseStatus.PAUSED,), ExerciseStatus.RUNNING, actor,
                       clock_started_at=now or utcnow())


def end(exercise: Exercise, *, actor: User | None = None, now: datetime | None = None
        ) -> Exercise:
    now = now or utcnow()
    return _transition(exercise, (ExerciseStatus.RUNNING, ExerciseStatus.PAUSED),
                       ExerciseStatus.ENDED, actor,
                       elapsed_seconds=clock_seconds(exercise, now), clock_started_at=None,
                       ended_at=now)


# --- releasing injects -----------------------------------------------------------------

def _claim_release(inject_ids: list[int], actor: User | None, now: datetime) -> int:
    # Only injects nobody released yet: a console and a team feed polling at the same
    # moment release each inject once.
    return compare_and_set(Inject, Inject.id.in_(inject_ids), Inject.released_at.is_(None),
                           released_at=now, released_by_id=getattr(actor, "id", None))


def release(inject: Inject, *, actor: User | None = None, now: datetime | None = None
            ) -> Inject:
    """Release an inject by hand, before or after its planned time."""
    exercise = inject.exercise
    check_writable(exercise)
    if exercise.status != ExerciseStatus.RUNNING:
        raise ValidationError(_("Start or resume the exercise to release injects."))
    if not _claim_release([inject.id], actor, now or utcnow()):
        raise ValidationError(_("Inject %(number)d has already been released.",
                                number=inject.number))
    audit.record("exercise.inject_released", inject, actor=actor,
                 course_id=exercise.course_id, number=inject.number)
    flush_changes()
    db.session.refresh(inject)
    return inject


def release_due(exercise: Exercise, now: datetime | None = None) -> list[Inject]:
    """Release the injects whose planned offset the running exercise clock has reached;
    called whenever a console or a team feed is loaded, so no scheduler is needed."""
    if exercise.status != ExerciseStatus.RUNNING:
        return []
    now = now or utcnow()
    due = list(db.session.scalars(select(Inject).where(
        Inject.exercise_id == exercise.id, Inject.released_at.is_(None),
        Inject.planned_offset_minutes <= clock_seconds(exercise, now) // 60)))
    if not due:
        return []
    _claim_release([inject.id for inject in due], None, now)
    flush_changes()
    for inject in due:
        db.session.refresh(inject)
    return [inject for inject in due if inject.released_at == now]


# --- the team's side: feed and responses -----------------------------------------------

def membership(exercise: Exercise, user: User) -> TeamMember | None:
    """The user's place in the exercise, through their registration in its course."""
    return db.session.scalar(
        select(TeamMember).join(Registration, TeamMember.registration_id == Registration.id)
        .where(TeamMember.exercise_id == exercise.id, Registration.user_id == user.id,
               Registration.status != RegistrationStatus.CANCELLED))


def memberships_of(user: User) -> list[TeamMember]:
    """Every team the user plays in, newest exercise first, for their dashboard."""
    return list(db.session.scalars(
        select(TeamMember).join(Registration, TeamMember.registration_id == Registration.id)
        .join(Exercise, TeamMember.exercise_id == Exercise.id)
        .where(Registration.user_id == user.id,
               Registration.status != RegistrationStatus.CANCELLED)
        .options(selectinload(TeamMember.team).selectinload(Team.exercise))
        .order_by(Exercise.created_at.desc(), Exercise.id.desc())))


def _addressed_to(team: Team):
    return or_(Inject.to_all_teams, Inject.targets.any(Team.id == team.id))


def _released_to(team: Team):
    return select(Inject).where(Inject.exercise_id == team.exercise_id,
                                Inject.released_at.is_not(None), _addressed_to(team))


@dataclass
class FeedItem:
    inject: Inject
    response: Response | None


def team_feed(team: Team) -> list[FeedItem]:
    """The injects released to the team, newest first, each with the team's response."""
    injects = db.session.scalars(_released_to(team).order_by(
        Inject.released_at.desc(), Inject.number.desc())).all()
    responses = {r.inject_id: r for r in db.session.scalars(
        select(Response).where(Response.team_id == team.id)
        .options(selectinload(Response.submitted_by)))}
    return [FeedItem(inject, responses.get(inject.id)) for inject in injects]


def team_inject(team: Team, inject_id: int) -> Inject | None:
    """The inject if it has been released to this team; nothing tells the team whether an
    inject it did not receive exists."""
    return db.session.scalar(_released_to(team).where(Inject.id == inject_id))


def _already_answered(inject: Inject) -> ValidationError:
    return ValidationError(_("Your team has already answered inject %(number)d.",
                             number=inject.number), field="text")


def submit_response(inject: Inject, member: TeamMember, text: str, *,
                    now: datetime | None = None) -> Response:
    """The team's one response to an inject. It is late when another inject reached the
    team after this one, before the response came."""
    team = member.team
    check_writable(team.exercise)
    if team_inject(team, inject.id) is None:
        raise ValidationError(_("This inject has not been released to your team."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write your team's response before sending it."),
                              field="text")
    check_length(text, Response.text, "text")
    if db.session.scalar(select(Response.id).where(Response.inject_id == inject.id,
                                                   Response.team_id == team.id)):
        raise _already_answered(inject)
    late = db.session.scalar(select(
        _released_to(team).where(Inject.released_at > inject.released_at).exists()))
    response = Response(inject_id=inject.id, team_id=team.id, text=text, late=late,
                        submitted_by_id=member.registration_id, submitted_at=now or utcnow())
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        # A teammate's response was saved between our check and our insert.
        raise _already_answered(inject) from None
    audit.record("exercise.response", response, actor=None,
                 course_id=team.exercise.course_id, inject=inject.number, team=team.name,
                 late=late)
    flush_changes()
    return response
