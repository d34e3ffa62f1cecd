"""Who works on an exercise and what they may do: the course roles it draws on, the
exercise's own facilitators and evaluators, and whether it may still change."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from bimtek import audit
from bimtek.auth.models import Role, User
from bimtek.courses.models import Course
from bimtek.courses.staff import CourseAssignment, can_act_in_course
from bimtek.errors import ValidationError
from bimtek.exercises.models import Exercise, ExerciseStaff, ExerciseStatus, StaffRole
from bimtek.extensions import db
from bimtek.unit_of_work import flush_changes

# Course roles whose holders work on a course's exercises.
STAFF_COURSE_ROLES = (Role.ORGANISER, Role.FACILITATOR)


def _holds(user: User, exercise: Exercise, role: StaffRole) -> bool:
    return any(s.user_id == user.id and s.role == role for s in exercise.staff)


def can_create(user: User, course: Course) -> bool:
    """Organisers and facilitators of the course create exercises and list those they
    may see."""
    return can_act_in_course(user, course, STAFF_COURSE_ROLES)


def can_manage(user: User, exercise: Exercise) -> bool:
    """Set up and run: the course's organisers, and the exercise's own facilitators while
    they still are facilitators of the course."""
    course = exercise.course
    return can_act_in_course(user, course, (Role.ORGANISER,)) or (
        _holds(user, exercise, StaffRole.FACILITATOR)
        and can_act_in_course(user, course, (Role.FACILITATOR,)))


def can_rate(user: User, exercise: Exercise) -> bool:
    return _holds(user, exercise, StaffRole.EVALUATOR) and \
        can_act_in_course(user, exercise.course, (Role.FACILITATOR,))


def can_view(user: User, exercise: Exercise) -> bool:
    """Its organisers, facilitators and evaluators; other facilitators of the course have
    no part in it."""
    return can_manage(user, exercise) or can_rate(user, exercise)


def check_writable(exercise: Exercise) -> None:
    """What the exercise recorded is read-only once it has ended (its report is not)."""
    if exercise.status == ExerciseStatus.ENDED:
        raise ValidationError(_("The exercise has ended; it can no longer be changed."))


def eligible_staff(course: Course) -> list[User]:
    """The accounts holding `facilitator` for this course: who may facilitate or evaluate."""
    return list(db.session.scalars(
        select(User).join(CourseAssignment).where(
            CourseAssignment.course_id == course.id,
            CourseAssignment.role == Role.FACILITATOR,
            User.role_rows.any(role=Role.FACILITATOR), User.active)
        .order_by(func.lower(User.name), User.id)))


def assign_staff(exercise: Exercise, facilitator_ids: Iterable[int],
                 evaluator_ids: Iterable[int]) -> None:
    eligible = {user.id for user in eligible_staff(exercise.course)}
    chosen = {StaffRole.FACILITATOR: list(dict.fromkeys(facilitator_ids)),
              StaffRole.EVALUATOR: list(dict.fromkeys(evaluator_ids))}
    for role, ids in chosen.items():
        if any(user_id not in eligible for user_id in ids):
            raise ValidationError(
                _("Choose facilitators of this course only."),
                field="facilitator_ids" if role == StaffRole.FACILITATOR else "evaluator_ids")
    current = {(s.user_id, s.role): s for s in exercise.staff}
    exercise.staff = [current.get((user_id, role)) or ExerciseStaff(user_id=user_id, role=role)
                      for role, ids in chosen.items() for user_id in ids]


def set_staff(exercise: Exercise, *, facilitator_ids: Iterable[int],
              evaluator_ids: Iterable[int], actor: User | None = None) -> None:
    check_writable(exercise)
    assign_staff(exercise, facilitator_ids, evaluator_ids)
    audit.record("exercise.staff", exercise, actor=actor,
                 staff=", ".join(f"{s.role.value}:{s.user_id}" for s in exercise.staff))
    flush_changes()


def exercises_of_staff(user: User) -> list[tuple[Exercise, set[StaffRole]]]:
    """The exercises `user` facilitates or evaluates, with their roles there, newest
    course first, in one query (each with its course)."""
    rows = db.session.execute(
        select(Exercise, ExerciseStaff.role).join(ExerciseStaff,
                                                  ExerciseStaff.exercise_id == Exercise.id)
        .join(Exercise.course).options(contains_eager(Exercise.course))
        .where(ExerciseStaff.user_id == user.id)
        .order_by(Course.starts_on.desc(), Exercise.title, Exercise.id)).all()
    roles: dict[Exercise, set[StaffRole]] = {}
    for exercise, role in rows:
        roles.setdefault(exercise, set()).add(role)
    return list(roles.items())


def staff_of(exercise: Exercise, role: StaffRole) -> list[User]:
    return sorted((s.user for s in exercise.staff if s.role == role),
                  key=lambda user: (user.name.lower(), user.id))
