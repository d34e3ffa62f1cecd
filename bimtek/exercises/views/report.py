"""The after-action report: its page, PDF and ratings spreadsheet, and the parts the
facilitator writes. The report is written once the exercise has ended, so its forms stay
open after the end (see bimtek.exercises.report), unlike the rest of the exercise."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.exercises import access, bp, report
from bimtek.exercises.forms import ActionForm, AnalysisForm
from bimtek.exercises.models import Exercise
from bimtek.exercises.views.common import (
    exercise_permission,
    exercise_url,
    objective_choices,
    objective_or_404,
)
from bimtek.unit_of_work import refusal_shown


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report")
@exercise_permission(access.can_view)
def report_page(exercise):
    return render_template("exercises/report.html", exercise=exercise, course=exercise.course,
                           report=report.build(exercise),
                           editable=access.can_manage(current_user, exercise))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report.pdf")
@exercise_permission(access.can_view)
def report_pdf(exercise):
    return send_file(BytesIO(report.report_pdf(exercise)), mimetype="application/pdf",
                     as_attachment=True,
                     download_name=f"laporan-latihan-{exercise.course.code}-{exercise.id}.pdf")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report/ratings.xlsx")
@exercise_permission(access.can_view)
def report_ratings_xlsx(exercise):
    return send_file(BytesIO(report.ratings_xlsx(exercise)),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml"
                              ".sheet", as_attachment=True,
                     download_name=f"penilaian-{exercise.course.code}-{exercise.id}.xlsx")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report/objectives/"
          "<int:objective_id>", methods=["POST"])
@exercise_permission(access.can_manage)
def report_analysis(exercise, objective_id: int):
    objective = objective_or_404(exercise, objective_id)
    form = AnalysisForm()
    if form.validate_on_submit():
        report.save_analysis(objective, strengths=form.strengths.data,
                             improvements=form.improvements.data, actor=current_user)
        flash(_("Strengths and areas for improvement saved."), "success")
    return redirect(exercise_url("exercises.report_page", exercise) + f"#analysis-{objective.id}")


def _action_form(exercise: Exercise, action=None) -> ActionForm:
    form = ActionForm(obj=action)
    form.objective_id.choices = objective_choices(exercise)
    return form


def _action(exercise: Exercise, action_id: int):
    action = report.find_action(exercise, action_id)
    if action is None:
        abort(404)
    return action


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report/actions/new",
          methods=["GET", "POST"])
@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report/actions/<int:action_id>",
          methods=["GET", "POST"])
@exercise_permission(access.can_manage)
def report_action(exercise, action_id: int | None = None):
    action = _action(exercise, action_id) if action_id is not None else None
    form = _action_form(exercise, action)
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            report.save_action(exercise, action, report.ActionInput(
                action=form.action.data, responsible=form.responsible.data,
                due_on=form.due_on.data, objective_id=form.objective_id.data),
                actor=current_user)
        if outcome.ok:
            flash(_("Improvement plan saved."), "success")
            return redirect(exercise_url("exercises.report_page", exercise) + "#plan")
    return render_template("exercises/report_action_form.html", exercise=exercise,
                           course=exercise.course, form=form, action=action), \
        400 if form.errors else 200


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report/actions/"
          "<int:action_id>/delete", methods=["POST"])
@exercise_permission(access.can_manage)
def report_action_delete(exercise, action_id: int):
    report.delete_action(exercise, _action(exercise, action_id), actor=current_user)
    flash(_("Action removed from the improvement plan."), "success")
    return redirect(exercise_url("exercises.report_page", exercise) + "#plan")
