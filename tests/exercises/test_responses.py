"""The team's side: a feed of only its released injects, one response per inject, late
when the next inject had already arrived."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bimtek.errors import ValidationError
from bimtek.exercises.models import Response
from bimtek.exercises.running import (
    membership,
    memberships_of,
    release,
    release_due,
    start,
    submit_response,
    team_feed,
    team_inject,
)
from bimtek.extensions import db

T0 = datetime(2024, 10, 31, 1, 0)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def running(setting):
    start(setting.exercise, now=T0)
    return setting


def member_of(setting, team_number: int, index: int = 0):
    return membership(setting.exercise, setting.account(setting.member(team_number,
                                                                        index)))


def feed_numbers(setting, team_number: int) -> list[int]:
    return [item.inject.number for item in team_feed(setting.teams[team_number - 1])]


def test_a_team_sees_only_the_released_injects_addressed_to_it_newest_first(running):
    s = running
    assert feed_numbers(s, 1) == []
    release_due(s.exercise, at(0))
    assert feed_numbers(s, 1) == feed_numbers(s, 2) == feed_numbers(s, 3) == [1]
    release(s.injects[1], now=at(3))  # to team 1 only
    assert feed_numbers(s, 1) == [2, 1]
    assert feed_numbers(s, 2) == feed_numbers(s, 3) == [1]
    release_due(s.exercise, at(20))  # inject 3, to team 2
    assert (feed_numbers(s, 1), feed_numbers(s, 2), feed_numbers(s, 3)) == \
        ([2, 1], [3, 1], [1])


def test_an_inject_not_released_to_the_team_cannot_be_found_or_answered(running):
    s = running
    release_due(s.exercise, at(0))
    release(s.injects[1], now=at(1))
    team2 = member_of(s, 2)
    assert team_inject(s.teams[1], s.injects[1].id) is None  # another team's
    assert team_inject(s.teams[1], s.injects[3].id) is None  # not released
    assert team_inject(s.teams[1], s.injects[0].id) == s.injects[0]
    for inject in (s.injects[1], s.injects[3]):
        with pytest.raises(ValidationError, match="not been released to your team"):
            submit_response(inject, team2, "Kami tangani")
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_one_response_per_team_and_a_teammate_is_told_it_exists(running):
    s = running
    release_due(s.exercise, at(0))
    first = submit_response(s.injects[0], member_of(s, 1), "  Koordinasi dengan "
                            "Polres.\nJadwal dipisah.  ", now=at(2))
    assert (first.text, first.late, first.submitted_by_id, first.submitted_at) == \
        ("Koordinasi dengan Polres.\nJadwal dipisah.", False, s.member(1).id, at(2))
    with pytest.raises(ValidationError, match="already answered inject 1"):
        submit_response(s.injects[0], member_of(s, 1, 1), "Jawaban kedua")
    assert [item.response.text for item in team_feed(s.teams[0])] == \
        ["Koordinasi dengan Polres.\nJadwal dipisah."]
    # Another team answers the same inject on its own.
    submit_response(s.injects[0], member_of(s, 2), "Tim 2 menjawab")
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_response_is_refused(running, text):
    release_due(running.exercise, at(0))
    with pytest.raises(ValidationError, match="Write your team's response") as refused:
        submit_response(running.injects[0], member_of(running, 1), text)
    assert refused.value.field == "text"
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_response_is_late_once_the_teams_next_inject_has_arrived(running):
    s = running
    release_due(s.exercise, at(0))  # inject 1 to everyone
    release_due(s.exercise, at(10))  # inject 2 to team 1 only
    late = submit_response(s.injects[0], member_of(s, 1), "Terlambat", now=at(11))
    # Inject 2 was not for team 2: its answer to inject 1 is still on time.
    on_time = submit_response(s.injects[0], member_of(s, 2), "Tepat", now=at(11))
    assert (late.late, on_time.late) == (True, False)
    release_due(s.exercise, at(20))  # inject 3 to team 2
    assert submit_response(s.injects[0], member_of(s, 3), "Tim 3", now=at(21)).late \
        is False
    assert submit_response(s.injects[1], member_of(s, 1), "Tim 1", now=at(21)).late \
        is False


def test_injects_released_together_do_not_make_each_other_late(running):
    s = running
    release_due(s.exercise, at(10))  # injects 1 and 2 at the same moment
    response = submit_response(s.injects[0], member_of(s, 1), "Keduanya", now=at(11))
    assert response.late is False


def test_a_participant_belongs_to_one_team_of_the_exercise(running):
    s = running
    assert member_of(s, 2).team_id == s.teams[1].id
    assert membership(s.exercise, s.account(s.absent)) is None
    assert membership(s.exercise, s.facilitator) is None
    playing = memberships_of(s.account(s.member(3)))
    assert [(m.exercise_id, m.team.name) for m in playing] == [(s.exercise.id, "Tim 3")]
