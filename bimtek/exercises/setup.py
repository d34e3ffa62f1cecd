"""Setting an exercise up: the exercise itself (title, scenario, its session of the
agenda, its staff) and the objectives its teams are evaluated on."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek import audit
from bimtek.auth.models import Role, User
from bimtek.courses.models import Course, Session, SessionKind
from bimtek.courses.staff import can_act_in_course
from bimtek.errors import ValidationError, check_length
from bimtek.exercises.access import assign_staff, check_writable
from bimtek.exercises.models import Exercise, ExerciseStatus, Objective
from bimtek.extensions import db
from bimtek.unit_of_work import flush_changes


def exercises_of(course: Course) -> list[Exercise]:
    return list(db.session.scalars(select(Exercise).where(Exercise.course_id == course.id)
                                   .order_by(Exercise.created_at, Exercise.id)))


def find_exercise(course: Course, exercise_id: int) -> Exercise | None:
    return db.session.scalar(select(Exercise).where(Exercise.id == exercise_id,
                                                    Exercise.course_id == course.id))


def session_choices(course: Course) -> list[Session]:
    """The sessions an exercise may run in: the simulation sessions, or every session
    when the agenda has none."""
    simulations = [s for s in course.sessions if s.kind == SessionKind.SIMULATION]
    return simulations or list(course.sessions)


def clean_text(value: str | None, column, field_name: str, *, required: str | None = None,
               lines: bool = False) -> str:
    """A one-line text has its spacing collapsed; one of `lines` keeps them."""
    text = (value or "").strip() if lines else " ".join((value or "").split())
    if required and not text:
        raise ValidationError(required, field=field_name)
    return check_length(text, column, field_name)


def _session(course: Course, session_id: int | None) -> int | None:
    if session_id is None:
        return None
    if not any(s.id == session_id for s in course.sessions):
        raise ValidationError(_("Choose a session of this course's agenda."),
                              field="session_id")
    return session_id


def _exercise_fields(course: Course, title: str, scenario: str, session_id: int | None
                     ) -> dict:
    columns = Exercise.__table__.c
    return {"title": clean_text(title, columns.title, "title",
                                required=_("The title is required.")),
            "scenario": clean_text(scenario, columns.scenario, "scenario", lines=True),
            "session_id": _session(course, session_id)}


def create_exercise(course: Course, *, title: str, scenario: str = "",
                    session_id: int | None = None, facilitator_ids: Iterable[int] = (),
                    evaluator_ids: Iterable[int] = (), actor: User | None = None) -> Exercise:
    """A draft exercise; a facilitator who creates one facilitates it."""
    exercise = Exercise(course=course, **_exercise_fields(course, title, scenario, session_id))
    facilitator_ids = list(facilitator_ids)
    if actor is not None and not can_act_in_course(actor, course, (Role.ORGANISER,)):
        facilitator_ids.append(actor.id)
    assign_staff(exercise, facilitator_ids, evaluator_ids)
    db.session.add(exercise)
    db.session.flush()
    audit.record("exercise.created", exercise, actor=actor, title=exercise.title)
    flush_changes()
    return exercise


def update_exercise(exercise: Exercise, *, title: str, scenario: str,
                    session_id: int | None, facilitator_ids: Iterable[int] | None = None,
                    evaluator_ids: Iterable[int] | None = None,
                    actor: User | None = None) -> Exercise:
    """Change the exercise, and its staff unless both lists are None."""
    check_writable(exercise)
    fields = _exercise_fields(exercise.course, title, scenario, session_id)
    if facilitator_ids is not None or evaluator_ids is not None:
        assign_staff(exercise, facilitator_ids or (), evaluator_ids or ())
    for name, value in fields.items():
        setattr(exercise, name, value)
    audit.record("exercise.updated", exercise, actor=actor, title=exercise.title,
                 staff=", ".join(f"{s.role.value}:{s.user_id}" for s in exercise.staff))
    flush_changes()
    return exercise


def delete_exercise(exercise: Exercise, *, actor: User | None = None) -> None:
    check_writable(exercise)
    if exercise.status != ExerciseStatus.DRAFT:
        raise ValidationError(_("Only an exercise that has not started can be deleted."))
    audit.record("exercise.deleted", exercise, actor=actor, title=exercise.title)
    db.session.delete(exercise)
    flush_changes()


# --- objectives ------------------------------------------------------------------------

@dataclass
class ObjectiveInput:
    title: str
    capability: str = ""
    evaluation_points: str = ""


def _objective_fields(data: ObjectiveInput) -> dict:
    columns = Objective.__table__.c
    return {"title": clean_text(data.title, columns.title, "title",
                                required=_("The objective's title is required.")),
            "capability": clean_text(data.capability, columns.capability, "capability"),
            "evaluation_points": check_length("\n".join(
                line.strip() for line in data.evaluation_points.splitlines() if line.strip()),
                columns.evaluation_points, "evaluation_points")}


def find_objective(exercise: Exercise, objective_id: int) -> Objective | None:
    return next((o for o in exercise.objectives if o.id == objective_id), None)


def add_objective(exercise: Exercise, data: ObjectiveInput, *, actor: User | None = None
                  ) -> Objective:
    check_writable(exercise)
    position = max((o.position for o in exercise.objectives), default=0) + 1
    objective = Objective(position=position, **_objective_fields(data))
    exercise.objectives.append(objective)
    db.session.flush()
    audit.record("exercise.objective_added", exercise, actor=actor, objective=objective.title)
    flush_changes()
    return objective


def update_objective(objective: Objective, data: ObjectiveInput, *,
                     actor: User | None = None) -> Objective:
    check_writable(objective.exercise)
    for name, value in _objective_fields(data).items():
        setattr(objective, name, value)
    audit.record("exercise.objective_changed", objective.exercise, actor=actor,
                 objective=objective.title)
    flush_changes()
    return objective


def remove_objective(objective: Objective, *, actor: User | None = None) -> None:
    """Its ratings go with it; injects that tested it keep their place in the MSEL."""
    exercise = objective.exercise
    check_writable(exercise)
    audit.record("exercise.objective_removed", exercise, actor=actor,
                 objective=objective.title)
    exercise.objectives.remove(objective)
    flush_changes()
