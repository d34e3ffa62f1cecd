"""Evaluation: an evaluator's grid of ratings, and everyone's ratings side by side."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.exercises import access, bp
from bimtek.exercises import evaluation as exercise_evaluation
from bimtek.exercises.models import Exercise, Rating
from bimtek.exercises.views.common import back, exercise_permission
from bimtek.unit_of_work import refusal_shown


def _ratings_posted(exercise: Exercise) -> list[exercise_evaluation.RatingInput]:
    return [exercise_evaluation.RatingInput(
        objective_id=objective.id, team_id=team.id,
        rating=request.form.get(f"rating-{objective.id}-{team.id}", ""),
        notes=request.form.get(f"notes-{objective.id}-{team.id}", ""))
        for objective in exercise.objectives for team in exercise.teams]


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/evaluation",
          methods=["GET", "POST"])
@exercise_permission(access.can_rate)
def evaluation(exercise):
    """The current evaluator's grid: every team on every objective."""
    posted, error = None, None
    if request.method == "POST":
        posted = _ratings_posted(exercise)
        with refusal_shown(category=None) as outcome:
            exercise_evaluation.save_ratings(exercise, current_user, posted)
        error = outcome.refusal and outcome.refusal.message
        if outcome.ok:
            flash(_("Your ratings are saved."), "success")
            return back(exercise, "exercises.ratings")
    saved = exercise_evaluation.ratings_by(exercise, current_user)
    grid = {(e.objective_id, e.team_id): (e.rating.value, e.notes) for e in saved.values()}
    if posted is not None:
        grid = {(r.objective_id, r.team_id): (r.rating, r.notes) for r in posted}
    return render_template("exercises/evaluation.html", exercise=exercise,
                           course=exercise.course, grid=grid, error=error,
                           ratings=list(Rating)), 400 if error else 200


@bp.route("/courses/<course_code>/exercises/<int:exercise_id>/ratings")
@exercise_permission(access.can_view)
def ratings(exercise):
    return render_template("exercises/ratings.html", exercise=exercise,
                           course=exercise.course, table=exercise_evaluation.rating_table(exercise))
