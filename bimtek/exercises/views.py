"""Exercise pages: setup, teams, MSEL, running, team feeds, evaluation, report."""
from __future__ import annotations

from functools import wraps
from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

from bimtek.auth.access import course_permission, roles_required
from bimtek.auth.models import Role
from bimtek.errors import ValidationError
from bimtek.exercises import bp, msel, report, services
from bimtek.exercises.forms import (
    ConfirmMselForm,
    ConfirmTeamsForm,
    ExerciseForm,
    ImportMselForm,
    InjectForm,
    MemberRoleForm,
    MoveMemberForm,
    ObjectiveForm,
    ProposeTeamsForm,
    ResponseForm,
)
from bimtek.exercises.models import (
    Exercise,
    ImprovementAction,
    Objective,
    Rating,
    StaffRole,
    TeamRole,
)
from bimtek.extensions import db
from bimtek.forms import Form, fits, optional_int, show_error
from bimtek.i18n import clock, zone_label
from bimtek.spreadsheets import UploadStash
from bimtek.timeutil import wall_clock

STAFF = services.STAFF_COURSE_ROLES


def exercise_permission(allowed):
    """Loads the exercise through its course (404 when they do not belong together) and
    asks `allowed(user, exercise)`; the view receives `exercise`."""

    def decorator(view):
        @course_permission(services.can_create, *STAFF)
        @wraps(view)
        def wrapper(*args, course, exercise_id: int, **kwargs):
            exercise = services.find_exercise(course, exercise_id)
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
        member = services.membership(exercise, current_user)
        if member is None:
            abort(403)
        return view(*args, member=member, **kwargs)

    return wrapper


def _url(endpoint: str, exercise: Exercise, **values) -> str:
    return url_for(endpoint, course_code=exercise.course.code, exercise_id=exercise.id,
                   **values)


def _back(exercise: Exercise, endpoint: str = "exercises.detail", **values):
    return redirect(_url(endpoint, exercise, **values))


def _flash_outcome(action, success: str) -> bool:
    """Run a service call; flash its success or its refusal (rolled back)."""
    try:
        action()
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return False
    flash(success, "success")
    return True


PERMISSIONS = {"view": services.can_view, "manage": services.can_manage,
               "rate": services.can_rate}


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
    return services.memberships_of(current_user)


# --- exercises of a course -------------------------------------------------------------

@bp.route("/courses/<course_code>/exercises")
@course_permission(services.can_create, *STAFF)
def index(course):
    exercises = [e for e in services.exercises_of(course)
                 if services.can_view(current_user, e)]
    return render_template("exercises/index.html", course=course, exercises=exercises)


def _exercise_form(course, exercise: Exercise | None = None) -> ExerciseForm:
    form = ExerciseForm(obj=exercise)
    form.session_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(s.id, f"{s.day:%d/%m} {clock(s.starts_at)} · {s.title}")
        for s in services.session_choices(course)]
    staff = [SelectChoice(user.id, user.name) for user in services.eligible_staff(course)]
    form.facilitator_ids.choices = form.evaluator_ids.choices = staff
    if exercise is not None and request.method == "GET":
        form.facilitator_ids.data = [u.id for u in services.staff_of(
            exercise, StaffRole.FACILITATOR)]
        form.evaluator_ids.data = [u.id for u in services.staff_of(
            exercise, StaffRole.EVALUATOR)]
    return form


def _save_exercise(course, form: ExerciseForm, exercise: Exercise | None) -> Exercise | None:
    fields = {"title": form.title.data, "scenario": form.scenario.data or "",
              "session_id": form.session_id.data,
              "facilitator_ids": form.facilitator_ids.data or [],
              "evaluator_ids": form.evaluator_ids.data or []}
    try:
        if exercise is None:
            return services.create_exercise(course, actor=current_user, **fields)
        return services.update_exercise(exercise, actor=current_user, **fields)
    except ValidationError as error:
        db.session.rollback()
        show_error(form, error)
        return None


@bp.route("/courses/<course_code>/exercises/new", methods=["GET", "POST"])
@course_permission(services.can_create, *STAFF)
def new(course):
    form = _exercise_form(course)
    if form.validate_on_submit():
        exercise = _save_exercise(course, form, None)
        if exercise is not None:
            flash(_("Exercise created."), "success")
            return _back(exercise)
    return render_template("exercises/form.html", course=course, form=form, exercise=None)


def _detail_page(exercise: Exercise, objective_form: ObjectiveForm) -> str:
    return render_template("exercises/detail.html", exercise=exercise,
                           course=exercise.course, objective_form=objective_form,
                           facilitators=services.staff_of(exercise, StaffRole.FACILITATOR),
                           evaluators=services.staff_of(exercise, StaffRole.EVALUATOR))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>")
@exercise_permission(services.can_view)
def detail(exercise):
    return _detail_page(exercise, ObjectiveForm())


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/edit", methods=["GET", "POST"])
@exercise_permission(services.can_manage)
def edit(exercise):
    form = _exercise_form(exercise.course, exercise)
    if form.validate_on_submit() and _save_exercise(exercise.course, form, exercise):
        flash(_("Exercise saved."), "success")
        return _back(exercise)
    return render_template("exercises/form.html", course=exercise.course, form=form,
                           exercise=exercise)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/delete", methods=["POST"])
@exercise_permission(services.can_manage)
def delete(exercise):
    course = exercise.course
    if _flash_outcome(lambda: services.delete_exercise(exercise, actor=current_user),
                      _("Exercise deleted.")):
        return redirect(url_for("exercises.index", course_code=course.code))
    return _back(exercise)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/status/"
          "<any(start, pause, resume, end):action>", methods=["POST"])
@exercise_permission(services.can_manage)
def change_status(exercise, action: str):
    change = {"start": services.start, "pause": services.pause,
              "resume": services.resume, "end": services.end}[action]
    try:
        change(exercise, actor=current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        flash(_("The exercise is now %(status)s.", status=exercise.status.label), "success")
    return _back(exercise, "exercises.console")


# --- objectives ------------------------------------------------------------------------

def _objective_input(form: ObjectiveForm) -> services.ObjectiveInput:
    return services.ObjectiveInput(title=form.title.data, capability=form.capability.data or "",
                                   evaluation_points=form.evaluation_points.data or "")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/objectives", methods=["POST"])
@exercise_permission(services.can_manage)
def add_objective(exercise):
    form = ObjectiveForm()
    if form.validate_on_submit():
        try:
            services.add_objective(exercise, _objective_input(form), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Objective added."), "success")
            return _back(exercise)
    return _detail_page(exercise, form), 400


def _objective(exercise: Exercise, objective_id: int):
    objective = services.find_objective(exercise, objective_id)
    if objective is None:
        abort(404)
    return objective


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/objectives/<int:objective_id>",
          methods=["GET", "POST"])
@exercise_permission(services.can_manage)
def edit_objective(exercise, objective_id: int):
    objective = _objective(exercise, objective_id)
    form = ObjectiveForm(obj=objective)
    if form.validate_on_submit():
        try:
            services.update_objective(objective, _objective_input(form), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Objective saved."), "success")
            return _back(exercise)
    return render_template("exercises/objective_form.html", exercise=exercise,
                           course=exercise.course, form=form, objective=objective)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/objectives/<int:objective_id>"
          "/delete", methods=["POST"])
@exercise_permission(services.can_manage)
def remove_objective(exercise, objective_id: int):
    objective = _objective(exercise, objective_id)
    _flash_outcome(lambda: services.remove_objective(objective, actor=current_user),
                   _("Objective removed."))
    return _back(exercise)


# --- teams -----------------------------------------------------------------------------

def _plan(groups) -> str:
    return ";".join(",".join(str(r.id) for r in group) for group in groups)


def _parse_plan(text: str) -> list[list[int]]:
    try:
        return [[int(i) for i in team.split(",") if i.strip()] for team in text.split(";")]
    except ValueError:
        abort(400)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/teams")
@exercise_permission(services.can_view)
def teams(exercise):
    propose = ProposeTeamsForm(formdata=request.args)
    proposal, confirm = None, None
    if "count" in request.args and propose.validate():
        try:
            proposal = services.propose_teams(exercise, propose.count.data)
        except ValidationError as error:
            show_error(propose, error)
        else:
            confirm = ConfirmTeamsForm(plan=_plan(proposal))
    return render_template("exercises/teams.html", exercise=exercise, course=exercise.course,
                           members=services.team_members(exercise),
                           unplaced=services.unplaced(exercise), propose=propose,
                           proposal=proposal, confirm=confirm, team_roles=list(TeamRole))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/teams/confirm",
          methods=["POST"])
@exercise_permission(services.can_manage)
def confirm_teams(exercise):
    form = ConfirmTeamsForm()
    if not form.validate_on_submit():
        abort(400)
    groups = _parse_plan(form.plan.data)
    _flash_outcome(lambda: services.confirm_teams(exercise, groups, actor=current_user),
                   _("%(count)d teams confirmed.", count=len(groups)))
    return _back(exercise, "exercises.teams")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/teams/move", methods=["POST"])
@exercise_permission(services.can_manage)
def move_member(exercise):
    form = MoveMemberForm()
    if not form.validate_on_submit():
        abort(400)
    _flash_outcome(lambda: services.move_member(exercise, form.registration_id.data,
                                                form.team_id.data, actor=current_user),
                   _("Member moved."))
    return _back(exercise, "exercises.teams")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/teams/role", methods=["POST"])
@exercise_permission(services.can_manage)
def member_role(exercise):
    form = MemberRoleForm()
    if not form.validate_on_submit():
        abort(400)
    _flash_outcome(lambda: services.set_member_role(exercise, form.registration_id.data,
                                                    form.role.data, actor=current_user),
                   _("Team role saved."))
    return _back(exercise, "exercises.teams")


# --- the MSEL --------------------------------------------------------------------------

@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel")
@exercise_permission(services.can_view)
def msel_list(exercise):
    return render_template("exercises/msel.html", exercise=exercise, course=exercise.course,
                           entries=services.msel(exercise))


def _objective_choices(exercise: Exercise) -> list[SelectChoice]:
    """None or one of the exercise's objectives, numbered as the report numbers them."""
    return [SelectChoice(None, "—")] + [SelectChoice(objective.id, f"{number}. {objective.title}")
                            for number, objective in enumerate(exercise.objectives, start=1)]


def _inject_form(exercise: Exercise, inject=None) -> InjectForm:
    form = InjectForm(obj=inject)
    form.target_team_ids.choices = [SelectChoice(team.id, team.name) for team in exercise.teams]
    form.objective_id.choices = _objective_choices(exercise)
    if request.method == "GET":
        if inject is None:
            form.number.data = services.next_inject_number(exercise)
        else:
            form.target_team_ids.data = [team.id for team in inject.targets]
    return form


def _inject_input(form: InjectForm) -> services.InjectInput:
    return services.InjectInput(
        number=form.number.data, message=form.message.data,
        scenario_time=form.scenario_time.data or "",
        planned_offset_minutes=form.planned_offset_minutes.data, delivery=form.delivery.data,
        sender=form.sender.data or "", to_all_teams=form.to_all_teams.data,
        target_team_ids=form.target_team_ids.data or [],
        expected_actions=form.expected_actions.data or "", objective_id=form.objective_id.data)


def _inject(exercise: Exercise, inject_id: int):
    inject = services.find_inject(exercise, inject_id)
    if inject is None:
        abort(404)
    return inject


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/new",
          methods=["GET", "POST"])
@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/<int:inject_id>",
          methods=["GET", "POST"])
@exercise_permission(services.can_manage)
def inject_form(exercise, inject_id: int | None = None):
    inject = _inject(exercise, inject_id) if inject_id is not None else None
    form = _inject_form(exercise, inject)
    if form.validate_on_submit():
        try:
            if inject is None:
                services.add_inject(exercise, _inject_input(form), actor=current_user)
            else:
                services.update_inject(inject, _inject_input(form), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Inject saved."), "success")
            return _back(exercise, "exercises.msel_list")
    return render_template("exercises/inject_form.html", exercise=exercise,
                           course=exercise.course, form=form, inject=inject)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/<int:inject_id>/delete",
          methods=["POST"])
@exercise_permission(services.can_manage)
def delete_inject(exercise, inject_id: int):
    inject = _inject(exercise, inject_id)
    _flash_outcome(lambda: services.delete_inject(inject, actor=current_user),
                   _("Inject deleted."))
    return _back(exercise, "exercises.msel_list")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel.xlsx")
@exercise_permission(services.can_view)
def export_msel(exercise):
    return send_file(BytesIO(msel.msel_table(exercise)), as_attachment=True,
                     download_name=f"msel-{exercise.course.code}-{exercise.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument"
                              ".spreadsheetml.sheet")


def _stash(exercise: Exercise) -> UploadStash:
    return UploadStash.for_import("msel", exercise.course)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/import",
          methods=["GET", "POST"])
@exercise_permission(services.can_manage)
def import_msel(exercise):
    form = ImportMselForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        preview = msel.preview_msel(exercise, form.file.data.filename, data)
        confirm = ConfirmMselForm(formdata=None)
        if preview.ok:
            confirm.upload.data = _stash(exercise).keep(form.file.data.filename, data)
        return render_template("exercises/msel_import_preview.html", exercise=exercise,
                               course=exercise.course, preview=preview, confirm=confirm)
    return render_template("exercises/msel_import.html", exercise=exercise,
                           course=exercise.course, form=form)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/msel/import/confirm",
          methods=["POST"])
@exercise_permission(services.can_manage)
def confirm_msel_import(exercise):
    form = ConfirmMselForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        injects = msel.confirm_upload(_stash(exercise), exercise, form.upload.data,
                                      actor=current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return _back(exercise, "exercises.import_msel")
    flash(_("%(count)d injects imported.", count=len(injects)), "success")
    return _back(exercise, "exercises.msel_list")


# --- running: the facilitator's console ------------------------------------------------

def _console_context(exercise: Exercise) -> dict:
    services.release_due(exercise)
    return {"exercise": exercise, "course": exercise.course,
            "entries": services.msel(exercise),
            "clock_minutes": services.clock_seconds(exercise) // 60}


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/console")
@exercise_permission(services.can_view)
def console(exercise):
    return render_template("exercises/console.html", **_console_context(exercise))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/console/live")
@exercise_permission(services.can_view)
def console_live(exercise):
    return render_template("exercises/_console_live.html", **_console_context(exercise))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/injects/<int:inject_id>/release",
          methods=["POST"])
@exercise_permission(services.can_manage)
def release(exercise, inject_id: int):
    inject = _inject(exercise, inject_id)
    _flash_outcome(lambda: services.release(inject, actor=current_user),
                   _("Inject %(number)d released.", number=inject.number))
    return _back(exercise, "exercises.console")


# --- evaluation ------------------------------------------------------------------------

def _ratings_posted(exercise: Exercise) -> list[services.RatingInput]:
    return [services.RatingInput(
        objective_id=objective.id, team_id=team.id,
        rating=request.form.get(f"rating-{objective.id}-{team.id}", ""),
        notes=request.form.get(f"notes-{objective.id}-{team.id}", ""))
        for objective in exercise.objectives for team in exercise.teams]


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/evaluation",
          methods=["GET", "POST"])
@exercise_permission(services.can_rate)
def evaluation(exercise):
    """The current evaluator's grid: every team on every objective."""
    posted, error = None, None
    if request.method == "POST":
        posted = _ratings_posted(exercise)
        try:
            services.save_ratings(exercise, current_user, posted)
        except ValidationError as refused:
            db.session.rollback()
            error = refused.message
        else:
            flash(_("Your ratings are saved."), "success")
            return _back(exercise, "exercises.ratings")
    saved = services.ratings_by(exercise, current_user)
    grid = {(e.objective_id, e.team_id): (e.rating.value, e.notes) for e in saved.values()}
    if posted is not None:
        grid = {(r.objective_id, r.team_id): (r.rating, r.notes) for r in posted}
    return render_template("exercises/evaluation.html", exercise=exercise,
                           course=exercise.course, grid=grid, error=error,
                           ratings=list(Rating)), 400 if error else 200


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/ratings")
@exercise_permission(services.can_view)
def ratings(exercise):
    return render_template("exercises/ratings.html", exercise=exercise,
                           course=exercise.course, table=services.rating_table(exercise))


# --- the team's side -------------------------------------------------------------------

def _feed_context(member) -> dict:
    team = member.team
    services.release_due(team.exercise)
    return {"member": member, "team": team, "exercise": team.exercise,
            "course": team.exercise.course, "feed": services.team_feed(team)}


@bp.route("/exercises/<int:exercise_id>/team")
@team_member_required
def team_page(member):
    return render_template("exercises/team.html", **_feed_context(member),
                           members=services.team_members(member.team.exercise)[member.team_id])


@bp.route("/exercises/<int:exercise_id>/team/feed")
@team_member_required
def team_feed(member):
    return render_template("exercises/_team_feed.html", **_feed_context(member))


@bp.route("/exercises/<int:exercise_id>/team/injects/<int:inject_id>/response",
          methods=["POST"])
@team_member_required
def respond(member, inject_id: int):
    inject = services.team_inject(member.team, inject_id)
    if inject is None:
        abort(404)
    form = ResponseForm()
    if not form.validate_on_submit():
        flash(" ".join(form.text.errors), "danger")
    else:
        _flash_outcome(lambda: services.submit_response(inject, member, form.text.data),
                       _("Your team's response to inject %(number)d was sent.",
                         number=inject.number))
    return redirect(url_for("exercises.team_page", exercise_id=member.exercise_id))


# --- after-action report ---------------------------------------------------------------
# The report is written once the exercise has ended: its forms stay open after the end
# (see bimtek.exercises.report), unlike the rest of the exercise.

class AnalysisForm(Form):
    strengths = TextAreaField(_l("Strengths"), validators=[fits(Objective.strengths)])
    improvements = TextAreaField(_l("Areas for improvement"),
                                 validators=[fits(Objective.improvements)])


class ActionForm(Form):
    # What must be filled in, and how long it may be, report.save_action checks.
    action = TextAreaField(_l("Action"), render_kw={"rows": 3},
                           validators=[fits(ImprovementAction.action)])
    responsible = StringField(_l("Responsible institution"),
                              validators=[fits(ImprovementAction.responsible)])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    objective_id = SelectField(_l("Objective"), coerce=optional_int, validate_choice=False)
    submit = SubmitField(_l("Save the action"))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report")
@exercise_permission(services.can_view)
def report_page(exercise):
    return render_template("exercises/report.html", exercise=exercise, course=exercise.course,
                           report=report.build(exercise),
                           editable=services.can_manage(current_user, exercise))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report.pdf")
@exercise_permission(services.can_view)
def report_pdf(exercise):
    return send_file(BytesIO(report.report_pdf(exercise)), mimetype="application/pdf",
                     as_attachment=True,
                     download_name=f"laporan-latihan-{exercise.course.code}-{exercise.id}.pdf")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report/ratings.xlsx")
@exercise_permission(services.can_view)
def report_ratings_xlsx(exercise):
    return send_file(BytesIO(report.ratings_xlsx(exercise)),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml"
                              ".sheet", as_attachment=True,
                     download_name=f"penilaian-{exercise.course.code}-{exercise.id}.xlsx")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report/objectives/"
          "<int:objective_id>", methods=["POST"])
@exercise_permission(services.can_manage)
def report_analysis(exercise, objective_id: int):
    objective = _objective(exercise, objective_id)
    form = AnalysisForm()
    if form.validate_on_submit():
        report.save_analysis(objective, strengths=form.strengths.data,
                             improvements=form.improvements.data, actor=current_user)
        flash(_("Strengths and areas for improvement saved."), "success")
    return redirect(_url("exercises.report_page", exercise) + f"#analysis-{objective.id}")


def _action_form(exercise: Exercise, action=None) -> ActionForm:
    form = ActionForm(obj=action)
    form.objective_id.choices = _objective_choices(exercise)
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
@exercise_permission(services.can_manage)
def report_action(exercise, action_id: int | None = None):
    action = _action(exercise, action_id) if action_id is not None else None
    form = _action_form(exercise, action)
    if form.validate_on_submit():
        try:
            report.save_action(exercise, action, report.ActionInput(
                action=form.action.data, responsible=form.responsible.data,
                due_on=form.due_on.data, objective_id=form.objective_id.data),
                actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Improvement plan saved."), "success")
            return redirect(_url("exercises.report_page", exercise) + "#plan")
    return render_template("exercises/report_action_form.html", exercise=exercise,
                           course=exercise.course, form=form, action=action), \
        400 if form.errors else 200


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/report/actions/"
          "<int:action_id>/delete", methods=["POST"])
@exercise_permission(services.can_manage)
def report_action_delete(exercise, action_id: int):
    report.delete_action(exercise, _action(exercise, action_id), actor=current_user)
    flash(_("Action removed from the improvement plan."), "success")
    return redirect(_url("exercises.report_page", exercise) + "#plan")
