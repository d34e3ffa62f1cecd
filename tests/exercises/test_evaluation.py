"""Evaluators' P/S/M/U ratings, side by side and summarised, and the timeline the report
reads."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bimtek.errors import ValidationError
from bimtek.exercises import evaluation, msel, running, setup
from bimtek.exercises.models import Evaluation, Rating
from bimtek.extensions import db

P, S, M, U = Rating.P, Rating.S, Rating.M, Rating.U
T0 = datetime(2024, 10, 31, 1, 0)


def grid(setting, cells) -> list[evaluation.RatingInput]:
    """`cells` maps (objective number, team number) to a rating, or (rating, notes)."""
    return [evaluation.RatingInput(setting.objectives[o - 1].id, setting.teams[t - 1].id,
                                   *(value if isinstance(value, tuple) else (value,)))
            for (o, t), value in cells.items()]


def ratings(setting, evaluator) -> dict:
    return {(e.objective_id, e.team_id): (e.rating, e.notes)
            for e in evaluation.ratings_by(setting.exercise, evaluator).values()}


@pytest.mark.parametrize("given, summary", [
    ([], None),
    ([S], S),
    ([P, P, S], P),
    ([P, S], S),  # a tie goes to the worse rating
    ([P, P, U, U, S], U),
    ([M, S, S, M], M),
])
def test_the_summary_is_the_most_common_rating_ties_to_the_worse(given, summary):
    assert evaluation.summarise(given) == summary


def test_an_evaluator_rates_changes_and_clears_cells(setting):
    evaluation.save_ratings(setting.exercise, setting.evaluator, grid(setting, {
        (1, 1): ("s", "Koordinasi lambat"), (1, 2): "P", (2, 1): "",
    }))
    first, second = setting.objectives[0].id, setting.objectives[1].id
    team1, team2 = setting.teams[0].id, setting.teams[1].id
    assert ratings(setting, setting.evaluator) == {
        (first, team1): (S, "Koordinasi lambat"), (first, team2): (P, "")}
    evaluation.save_ratings(setting.exercise, setting.evaluator, grid(setting, {
        (1, 1): "M", (1, 2): "", (2, 1): "U"}))
    assert ratings(setting, setting.evaluator) == {
        (first, team1): (M, ""), (second, team1): (U, "")}


@pytest.mark.parametrize("cell, message", [
    ("X", "Objective 1, Tim 2: 'X' is not a rating; use P, S, M or U."),
    ("PS", "Objective 1, Tim 2: 'PS' is not a rating; use P, S, M or U."),
    (("", "Catatan tanpa nilai"), "Objective 1, Tim 2: choose a rating for these notes."),
])
def test_a_bad_cell_refuses_the_whole_grid(setting, cell, message):
    evaluation.save_ratings(setting.exercise, setting.evaluator, grid(setting, {(1, 1): "P"}))
    db.session.commit()  # one page's save; the next one is refused
    with pytest.raises(ValidationError) as refused:
        evaluation.save_ratings(setting.exercise, setting.evaluator,
                                grid(setting, {(1, 1): "U", (1, 2): cell}))
    assert refused.value.message == message
    db.session.rollback()
    assert list(ratings(setting, setting.evaluator).values()) == [(P, "")]


def test_only_the_exercises_evaluators_rate_its_own_objectives_and_teams(setting):
    with pytest.raises(ValidationError, match="Only the exercise's evaluators"):
        evaluation.save_ratings(setting.exercise, setting.organiser, grid(setting, {(1, 1): "P"}))
    other = setup.create_exercise(setting.course, title="Latihan lain")
    foreign = setup.add_objective(other, setup.ObjectiveInput(title="Lain"))
    with pytest.raises(ValidationError, match="not in this exercise"):
        evaluation.save_ratings(setting.exercise, setting.evaluator, [
            evaluation.RatingInput(foreign.id, setting.teams[0].id, "P")])
    assert db.session.scalar(select(func.count()).select_from(Evaluation)) == 0


def test_the_rating_table_sets_evaluators_side_by_side(setting):
    evaluation.save_ratings(setting.exercise, setting.facilitator, grid(setting, {
        (1, 1): ("P", "Cepat"), (1, 2): "S"}))
    evaluation.save_ratings(setting.exercise, setting.evaluator, grid(setting, {
        (1, 1): "S", (1, 2): "S", (3, 3): "U"}))
    table = evaluation.rating_table(setting.exercise)
    assert [o.id for o in table.objectives] == [o.id for o in setting.objectives]
    assert [t.number for t in table.teams] == [1, 2, 3]
    # By name: "Evaluator" before "Fasilitator".
    assert [u.id for u in table.evaluators] == [setting.evaluator.id, setting.facilitator.id]
    cell = table.cell(setting.objectives[0], setting.teams[0])
    assert {user: (e.rating, e.notes) for user, e in cell.by_evaluator.items()} == {
        setting.facilitator.id: (P, "Cepat"), setting.evaluator.id: (S, "")}
    assert (cell.summary, cell.counts) == (S, {P: 1, S: 1, M: 0, U: 0})
    assert table.cell(setting.objectives[0], setting.teams[1]).summary == S
    assert table.cell(setting.objectives[2], setting.teams[2]).counts[U] == 1
    empty = table.cell(setting.objectives[1], setting.teams[0])
    assert (empty.summary, empty.by_evaluator) == (None, {})


def test_the_timeline_lists_released_injects_in_release_order_with_responses(setting):
    running.start(setting.exercise, now=T0)
    running.release(setting.injects[2], now=T0 + timedelta(minutes=1))  # 3 before 1
    running.release_due(setting.exercise, T0 + timedelta(minutes=2))  # 1
    team2 = running.membership(setting.exercise, setting.account(setting.member(2)))
    running.submit_response(setting.injects[2], team2, "Tim 2 ke lokasi",
                            now=T0 + timedelta(minutes=3))
    entries = msel.timeline(setting.exercise)
    assert [entry.inject.number for entry in entries] == [3, 1]
    third, first = entries
    assert [t.number for t in third.teams] == [2]
    assert [t.number for t in first.teams] == [1, 2, 3]
    response = third.responses[setting.teams[1].id]
    # Inject 1 reached team 2 after inject 3, before the response: late.
    assert (response.text, response.late) == ("Tim 2 ke lokasi", True)
    assert first.responses == {}


def test_removing_an_objective_takes_its_ratings_and_frees_its_injects(setting):
    evaluation.save_ratings(setting.exercise, setting.evaluator, grid(setting, {
        (1, 1): "P", (2, 1): "S"}))
    setup.remove_objective(setting.objectives[0])
    db.session.expire_all()
    assert [e.objective_id for e in db.session.scalars(select(Evaluation))] == \
        [setting.objectives[1].id]
    # Injects 1 and 4 tested it: they stay in the MSEL without an objective.
    assert [(i.number, i.objective_id) for i in setting.exercise.injects] == [
        (1, None), (2, setting.objectives[1].id), (3, setting.objectives[2].id), (4, None)]
