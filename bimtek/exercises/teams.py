"""Teams: balanced teams of the participants checked in to the exercise's session, and
their members and team roles."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bimtek import audit
from bimtek.attendance.models import Attendance
from bimtek.attendance.rule import ATTENDED
from bimtek.auth.models import User
from bimtek.errors import ValidationError
from bimtek.exercises.access import check_writable
from bimtek.exercises.models import Exercise, ExerciseStatus, Team, TeamMember, TeamRole
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.unit_of_work import flush_changes

MAX_TEAMS = 20


def checked_in(exercise: Exercise) -> list[Registration]:
    """The registered participants checked in (on time or late) to the linked session."""
    if exercise.session_id is None:
        raise ValidationError(_("Link the exercise to its session of the agenda first: teams "
                                "are made of the participants checked in to it."),
                              field="session_id")
    return list(db.session.scalars(
        select(Registration).join(Attendance, Attendance.registration_id == Registration.id)
        .where(Attendance.session_id == exercise.session_id,
               Attendance.status.in_(ATTENDED),  # in the room, whatever izin counts for JP
               Registration.course_id == exercise.course_id,
               Registration.status == RegistrationStatus.REGISTERED)
        .order_by(Registration.number)))


def _kecamatan_key(registration: Registration) -> str:
    return registration.kecamatan.code if registration.kecamatan else ""


def balance(people: Sequence[Registration], count: int) -> list[list[Registration]]:
    """Deal `people` into `count` teams whose sizes differ by at most one, in which every
    unit's members differ by at most one, and whose kecamatan are as mixed as the units
    allow. Deterministic: the same people give the same teams.

    Units are dealt one after another, like cards, a full round at a time; a unit's last,
    partial round goes to the smallest teams, which keeps the sizes level. Within a unit,
    each member takes the open seat in the team with the fewest people of their kecamatan.
    """
    if not 1 <= count <= MAX_TEAMS:
        raise ValidationError(_("Choose between 1 and %(most)d teams.", most=MAX_TEAMS),
                              field="count")
    if len(people) < count:
        raise ValidationError(
            _("%(people)d participants are checked in to the session: not enough for "
              "%(teams)d teams.", people=len(people), teams=count), field="count")
    teams: list[list[Registration]] = [[] for _team in range(count)]
    kecamatan: list[Counter] = [Counter() for _team in range(count)]
    units: dict[str, list[Registration]] = {}
    for person in sorted(people, key=lambda p: (p.unit.casefold(), _kecamatan_key(p),
                                                p.number)):
        units.setdefault(person.unit.casefold(), []).append(person)
    for members in units.values():
        rounds, rest = divmod(len(members), count)
        smallest = sorted(range(count), key=lambda t: (len(teams[t]), t))[:rest]
        seats = [rounds + (t in smallest) for t in range(count)]
        for person in members:
            key = _kecamatan_key(person)
            team = min((t for t in range(count) if seats[t]),
                       key=lambda t: (kecamatan[t][key], len(teams[t]), t))
            seats[team] -= 1
            teams[team].append(person)
            kecamatan[team][key] += 1
    _spread_kecamatan(teams, kecamatan)
    return [sorted(team, key=lambda p: p.number) for team in teams]


def _spread_kecamatan(teams: list[list[Registration]], kecamatan: list[Counter]) -> None:
    """Swap members of the same unit between two teams while that evens out the teams'
    kecamatan (lowers the sum of squared counts); unit counts and sizes stay as they are.
    Dealing a unit at a time cannot look ahead to the units that follow; this can."""
    swapped = True
    while swapped:
        swapped = False
        for t, u in combinations(range(len(teams)), 2):
            for i in range(len(teams[t])):
                a = teams[t][i]
                x = _kecamatan_key(a)
                for j, b in enumerate(teams[u]):
                    y = _kecamatan_key(b)
                    if x == y or a.unit.casefold() != b.unit.casefold() or \
                            kecamatan[t][x] - kecamatan[t][y] + kecamatan[u][y] \
                            - kecamatan[u][x] <= 2:
                        continue
                    teams[t][i], teams[u][j] = b, a
                    kecamatan[t][x] -= 1
                    kecamatan[t][y] += 1
                    kecamatan[u][y] -= 1
                    kecamatan[u][x] += 1
                    swapped = True
                    break


def propose_teams(exercise: Exercise, count: int) -> list[list[Registration]]:
    """Balanced teams of the participants checked in to the session; writes nothing."""
    return balance(checked_in(exercise), count)


def _team_name(number: int) -> str:
    return f"Tim {number}"


DEFAULT_ROLES = (TeamRole.KETUA, TeamRole.JURU_BICARA, TeamRole.NOTULIS)


def confirm_teams(exercise: Exercise, groups: Sequence[Sequence[int]], *,
                  actor: User | None = None) -> list[Team]:
    """Replace the teams with `groups` of registration ids (as proposed, or changed), only
    before the exercise starts. Team numbers are kept, so the MSEL's addressees stay; the
    first three members of each team by number become ketua, juru bicara and notulis."""
    check_writable(exercise)
    if exercise.status != ExerciseStatus.DRAFT:
        raise ValidationError(_("Teams can be replaced only before the exercise starts; "
                                "move members between teams instead."))
    if not groups or any(not group for group in groups):
        raise ValidationError(_("Every team needs at least one member."), field="plan")
    present = {r.id: r for r in checked_in(exercise)}
    ids = [registration_id for group in groups for registration_id in group]
    if len(ids) != len(set(ids)):
        raise ValidationError(_("A participant may be in one team only."), field="plan")
    if any(registration_id not in present for registration_id in ids):
        raise ValidationError(_("The teams name someone who is not checked in to the "
                                "session. Propose the teams again."), field="plan")
    _check_addressees_kept(exercise, len(groups))
    kept = {team.number: team for team in exercise.teams}
    for team in exercise.teams:
        team.members.clear()
    for team in [t for t in exercise.teams if t.number > len(groups)]:
        exercise.teams.remove(team)
    # Members leave before anyone joins: each participant is in one team per exercise.
    db.session.flush()
    teams = []
    for number, group in enumerate(groups, start=1):
        team = kept.get(number) or Team(number=number, name=_team_name(number))
        if team not in exercise.teams:
            exercise.teams.append(team)
        members = sorted((present[i] for i in group), key=lambda r: r.number)
        team.members = [TeamMember(exercise_id=exercise.id, registration=registration,
                                   role=DEFAULT_ROLES[index] if index < len(DEFAULT_ROLES)
                                   else TeamRole.ANGGOTA)
                        for index, registration in enumerate(members)]
        teams.append(team)
    audit.record("exercise.teams_confirmed", exercise, actor=actor, teams=len(groups),
                 members=len(ids))
    flush_changes()
    return teams


def _check_addressees_kept(exercise: Exercise, count: int) -> None:
    for inject in exercise.injects:
        dropped = [team.name for team in inject.targets if team.number > count]
        if dropped:
            raise ValidationError(
                _("Inject %(number)d is addressed to %(teams)s, which the new teams do not "
                  "have. Change the inject first.", number=inject.number,
                  teams=", ".join(dropped)), field="plan")


def team_members(exercise: Exercise) -> dict[int, list[TeamMember]]:
    """Each team's members with their registrations, ordered by role then number, in two
    queries whatever the number of participants."""
    members = db.session.scalars(
        select(TeamMember).where(TeamMember.exercise_id == exercise.id)
        .options(selectinload(TeamMember.registration))).all()
    order = list(TeamRole)
    by_team: dict[int, list[TeamMember]] = {team.id: [] for team in exercise.teams}
    for member in sorted(members, key=lambda m: (order.index(m.role), m.registration.number)):
        by_team.setdefault(member.team_id, []).append(member)
    return by_team


def unplaced(exercise: Exercise) -> list[Registration]:
    """Participants checked in to the session but in no team: those who came late."""
    if exercise.session_id is None or not exercise.teams:
        return []
    placed = set(db.session.scalars(select(TeamMember.registration_id).where(
        TeamMember.exercise_id == exercise.id)))
    return [r for r in checked_in(exercise) if r.id not in placed]


def find_team(exercise: Exercise, team_id: int) -> Team | None:
    return next((team for team in exercise.teams if team.id == team_id), None)


def _member(exercise: Exercise, registration_id: int) -> TeamMember | None:
    return db.session.scalar(select(TeamMember).where(
        TeamMember.exercise_id == exercise.id, TeamMember.registration_id == registration_id))


def move_member(exercise: Exercise, registration_id: int, team_id: int, *,
                actor: User | None = None) -> TeamMember:
    """Put a participant in another team, or add one who checked in late; their role in
    the old team stays behind."""
    check_writable(exercise)
    team = find_team(exercise, team_id)
    if team is None:
        raise ValidationError(_("Choose a team of this exercise."), field="team_id")
    member = _member(exercise, registration_id)
    if member is None:
        registration = next((r for r in checked_in(exercise) if r.id == registration_id), None)
        if registration is None:
            raise ValidationError(_("Only participants checked in to the session can join a "
                                    "team."), field="registration_id")
        member = TeamMember(exercise_id=exercise.id, registration=registration)
        db.session.add(member)
    if member.team_id != team.id:
        member.team, member.role = team, TeamRole.ANGGOTA
    audit.record("exercise.member_moved", exercise, actor=actor,
                 registration=member.registration.number, team=team.name)
    flush_changes()
    return member


def set_member_role(exercise: Exercise, registration_id: int, role: TeamRole | str, *,
                    actor: User | None = None) -> TeamMember:
    """Give a member a team role; whoever held it in the team becomes a member again."""
    check_writable(exercise)
    try:
        role = TeamRole(role)
    except ValueError:
        raise ValidationError(_("Choose a team role."), field="role") from None
    member = _member(exercise, registration_id)
    if member is None:
        raise ValidationError(_("This participant is not in a team of this exercise."),
                              field="registration_id")
    if role != TeamRole.ANGGOTA:
        for other in member.team.members:
            if other is not member and other.role == role:
                other.role = TeamRole.ANGGOTA
                # Handed over before it is taken: the database allows one holder per team.
                db.session.flush()
    member.role = role
    audit.record("exercise.member_role", exercise, actor=actor,
                 registration=member.registration.number, role=role.value)
    flush_changes()
    return member
