"""What every exercise page shares: loading the exercise with the user's permission, the
way back to a page, and the template helpers."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from wtforms import SelectChoice

from bimtek.auth.access import roles_required
from bimtek.auth.models import Role
from bimtek.courses.access import course_permission
from bimtek.exercises import access, bp, msel, running, setup
from bimtek.exercises.models import Exercise
from bimtek.extensions import db
from bimtek.i18n import clock, zone_label
from bimtek.timeutil import wall_clock
from bimtek.unit_of_work import refusal_shown

# Organisers and facilitators of the course list its exercises and create them.
# Organisers and facilitators of the course list its exercises and create them.
course_staff_required = course_permission(access.can_create, *access.STAFF_COURSE_ROLES)


def exercise_permission(allowed):
    """Loads the exercise through its course (404 when they do not belong together) and
    asks `allowed(user, exercise)`; the view receives `exercise`."""

    def decorator(view):
        @course_staff_required
        @wraps(view)
        def wrapper(*args, course, exercise_id: int, **kwargs):
            exercise = setup.find_exercise(course, exercise_id)
            if exercise is None:
                abort(404)
            if not allowed(current_user, exercise):
                abort(403)
            return view(*args, exercise=exercise, **kwargs)

        return wrapper

    return decorator


def team_member_required(view):
    """A participant playing in the exercise: the view receives their `member` row."""

    @roles_required(Role.PARTICIPANT)
    @wraps(view)
    def wrapper(*args, exercise_id: int, **kwargs):
        exercise = db.session.get(Exercise, exercise_id)
        if exercise is None:
            abort(404)
        member = running.membership(exercise, current_user)
        if member is None:
            abort(403)
        return view(*args, member=member, **kwargs)

    return wrapper


def exercise_url(endpoint: str, exercise: Exercise, **values) -> str:
    return url_for(endpoint, course_code=exercise.course.code, exercise_id=exercise.id,
                   **values)


def back(exercise: Exercise, endpoint: str = "exercises.detail", **values):
    return redirect(exercise_url(endpoint, exercise, **values))


def flash_outcome(action, success: str) -> bool:
    """Run a service call; flash its success or its refusal (rolled back)."""
    with refusal_shown() as outcome:
        action()
    if outcome.ok:
        flash(success, "success")
    return outcome.ok


PERMISSIONS = {"view": access.can_view, "manage": access.can_manage,
               "rate": access.can_rate}


@bp.context_processor
def exercise_permissions():
    """`may('manage', exercise)` in this module's templates: what the user may do."""
    return {"may": lambda what, exercise: PERMISSIONS[what](current_user, exercise)}


@bp.app_template_filter("exercise_time")
def exercise_time(instant, course) -> str:
    """A stored instant as the course's wall clock: '09.12 WITA'."""
    return f"{clock(wall_clock(course, instant))} {zone_label(course.timezone)}"


@bp.app_template_global()
def my_exercise_teams():
    """The teams the logged-in participant plays in, for their dashboard."""
    return running.memberships_of(current_user)


def objective_or_404(exercise: Exercise, objective_id: int):
    objective = setup.find_objective(exercise, objective_id)
    if objective is None:
        abort(404)
    return objective


def objective_choices(exercise: Exercise) -> list[SelectChoice]:
    """None or one of the exercise's objectives, numbered as the report numbers them."""
    return [SelectChoice(None, "—")] + [SelectChoice(objective.id, f"{number}. {objective.title}")
                            for number, objective in enumerate(exercise.objectives, start=1)]


def inject_or_404(exercise: Exercise, inject_id: int):
    inject = msel.find_inject(exercise, inject_id)
    if inject is None:
        abort(404)
    return inject
