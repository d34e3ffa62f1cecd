"""Balanced teams: proposed from who is checked in, deterministic, mixed, then confirmed."""
import random
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from bimtek.attendance.marking import mark
from bimtek.attendance.models import AttendanceStatus
from bimtek.errors import ValidationError
from bimtek.exercises import running, setup
from bimtek.exercises.models import ExerciseStatus, Team, TeamMember, TeamRole
from bimtek.exercises.teams import (
    MAX_TEAMS,
    balance,
    checked_in,
    confirm_teams,
    move_member,
    propose_teams,
    set_member_role,
    team_members,
    unplaced,
)
from bimtek.extensions import db


def spread(teams, key) -> int:
    """The largest difference between two teams' counts of any one value of `key`."""
    values = {key(person) for team in teams for person in team}
    return max(max(counts) - min(counts) for counts in (
        [sum(key(person) == value for person in team) for team in teams]
        for value in values))


def kecamatan_of(person):
    return person.kecamatan.code if person.kecamatan else ""


def assert_balanced(teams, *, kecamatan_spread=1):
    sizes = [len(team) for team in teams]
    assert max(sizes) - min(sizes) <= 1
    assert spread(teams, lambda p: p.unit) <= 1
    assert spread(teams, kecamatan_of) <= kecamatan_spread


@dataclass
class Person:
    """What balancing reads of a registration."""
    number: int
    unit: str
    kecamatan: object


@dataclass
class Place:
    code: str


def reference_participants() -> list[Person]:
    """400 people shaped like the reference course: PPK 5 and Panwaslu 3 per kecamatan of
    the 18, Kesbangpol and Satpol PP from scattered kecamatan, others from none."""
    chance = random.Random(2024)
    places = [Place(f"64.08.{n:02d}") for n in range(1, 19)]
    people = [("PPK", place) for place in places for _ in range(5)] + \
        [("Panwaslu", place) for place in places for _ in range(3)] + \
        [("Kesbangpol", chance.choice(places)) for _ in range(60)] + \
        [("Satpol PP", chance.choice(places)) for _ in range(80)] + \
        [("Dinas Kominfo", None) for _ in range(116)]
    return [Person(number, unit, place) for number, (unit, place) in enumerate(people, 1)]


def test_the_proposal_mixes_units_and_kecamatan_of_the_checked_in(setting):
    proposal = propose_teams(setting.exercise, 3)
    assert sorted(r.id for team in proposal for r in team) == \
        sorted(r.id for r in setting.participants)
    assert setting.absent.id not in {r.id for team in proposal for r in team}
    assert_balanced(proposal)
    # Every team has one of each of the four units.
    assert all(sorted(r.unit for r in team) == ["Kesbangpol", "PPK", "Panwaslu", "Satpol PP"]
               for team in proposal)


@pytest.mark.parametrize("count", [3, 7, 10, 20])
def test_reference_sized_course_is_balanced(count):
    teams = balance(reference_participants(), count)
    assert sum(len(team) for team in teams) == 400
    assert_balanced(teams)


def test_balance_is_deterministic_whatever_the_order_it_is_given():
    people = reference_participants()
    first = balance(people, 7)
    shuffled = people[:]
    random.Random(1).shuffle(shuffled)
    again = balance(shuffled, 7)
    assert [[p.number for p in team] for team in first] == \
        [[p.number for p in team] for team in again]


def test_balance_mixes_a_kecamatan_the_units_alone_would_stack():
    # Dealing unit by unit puts kecamatan A first in each unit: without looking across
    # units every A would land in team 1.
    people = [Person(n, unit, Place(place)) for n, (unit, place) in enumerate(
        [(u, p) for u in ("Kesbangpol", "PPK", "Satpol PP") for p in ("A", "B", "C")], 1)]
    teams = balance(people, 3)
    assert [sorted(p.kecamatan.code for p in team) for team in teams] == [["A", "B", "C"]] * 3


@pytest.mark.parametrize("count", [0, 13, MAX_TEAMS + 1])
def test_impossible_team_counts_are_refused(setting, count):
    with pytest.raises(ValidationError) as refused:
        propose_teams(setting.exercise, count)
    assert refused.value.field == "count"


def test_late_participants_count_and_absent_or_excused_ones_do_not(setting):
    mark(setting.absent, setting.session, AttendanceStatus.IZIN, reason="Tugas kantor")
    people = checked_in(setting.exercise)
    assert [r.id for r in people] == [r.id for r in setting.participants]
    mark(setting.absent, setting.session, AttendanceStatus.TERLAMBAT)
    assert setting.absent.id in {r.id for r in checked_in(setting.exercise)}


def test_proposing_writes_nothing(setting):
    teams_before = db.session.scalar(select(func.count()).select_from(TeamMember))
    propose_teams(setting.exercise, 4)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == teams_before
    assert len(setting.exercise.teams) == 3


def test_confirming_keeps_team_numbers_and_gives_default_roles(setting):
    exercise = setting.exercise
    team_ids = [team.id for team in exercise.teams]
    groups = [[r.id for r in group] for group in propose_teams(exercise, 2)]
    # Team 3 is the target of no inject, so it may go.
    setting.injects[2].to_all_teams = True
    setting.injects[2].targets = []
    db.session.commit()
    teams = confirm_teams(exercise, groups)
    assert [team.id for team in teams] == team_ids[:2]
    assert db.session.scalar(select(func.count()).select_from(Team)) == 2
    members = team_members(exercise)
    for team in teams:
        roles = [m.role for m in members[team.id]]
        assert roles[:3] == [TeamRole.KETUA, TeamRole.JURU_BICARA, TeamRole.NOTULIS]
        assert set(roles[3:]) == {TeamRole.ANGGOTA}


def test_confirming_refuses_to_drop_a_team_an_inject_is_addressed_to(setting):
    groups = [[r.id for r in group] for group in propose_teams(setting.exercise, 1)]
    with pytest.raises(ValidationError, match="Inject 3"):
        confirm_teams(setting.exercise, groups)
    assert len(setting.exercise.teams) == 3


def test_confirming_refuses_someone_not_checked_in_or_twice(setting):
    groups = [[r.id for r in group] for group in propose_teams(setting.exercise, 3)]
    with pytest.raises(ValidationError):
        confirm_teams(setting.exercise, [*groups[:2], [*groups[2], setting.absent.id]])
    with pytest.raises(ValidationError):
        confirm_teams(setting.exercise, [*groups[:2], [*groups[2], groups[0][0]]])
    with pytest.raises(ValidationError):
        confirm_teams(setting.exercise, [*groups, []])


def test_teams_are_replaced_only_in_draft(setting):
    groups = [[r.id for r in group] for group in propose_teams(setting.exercise, 3)]
    running.start(setting.exercise)
    with pytest.raises(ValidationError, match="only before the exercise starts"):
        confirm_teams(setting.exercise, groups)


def test_a_member_moves_to_another_team_leaving_their_role_behind(setting):
    leader = setting.member(1)
    member = move_member(setting.exercise, leader.id, setting.teams[1].id)
    assert member.team_id == setting.teams[1].id and member.role == TeamRole.ANGGOTA
    assert running.membership(setting.exercise, setting.account(leader)).team_id == \
        setting.teams[1].id


def test_a_late_arrival_joins_a_team_and_strangers_cannot(setting):
    with pytest.raises(ValidationError):
        move_member(setting.exercise, setting.absent.id, setting.teams[0].id)
    mark(setting.absent, setting.session, AttendanceStatus.TERLAMBAT)
    assert [r.id for r in unplaced(setting.exercise)] == [setting.absent.id]
    move_member(setting.exercise, setting.absent.id, setting.teams[0].id)
    assert unplaced(setting.exercise) == []


def test_moving_to_a_team_of_another_exercise_is_refused(setting):
    other = setup.create_exercise(setting.course, title="Latihan lain")
    other_team = Team(exercise=other, number=1, name="Tim 1")
    db.session.add(other_team)
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        move_member(setting.exercise, setting.member(1).id, other_team.id)
    assert refused.value.field == "team_id"


def test_a_team_role_is_handed_over_so_each_team_has_one_holder(setting):
    newcomer = setting.member(1, 3)
    set_member_role(setting.exercise, newcomer.id, TeamRole.KETUA)
    roles = Counter(m.role for m in setting.teams[0].members)
    assert roles[TeamRole.KETUA] == 1
    assert running.membership(setting.exercise, setting.account(newcomer)).role == \
        TeamRole.KETUA
    with pytest.raises(ValidationError):
        set_member_role(setting.exercise, newcomer.id, "bos")


def test_the_database_refuses_a_second_ketua_in_a_team(setting):
    from sqlalchemy.exc import IntegrityError

    member = running.membership(setting.exercise, setting.account(setting.member(1, 3)))
    member.role = TeamRole.KETUA
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_ended_exercise_keeps_its_teams(setting):
    running.start(setting.exercise)
    running.end(setting.exercise)
    assert setting.exercise.status == ExerciseStatus.ENDED
    for change in (lambda: move_member(setting.exercise, setting.member(1).id,
                                       setting.teams[1].id),
                   lambda: set_member_role(setting.exercise, setting.member(1).id,
                                           TeamRole.NOTULIS)):
        with pytest.raises(ValidationError, match="has ended"):
            change()
