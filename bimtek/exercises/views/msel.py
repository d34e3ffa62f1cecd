"""The MSEL: its list, an inject's form, and its spreadsheet export and import."""
from __future__ import annotations

from functools import partial
from io import BytesIO

from flask import flash, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from bimtek.exercises import access, bp, msel
from bimtek.exercises.forms import ConfirmMselForm, ImportMselForm, InjectForm
from bimtek.exercises.models import Exercise
from bimtek.exercises.views.common import (
    back,
    exercise_permission,
    exercise_url,
    flash_outcome,
    inject_or_404,
    objective_choices,
)
from bimtek.import_flow import confirmed_upload, previewed_upload
from bimtek.spreadsheets import UploadStash
from bimtek.unit_of_work import refusal_shown


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel")
@exercise_permission(access.can_view)
def msel_list(exercise):
    return render_template("exercises/msel.html", exercise=exercise, course=exercise.course,
                           entries=msel.msel(exercise))


def _inject_form(exercise: Exercise, inject=None) -> InjectForm:
    form = InjectForm(obj=inject)
    form.target_team_ids.choices = [SelectChoice(team.id, team.name) for team in exercise.teams]
    form.objective_id.choices = objective_choices(exercise)
    if request.method == "GET":
        if inject is None:
            form.number.data = msel.next_inject_number(exercise)
        else:
            form.target_team_ids.data = [team.id for team in inject.targets]
    return form


def _inject_input(form: InjectForm) -> msel.InjectInput:
    return msel.InjectInput(
        number=form.number.data, message=form.message.data,
        scenario_time=form.scenario_time.data or "",
        planned_offset_minutes=form.planned_offset_minutes.data, delivery=form.delivery.data,
        sender=form.sender.data or "", to_all_teams=form.to_all_teams.data,
        target_team_ids=form.target_team_ids.data or [],
        expected_actions=form.expected_actions.data or "", objective_id=form.objective_id.data)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/new",
          methods=["GET", "POST"])
@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/<int:inject_id>",
          methods=["GET", "POST"])
@exercise_permission(access.can_manage)
def inject_form(exercise, inject_id: int | None = None):
    inject = inject_or_404(exercise, inject_id) if inject_id is not None else None
    form = _inject_form(exercise, inject)
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            if inject is None:
                msel.add_inject(exercise, _inject_input(form), actor=current_user)
            else:
                msel.update_inject(inject, _inject_input(form), actor=current_user)
        if outcome.ok:
            flash(_("Inject saved."), "success")
            return back(exercise, "exercises.msel_list")
    return render_template("exercises/inject_form.html", exercise=exercise,
                           course=exercise.course, form=form, inject=inject)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/<int:inject_id>/delete",
          methods=["POST"])
@exercise_permission(access.can_manage)
def delete_inject(exercise, inject_id: int):
    inject = inject_or_404(exercise, inject_id)
    flash_outcome(lambda: msel.delete_inject(inject, actor=current_user),
                  _("Inject deleted."))
    return back(exercise, "exercises.msel_list")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel.xlsx")
@exercise_permission(access.can_view)
def export_msel(exercise):
    return send_file(BytesIO(msel.msel_table(exercise)), as_attachment=True,
                     download_name=f"msel-{exercise.course.code}-{exercise.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument"
                              ".spreadsheetml.sheet")


def _stash(exercise: Exercise) -> UploadStash:
    return UploadStash.for_import("msel", exercise.course)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/import",
          methods=["GET", "POST"])
@exercise_permission(access.can_manage)
def import_msel(exercise):
    form = ImportMselForm()
    if uploaded := previewed_upload(form, _stash(exercise),
                                    partial(msel.preview_msel, exercise)):
        preview, upload = uploaded
        return render_template("exercises/msel_import_preview.html", exercise=exercise,
                               course=exercise.course, preview=preview,
                               confirm=ConfirmMselForm(formdata=None, upload=upload))
    return render_template("exercises/msel_import.html", exercise=exercise,
                           course=exercise.course, form=form)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/import/confirm",
          methods=["POST"])
@exercise_permission(access.can_manage)
def confirm_msel_import(exercise):
    return confirmed_upload(
        ConfirmMselForm(),
        lambda form: msel.confirm_upload(_stash(exercise), exercise, form.upload.data,
                                         actor=current_user),
        done=lambda injects: (_("%(count)d injects imported.", count=len(injects)),
                              exercise_url("exercises.msel_list", exercise)),
        refused=exercise_url("exercises.import_msel", exercise))
