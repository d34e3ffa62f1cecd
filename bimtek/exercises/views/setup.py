"""Setting an exercise up: the course's exercises, an exercise's page and form, and its
objectives."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from bimtek.exercises import access, bp, setup
from bimtek.exercises.forms import ExerciseForm, ObjectiveForm
from bimtek.exercises.models import Exercise, StaffRole
from bimtek.exercises.views.common import (
    back,
    course_staff_required,
    exercise_permission,
    flash_outcome,
    objective_or_404,
)
from bimtek.i18n import clock
from bimtek.unit_of_work import refusal_shown


@bp.route("/courses/<course_code>/exercises")
@course_staff_required
def index(course):
    exercises = [e for e in setup.exercises_of(course)
                 if access.can_view(current_user, e)]
    return render_template("exercises/index.html", course=course, exercises=exercises)


def _exercise_form(course, exercise: Exercise | None = None) -> ExerciseForm:
    form = ExerciseForm(obj=exercise)
    form.session_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(s.id, f"{s.day:%d/%m} {clock(s.starts_at)} · {s.title}")
        for s in setup.session_choices(course)]
    staff = [SelectChoice(user.id, user.name) for user in access.eligible_staff(course)]
    form.facilitator_ids.choices = form.evaluator_ids.choices = staff
    if exercise is not None and request.method == "GET":
        form.facilitator_ids.data = [u.id for u in access.staff_of(
            exercise, StaffRole.FACILITATOR)]
        form.evaluator_ids.data = [u.id for u in access.staff_of(
            exercise, StaffRole.EVALUATOR)]
    return form


def _save_exercise(course, form: ExerciseForm, exercise: Exercise | None) -> Exercise | None:
    fields = {"title": form.title.data, "scenario": form.scenario.data or "",
              "session_id": form.session_id.data,
              "facilitator_ids": form.facilitator_ids.data or [],
              "evaluator_ids": form.evaluator_ids.data or []}
    with refusal_shown(form):
        if exercise is None:
            return setup.create_exercise(course, actor=current_user, **fields)
        return setup.update_exercise(exercise, actor=current_user, **fields)
    return None


@bp.route("/courses/<course_code>/exercises/new", methods=["GET", "POST"])
@course_staff_required
def new(course):
    form = _exercise_form(course)
    if form.validate_on_submit():
        exercise = _save_exercise(course, form, None)
        if exercise is not None:
            flash(_("Exercise created."), "success")
            return back(exercise)
    return render_template("exercises/form.html", course=course, form=form, exercise=None)


def _detail_page(exercise: Exercise, objective_form: ObjectiveForm) -> str:
    return render_template("exercises/detail.html", exercise=exercise,
                           course=exercise.course, objective_form=objective_form,
                           facilitators=access.staff_of(exercise, StaffRole.FACILITATOR),
                           evaluators=access.staff_of(exercise, StaffRole.EVALUATOR))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>")
@exercise_permission(access.can_view)
def detail(exercise):
    return _detail_page(exercise, ObjectiveForm())


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/edit", methods=["GET", "POST"])
@exercise_permission(access.can_manage)
def edit(exercise):
    form = _exercise_form(exercise.course, exercise)
    if form.validate_on_submit() and _save_exercise(exercise.course, form, exercise):
        flash(_("Exercise saved."), "success")
        return back(exercise)
    return render_template("exercises/form.html", course=exercise.course, form=form,
                           exercise=exercise)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/delete", methods=["POST"])
@exercise_permission(access.can_manage)
def delete(exercise):
    course = exercise.course
    if flash_outcome(lambda: setup.delete_exercise(exercise, actor=current_user),
                     _("Exercise deleted.")):
        return redirect(url_for("exercises.index", course_code=course.code))
    return back(exercise)


def _objective_input(form: ObjectiveForm) -> setup.ObjectiveInput:
    return setup.ObjectiveInput(title=form.title.data, capability=form.capability.data or "",
                                evaluation_points=form.evaluation_points.data or "")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/objectives", methods=["POST"])
@exercise_permission(access.can_manage)
def add_objective(exercise):
    form = ObjectiveForm()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            setup.add_objective(exercise, _objective_input(form), actor=current_user)
        if outcome.ok:
            flash(_("Objective added."), "success")
            return back(exercise)
    return _detail_page(exercise, form), 400


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/objectives/<int:objective_id>",
          methods=["GET", "POST"])
@exercise_permission(access.can_manage)
def edit_objective(exercise, objective_id: int):
    objective = objective_or_404(exercise, objective_id)
    form = ObjectiveForm(obj=objective)
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            setup.update_objective(objective, _objective_input(form), actor=current_user)
        if outcome.ok:
            flash(_("Objective saved."), "success")
            return back(exercise)
    return render_template("exercises/objective_form.html", exercise=exercise,
                           course=exercise.course, form=form, objective=objective)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/objectives/<int:objective_id>"
          "/delete", methods=["POST"])
@exercise_permission(access.can_manage)
def remove_objective(exercise, objective_id: int):
    objective = objective_or_404(exercise, objective_id)
    flash_outcome(lambda: setup.remove_objective(objective, actor=current_user),
                  _("Objective removed."))
    return back(exercise)
