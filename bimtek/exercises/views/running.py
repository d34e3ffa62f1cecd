"""Running an exercise: its status, the facilitator's console and the release of injects,
and the team's side: their feed and their responses."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.exercises import access, bp, msel, running, teams
from bimtek.exercises.forms import ResponseForm
from bimtek.exercises.models import Exercise
from bimtek.exercises.views.common import (
    back,
    exercise_permission,
    flash_outcome,
    inject_or_404,
    team_member_required,
)
from bimtek.unit_of_work import refusal_shown


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/status/"
          "<any(start, pause, resume, end):action>", methods=["POST"])
@exercise_permission(access.can_manage)
def change_status(exercise, action: str):
    change = {"start": running.start, "pause": running.pause,
              "resume": running.resume, "end": running.end}[action]
    with refusal_shown() as outcome:
        change(exercise, actor=current_user)
    if outcome.ok:
        flash(_("The exercise is now %(status)s.", status=exercise.status.label), "success")
    return back(exercise, "exercises.console")


def _console_context(exercise: Exercise) -> dict:
    running.release_due(exercise)
    return {"exercise": exercise, "course": exercise.course,
            "entries": msel.msel(exercise),
            "clock_minutes": running.clock_seconds(exercise) // 60}


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/console")
@exercise_permission(access.can_view)
def console(exercise):
    return render_template("exercises/console.html", **_console_context(exercise))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/console/live")
@exercise_permission(access.can_view)
def console_live(exercise):
    return render_template("exercises/_console_live.html", **_console_context(exercise))


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/injects/<int:inject_id>/release",
          methods=["POST"])
@exercise_permission(access.can_manage)
def release(exercise, inject_id: int):
    inject = inject_or_404(exercise, inject_id)
    flash_outcome(lambda: running.release(inject, actor=current_user),
                  _("Inject %(number)d released.", number=inject.number))
    return back(exercise, "exercises.console")


# --- the team's side -------------------------------------------------------------------

def _feed_context(member) -> dict:
    team = member.team
    running.release_due(team.exercise)
    return {"member": member, "team": team, "exercise": team.exercise,
            "course": team.exercise.course, "feed": running.team_feed(team)}


@bp.route("/exercises/<int:exercise_id>/team")
@team_member_required
def team_page(member):
    return render_template("exercises/team.html", **_feed_context(member),
                           members=teams.team_members(member.team.exercise)[member.team_id])


@bp.route("/exercises/<int:exercise_id>/team/feed")
@team_member_required
def team_feed(member):
    return render_template("exercises/_team_feed.html", **_feed_context(member))


@bp.route("/exercises/<int:exercise_id>/team/injects/<int:inject_id>/response",
          methods=["POST"])
@team_member_required
def respond(member, inject_id: int):
    inject = running.team_inject(member.team, inject_id)
    if inject is None:
        abort(404)
    form = ResponseForm()
    if not form.validate_on_submit():
        flash(" ".join(form.text.errors), "danger")
    else:
        flash_outcome(lambda: running.submit_response(inject, member, form.text.data),
                      _("Your team's response to inject %(number)d was sent.",
                        number=inject.number))
    return redirect(url_for("exercises.team_page", exercise_id=member.exercise_id))
