"""Running the exercise: status, the pausable clock, releasing injects by hand and on time,
and an ended exercise that nothing changes."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bimtek.audit import AuditEvent
from bimtek.errors import ValidationError
from bimtek.exercises import access, evaluation, msel, running, setup, teams
from bimtek.exercises.models import ExerciseStatus, TeamRole
from bimtek.extensions import db

T0 = datetime(2024, 10, 31, 1, 0)  # 09.00 WITA on the simulation day


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def released(setting) -> list[int]:
    db.session.expire_all()
    return [i.number for i in setting.exercise.injects if i.released_at is not None]


def test_start_pause_resume_end_and_the_clock_stands_still_while_paused(setting):
    exercise = setting.exercise
    running.start(exercise, now=T0)
    assert (exercise.status, exercise.started_at) == (ExerciseStatus.RUNNING, T0)
    assert running.clock_seconds(exercise, minutes(5)) == 300
    running.pause(exercise, now=minutes(5))
    assert running.clock_seconds(exercise, minutes(50)) == 300
    running.resume(exercise, now=minutes(50))
    assert running.clock_seconds(exercise, minutes(52)) == 420
    running.end(exercise, now=minutes(60))
    assert (exercise.status, exercise.ended_at) == (ExerciseStatus.ENDED, minutes(60))
    assert running.clock_seconds(exercise, minutes(500)) == 15 * 60
    statuses = [f"exercise.{status.value}" for status in ExerciseStatus]
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.in_(statuses)).order_by(AuditEvent.id)).all() == \
        ["exercise.running", "exercise.paused", "exercise.running", "exercise.ended"]


@pytest.mark.parametrize("change", [running.pause, running.resume, running.end])
def test_a_draft_can_only_be_started(setting, change):
    with pytest.raises(ValidationError, match="cannot be done while the exercise is draft"):
        change(setting.exercise)
    assert setting.exercise.status == ExerciseStatus.DRAFT


def test_an_exercise_without_teams_does_not_start(setting):
    exercise = setup.create_exercise(setting.course, title="Tanpa tim")
    with pytest.raises(ValidationError, match="Confirm the teams"):
        running.start(exercise)


def test_injects_are_released_when_the_clock_reaches_their_offset(setting):
    exercise = setting.exercise
    running.start(exercise, now=T0)
    assert [i.number for i in running.release_due(exercise, T0)] == [1]
    assert running.release_due(exercise, minutes(9.9)) == []
    assert [i.number for i in running.release_due(exercise, minutes(20))] == [2, 3]
    assert released(setting) == [1, 2, 3]
    assert setting.injects[1].released_at == minutes(20)
    assert setting.injects[1].released_by_id is None


def test_nothing_is_released_while_paused_and_the_pause_does_not_count(setting):
    exercise = setting.exercise
    running.start(exercise, now=T0)
    running.release_due(exercise, T0)
    running.pause(exercise, now=minutes(5))
    assert running.release_due(exercise, minutes(60)) == []
    running.resume(exercise, now=minutes(60))
    assert running.release_due(exercise, minutes(64)) == []
    assert [i.number for i in running.release_due(exercise, minutes(65))] == [2]


def test_a_draft_releases_nothing(setting):
    assert running.release_due(setting.exercise, minutes(500)) == []
    assert released(setting) == []


def test_the_facilitator_releases_an_inject_early_once(setting):
    exercise = setting.exercise
    running.start(exercise, now=T0)
    inject = running.release(setting.injects[3], actor=setting.facilitator, now=minutes(1))
    assert (inject.released_at, inject.released_by_id) == (minutes(1), setting.facilitator.id)
    with pytest.raises(ValidationError, match="already been released"):
        running.release(setting.injects[3], now=minutes(2))
    # Due on the clock later, it is not released again.
    running.release_due(exercise, minutes(40))
    assert setting.injects[3].released_at == minutes(1)


def test_injects_are_released_only_while_running(setting):
    with pytest.raises(ValidationError, match="Start or resume"):
        running.release(setting.injects[0])
    running.start(setting.exercise)
    running.pause(setting.exercise)
    with pytest.raises(ValidationError, match="Start or resume"):
        running.release(setting.injects[0])
    assert released(setting) == []


def msel_rows(setting) -> list[tuple]:
    return [(e.inject.number, e.inject.message, e.inject.released_at,
             [t.id for t in e.teams]) for e in msel.msel(setting.exercise)]


def ended(setting):
    running.start(setting.exercise, now=T0)
    running.release_due(setting.exercise, T0)
    running.end(setting.exercise, now=minutes(45))
    return setting


def mutations(s):
    """Every change an exercise can undergo, as (name, call)."""
    exercise, first = s.exercise, s.injects[0]
    member = running.membership(exercise, s.account(s.member(1)))
    groups = [[r.id for r in group] for group in teams.propose_teams(exercise, 3)]
    return [
        ("update", lambda: setup.update_exercise(exercise, title="Baru", scenario="",
                                                 session_id=None)),
        ("delete", lambda: setup.delete_exercise(exercise)),
        ("staff", lambda: setup.update_exercise(
            exercise, title=exercise.title, scenario="", session_id=None, facilitator_ids=[],
            evaluator_ids=[])),
        ("set staff", lambda: access.set_staff(exercise, facilitator_ids=[],
                                               evaluator_ids=[])),
        ("add objective", lambda: setup.add_objective(
            exercise, setup.ObjectiveInput(title="Baru"))),
        ("update objective", lambda: setup.update_objective(
            s.objectives[0], setup.ObjectiveInput(title="Baru"))),
        ("remove objective", lambda: setup.remove_objective(s.objectives[0])),
        ("confirm teams", lambda: teams.confirm_teams(exercise, groups)),
        ("move member", lambda: teams.move_member(exercise, s.member(1).id,
                                                  s.teams[1].id)),
        ("member role", lambda: teams.set_member_role(exercise, s.member(1, 3).id,
                                                      TeamRole.KETUA)),
        ("add inject", lambda: msel.add_inject(
            exercise, msel.InjectInput(number=9, message="Baru"))),
        ("update inject", lambda: msel.update_inject(
            s.injects[3], msel.InjectInput(number=4, message="Baru"))),
        ("delete inject", lambda: msel.delete_inject(s.injects[3])),
        ("replace msel", lambda: msel.replace_msel(exercise, [])),
        ("start", lambda: running.start(exercise)),
        ("pause", lambda: running.pause(exercise)),
        ("resume", lambda: running.resume(exercise)),
        ("end", lambda: running.end(exercise)),
        ("release", lambda: running.release(s.injects[3])),
        ("respond", lambda: running.submit_response(first, member, "Terlambat sekali")),
        ("rate", lambda: evaluation.save_ratings(exercise, s.evaluator, [evaluation.RatingInput(
            s.objectives[0].id, s.teams[0].id, "P")])),
    ]


def test_an_ended_exercise_refuses_every_change(setting):
    ended(setting)
    db.session.commit()
    snapshot = msel_rows(setting)
    for name, change in mutations(setting):
        with pytest.raises(ValidationError, match="has ended") as refused:
            change()
        assert refused.value.message, name
        db.session.rollback()
    db.session.expire_all()
    assert setting.exercise.status == ExerciseStatus.ENDED
    assert setting.exercise.title != "Baru"
    assert len(setting.exercise.objectives) == 3
    assert msel_rows(setting) == snapshot
    assert running.release_due(setting.exercise, minutes(500)) == []
