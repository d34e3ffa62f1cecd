"""Evaluation: each evaluator's P/S/M/U rating of every team on every objective, and the
table that sets them side by side."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bimtek import audit
from bimtek.auth.models import User
from bimtek.concurrency import flush_or_refuse
from bimtek.errors import ValidationError
from bimtek.exercises.access import can_rate, check_writable, staff_of
from bimtek.exercises.models import Evaluation, Exercise, Objective, Rating, StaffRole, Team
from bimtek.extensions import db

# Worst first: a tie between ratings is summarised by the worse one.
RATINGS_WORST_FIRST = (Rating.U, Rating.M, Rating.S, Rating.P)


@dataclass
class RatingInput:
    objective_id: int
    team_id: int
    rating: str  # P, S, M or U; empty for no rating
    notes: str = ""


def ratings_by(exercise: Exercise, evaluator: User) -> dict[tuple[int, int], Evaluation]:
    """One evaluator's ratings by (objective id, team id)."""
    return {(e.objective_id, e.team_id): e for e in db.session.scalars(
        select(Evaluation).where(Evaluation.exercise_id == exercise.id,
                                 Evaluation.evaluator_id == evaluator.id))}


def save_ratings(exercise: Exercise, evaluator: User, entries: Iterable[RatingInput]
                 ) -> None:
    """Store one evaluator's grid, every cell or none; an empty rating clears its cell."""
    check_writable(exercise)
    if not can_rate(evaluator, exercise):
        raise ValidationError(_("Only the exercise's evaluators rate its teams."))
    objectives = {o.id: o for o in exercise.objectives}
    teams = {t.id: t for t in exercise.teams}
    checked = {}
    for entry in entries:
        objective, team = objectives.get(entry.objective_id), teams.get(entry.team_id)
        if objective is None or team is None:
            raise ValidationError(_("The ratings name an objective or a team that is not in "
                                    "this exercise."))
        where = _("Objective %(number)d, %(team)s", number=exercise.objectives.index(objective)
                  + 1, team=team.name)
        rating, notes = entry.rating.strip().upper(), entry.notes.strip()
        if rating and rating not in Rating.__members__:
            raise ValidationError(_("%(where)s: '%(rating)s' is not a rating; use P, S, M or U.",
                                    where=where, rating=entry.rating.strip()), field="ratings")
        if notes and not rating:
            raise ValidationError(_("%(where)s: choose a rating for these notes.", where=where),
                                  field="ratings")
        limit = Evaluation.notes.type.length
        if len(notes) > limit:
            raise ValidationError(_("%(where)s: the notes may be at most %(limit)d characters.",
                                    where=where, limit=limit), field="ratings")
        checked[(objective.id, team.id)] = (Rating(rating) if rating else None, notes)
    existing = ratings_by(exercise, evaluator)
    for key, (rating, notes) in checked.items():
        evaluation = existing.get(key)
        if rating is None:
            if evaluation is not None:
                db.session.delete(evaluation)
        elif evaluation is None:
            db.session.add(Evaluation(exercise_id=exercise.id, objective_id=key[0],
                                      team_id=key[1], evaluator_id=evaluator.id,
                                      rating=rating, notes=notes))
        else:
            evaluation.rating, evaluation.notes = rating, notes
    audit.record("exercise.rated", exercise, actor=evaluator, cells=len(checked))
    # The same evaluator may save the grid in another tab at the same moment.
    flush_or_refuse(_("These ratings were saved elsewhere at the same moment. Nothing was "
                       "saved; please try again."))


def summarise(ratings: Iterable[Rating]) -> Rating | None:
    """The most common rating; a tie goes to the worse one."""
    counts = Counter(ratings)
    if not counts:
        return None
    return max(RATINGS_WORST_FIRST, key=lambda r: (counts[r], -RATINGS_WORST_FIRST.index(r)))


@dataclass
class RatingCell:
    by_evaluator: dict[int, Evaluation] = field(default_factory=dict)  # by user id

    @property
    def counts(self) -> dict[Rating, int]:
        counts = Counter(e.rating for e in self.by_evaluator.values())
        return {rating: counts[rating] for rating in Rating}

    @property
    def summary(self) -> Rating | None:
        return summarise(e.rating for e in self.by_evaluator.values())


@dataclass
class RatingTable:
    objectives: list[Objective]
    teams: list[Team]
    evaluators: list[User]  # the exercise's evaluators and anyone else who rated
    cells: dict[tuple[int, int], RatingCell]

    def cell(self, objective: Objective, team: Team) -> RatingCell:
        return self.cells.get((objective.id, team.id), RatingCell())


def rating_table(exercise: Exercise) -> RatingTable:
    """Objective × team: every evaluator's rating and notes side by side, with the counts
    and the summary of each cell."""
    cells: dict[tuple[int, int], RatingCell] = {}
    evaluators = {user.id: user for user in staff_of(exercise, StaffRole.EVALUATOR)}
    for evaluation in db.session.scalars(
            select(Evaluation).where(Evaluation.exercise_id == exercise.id)
            .options(selectinload(Evaluation.evaluator))):
        cells.setdefault((evaluation.objective_id, evaluation.team_id), RatingCell()) \
            .by_evaluator[evaluation.evaluator_id] = evaluation
        evaluators.setdefault(evaluation.evaluator_id, evaluation.evaluator)
    return RatingTable(objectives=list(exercise.objectives), teams=list(exercise.teams),
                       evaluators=sorted(evaluators.values(),
                                         key=lambda user: (user.name.lower(), user.id)),
                       cells=cells)
