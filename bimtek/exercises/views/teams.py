"""Teams: proposing balanced teams, confirming them, and moving members and roles."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.exercises import access, bp
from bimtek.exercises import teams as exercise_teams
from bimtek.exercises.forms import (
    ConfirmTeamsForm,
    MemberRoleForm,
    MoveMemberForm,
    ProposeTeamsForm,
)
from bimtek.exercises.models import TeamRole
from bimtek.exercises.views.common import back, exercise_permission, flash_outcome
from bimtek.unit_of_work import refusal_shown


def _plan(groups) -> str:
    return ";".join(",".join(str(r.id) for r in group) for group in groups)


def _parse_plan(text: str) -> list[list[int]]:
    try:
        return [[int(i) for i in team.split(",") if i.strip()] for team in text.split(";")]
    except ValueError:
        abort(400)


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/teams")
@exercise_permission(access.can_view)
def teams(exercise):
    propose = ProposeTeamsForm(formdata=request.args)
    proposal, confirm = None, None
    if "count" in request.args and propose.validate():
        with refusal_shown(propose) as outcome:
            proposal = exercise_teams.propose_teams(exercise, propose.count.data)
        if outcome.ok:
            confirm = ConfirmTeamsForm(plan=_plan(proposal))
    return render_template("exercises/teams.html", exercise=exercise, course=exercise.course,
                           members=exercise_teams.team_members(exercise),
                           unplaced=exercise_teams.unplaced(exercise), propose=propose,
                           proposal=proposal, confirm=confirm, team_roles=list(TeamRole))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/teams/confirm",
          methods=["POST"])
@exercise_permission(access.can_manage)
def confirm_teams(exercise):
    form = ConfirmTeamsForm()
    if not form.validate_on_submit():
        abort(400)
    groups = _parse_plan(form.plan.data)
    flash_outcome(lambda: exercise_teams.confirm_teams(exercise, groups, actor=current_user),
                  _("%(count)d teams confirmed.", count=len(groups)))
    return back(exercise, "exercises.teams")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/teams/move", methods=["POST"])
@exercise_permission(access.can_manage)
def move_member(exercise):
    form = MoveMemberForm()
    if not form.validate_on_submit():
        abort(400)
    flash_outcome(lambda: exercise_teams.move_member(exercise, form.registration_id.data,
                                                     form.team_id.data, actor=current_user),
                  _("Member moved."))
    return back(exercise, "exercises.teams")


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/teams/role", methods=["POST"])
@exercise_permission(access.can_manage)
def member_role(exercise):
    form = MemberRoleForm()
    if not form.validate_on_submit():
        abort(400)
    flash_outcome(lambda: exercise_teams.set_member_role(exercise, form.registration_id.data,
                                                         form.role.data, actor=current_user),
                  _("Team role saved."))
    return back(exercise, "exercises.teams")
