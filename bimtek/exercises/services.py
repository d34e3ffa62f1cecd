"""Simulation exercises: the rules, free of HTTP.

Who may do what, the exercise and its pausable clock, balanced teams, the MSEL and the
release of its injects, the teams' responses, and the evaluators' P/S/M/U ratings.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bimtek import audit
from bimtek.attendance.models import Attendance
from bimtek.attendance.rule import ATTENDED
from bimtek.auth.models import CourseAssignment, Role, User
from bimtek.auth.services import can_act_in_course
from bimtek.courses.models import Course, Session, SessionKind
from bimtek.errors import ValidationError, check_length
from bimtek.exercises.models import (
    Delivery,
    Evaluation,
    Exercise,
    ExerciseStaff,
    ExerciseStatus,
    Inject,
    Objective,
    Rating,
    Response,
    StaffRole,
    Team,
    TeamMember,
    TeamRole,
)
from bimtek.extensions import commit_or_refuse, db
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.timeutil import utcnow

# Course roles whose holders work on a course's exercises.
STAFF_COURSE_ROLES = (Role.ORGANISER, Role.FACILITATOR)
MAX_TEAMS = 20
MAX_OFFSET_MINUTES = 7 * 24 * 60
# Far beyond any MSEL, and well inside the database's 32-bit column.
MAX_INJECT_NUMBER = 99_999
# Worst first: a tie between ratings is summarised by the worse one.
RATINGS_WORST_FIRST = (Rating.U, Rating.M, Rating.S, Rating.P)


# --- who may do what -------------------------------------------------------------------

def _holds(user: User, exercise: Exercise, role: StaffRole) -> bool:
    return any(s.user_id == user.id and s.role == role for s in exercise.staff)


def can_create(user: User, course: Course) -> bool:
    """Organisers and facilitators of the course create exercises and list those they
    may see."""
    return can_act_in_course(user, course, STAFF_COURSE_ROLES)


def can_manage(user: User, exercise: Exercise) -> bool:
    """Set up and run: the course's organisers, and the exercise's own facilitators while
    they still are facilitators of the course."""
    course = exercise.course
    return can_act_in_course(user, course, (Role.ORGANISER,)) or (
        _holds(user, exercise, StaffRole.FACILITATOR)
        and can_act_in_course(user, course, (Role.FACILITATOR,)))


def can_rate(user: User, exercise: Exercise) -> bool:
    return _holds(user, exercise, StaffRole.EVALUATOR) and \
        can_act_in_course(user, exercise.course, (Role.FACILITATOR,))


def can_view(user: User, exercise: Exercise) -> bool:
    """Its organisers, facilitators and evaluators; other facilitators of the course have
    no part in it."""
    return can_manage(user, exercise) or can_rate(user, exercise)


def _writable(exercise: Exercise) -> None:
    if exercise.status == ExerciseStatus.ENDED:
        raise ValidationError(_("The exercise has ended; it can no longer be changed."))


# --- exercises -------------------------------------------------------------------------

def exercises_of(course: Course) -> list[Exercise]:
    return list(db.session.scalars(select(Exercise).where(Exercise.course_id == course.id)
                                   .order_by(Exercise.created_at, Exercise.id)))


def find_exercise(course: Course, exercise_id: int) -> Exercise | None:
    return db.session.scalar(select(Exercise).where(Exercise.id == exercise_id,
                                                    Exercise.course_id == course.id))


def session_choices(course: Course) -> list[Session]:
    """The sessions an exercise may run in: the simulation sessions, or every session
    when the agenda has none."""
    simulations = [s for s in course.sessions if s.kind == SessionKind.SIMULATION]
    return simulations or list(course.sessions)


def _text(value: str | None, column, field_name: str, *, required: str | None = None,
          lines: bool = False) -> str:
    """A one-line text has its spacing collapsed; one of `lines` keeps them."""
    text = (value or "").strip() if lines else " ".join((value or "").split())
    if required and not text:
        raise ValidationError(required, field=field_name)
    return check_length(text, column, field_name)


def _session(course: Course, session_id: int | None) -> int | None:
    if session_id is None:
        return None
    if not any(s.id == session_id for s in course.sessions):
        raise ValidationError(_("Choose a session of this course's agenda."),
                              field="session_id")
    return session_id


def _exercise_fields(course: Course, title: str, scenario: str, session_id: int | None
                     ) -> dict:
    columns = Exercise.__table__.c
    return {"title": _text(title, columns.title, "title",
                           required=_("The title is required.")),
            "scenario": _text(scenario, columns.scenario, "scenario", lines=True),
            "session_id": _session(course, session_id)}


def create_exercise(course: Course, *, title: str, scenario: str = "",
                    session_id: int | None = None, facilitator_ids: Iterable[int] = (),
                    evaluator_ids: Iterable[int] = (), actor: User | None = None) -> Exercise:
    """A draft exercise; a facilitator who creates one facilitates it."""
    exercise = Exercise(course=course, **_exercise_fields(course, title, scenario, session_id))
    facilitator_ids = list(facilitator_ids)
    if actor is not None and not can_act_in_course(actor, course, (Role.ORGANISER,)):
        facilitator_ids.append(actor.id)
    _assign_staff(exercise, facilitator_ids, evaluator_ids)
    db.session.add(exercise)
    db.session.flush()
    audit.record("exercise.created", exercise, actor=actor, title=exercise.title)
    db.session.commit()
    return exercise


def update_exercise(exercise: Exercise, *, title: str, scenario: str,
                    session_id: int | None, facilitator_ids: Iterable[int] | None = None,
                    evaluator_ids: Iterable[int] | None = None,
                    actor: User | None = None) -> Exercise:
    """Change the exercise, and its staff unless both lists are None."""
    _writable(exercise)
    fields = _exercise_fields(exercise.course, title, scenario, session_id)
    if facilitator_ids is not None or evaluator_ids is not None:
        _assign_staff(exercise, facilitator_ids or (), evaluator_ids or ())
    for name, value in fields.items():
        setattr(exercise, name, value)
    audit.record("exercise.updated", exercise, actor=actor, title=exercise.title,
                 staff=", ".join(f"{s.role.value}:{s.user_id}" for s in exercise.staff))
    db.session.commit()
    return exercise


def delete_exercise(exercise: Exercise, *, actor: User | None = None) -> None:
    _writable(exercise)
    if exercise.status != ExerciseStatus.DRAFT:
        raise ValidationError(_("Only an exercise that has not started can be deleted."))
    audit.record("exercise.deleted", exercise, actor=actor, title=exercise.title)
    db.session.delete(exercise)
    db.session.commit()


def eligible_staff(course: Course) -> list[User]:
    """The accounts holding `facilitator` for this course: who may facilitate or evaluate."""
    return list(db.session.scalars(
        select(User).join(CourseAssignment).where(
            CourseAssignment.course_id == course.id,
            CourseAssignment.role == Role.FACILITATOR,
            User.role_rows.any(role=Role.FACILITATOR), User.active)
        .order_by(func.lower(User.name), User.id)))


def _assign_staff(exercise: Exercise, facilitator_ids: Iterable[int],
                  evaluator_ids: Iterable[int]) -> None:
    eligible = {user.id for user in eligible_staff(exercise.course)}
    chosen = {StaffRole.FACILITATOR: list(dict.fromkeys(facilitator_ids)),
              StaffRole.EVALUATOR: list(dict.fromkeys(evaluator_ids))}
    for role, ids in chosen.items():
        if any(user_id not in eligible for user_id in ids):
            raise ValidationError(
                _("Choose facilitators of this course only."),
                field="facilitator_ids" if role == StaffRole.FACILITATOR else "evaluator_ids")
    current = {(s.user_id, s.role): s for s in exercise.staff}
    exercise.staff = [current.get((user_id, role)) or ExerciseStaff(user_id=user_id, role=role)
                      for role, ids in chosen.items() for user_id in ids]


def set_staff(exercise: Exercise, *, facilitator_ids: Iterable[int],
              evaluator_ids: Iterable[int], actor: User | None = None) -> None:
    _writable(exercise)
    _assign_staff(exercise, facilitator_ids, evaluator_ids)
    audit.record("exercise.staff", exercise, actor=actor,
                 staff=", ".join(f"{s.role.value}:{s.user_id}" for s in exercise.staff))
    db.session.commit()


def staff_of(exercise: Exercise, role: StaffRole) -> list[User]:
    return sorted((s.user for s in exercise.staff if s.role == role),
                  key=lambda user: (user.name.lower(), user.id))


# --- objectives ------------------------------------------------------------------------

@dataclass
class ObjectiveInput:
    title: str
    capability: str = ""
    evaluation_points: str = ""


def _objective_fields(data: ObjectiveInput) -> dict:
    columns = Objective.__table__.c
    return {"title": _text(data.title, columns.title, "title",
                           required=_("The objective's title is required.")),
            "capability": _text(data.capability, columns.capability, "capability"),
            "evaluation_points": check_length("\n".join(
                line.strip() for line in data.evaluation_points.splitlines() if line.strip()),
                columns.evaluation_points, "evaluation_points")}


def find_objective(exercise: Exercise, objective_id: int) -> Objective | None:
    return next((o for o in exercise.objectives if o.id == objective_id), None)


def add_objective(exercise: Exercise, data: ObjectiveInput, *, actor: User | None = None
                  ) -> Objective:
    _writable(exercise)
    position = max((o.position for o in exercise.objectives), default=0) + 1
    objective = Objective(position=position, **_objective_fields(data))
    exercise.objectives.append(objective)
    db.session.flush()
    audit.record("exercise.objective_added", exercise, actor=actor, objective=objective.title)
    db.session.commit()
    return objective


def update_objective(objective: Objective, data: ObjectiveInput, *,
                     actor: User | None = None) -> Objective:
    _writable(objective.exercise)
    for name, value in _objective_fields(data).items():
        setattr(objective, name, value)
    audit.record("exercise.objective_changed", objective.exercise, actor=actor,
                 objective=objective.title)
    db.session.commit()
    return objective


def remove_objective(objective: Objective, *, actor: User | None = None) -> None:
    """Its ratings go with it; injects that tested it keep their place in the MSEL."""
    exercise = objective.exercise
    _writable(exercise)
    audit.record("exercise.objective_removed", exercise, actor=actor,
                 objective=objective.title)
    exercise.objectives.remove(objective)
    db.session.commit()


# --- teams -----------------------------------------------------------------------------

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
    _writable(exercise)
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
    db.session.commit()
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
    _writable(exercise)
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
    db.session.commit()
    return member


def set_member_role(exercise: Exercise, registration_id: int, role: TeamRole | str, *,
                    actor: User | None = None) -> TeamMember:
    """Give a member a team role; whoever held it in the team becomes a member again."""
    _writable(exercise)
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
    db.session.commit()
    return member


# --- the MSEL --------------------------------------------------------------------------

@dataclass
class InjectInput:
    number: int
    message: str
    scenario_time: str = ""
    planned_offset_minutes: int = 0
    delivery: Delivery | str = Delivery.MESSAGE
    sender: str = ""
    to_all_teams: bool = True
    target_team_ids: Sequence[int] = ()
    expected_actions: str = ""
    objective_id: int | None = None


def find_inject(exercise: Exercise, inject_id: int) -> Inject | None:
    return db.session.scalar(select(Inject).where(Inject.id == inject_id,
                                                  Inject.exercise_id == exercise.id))


def next_inject_number(exercise: Exercise) -> int:
    return max((inject.number for inject in exercise.injects), default=0) + 1


def check_inject(exercise: Exercise, data: InjectInput, *, taken: Iterable[int] = ()
                 ) -> dict:
    """The inject's column values, or ValidationError naming the field; `taken` are the
    numbers other injects already use."""
    columns = Inject.__table__.c
    if data.number is None or not 1 <= data.number <= MAX_INJECT_NUMBER:
        raise ValidationError(_("The number must be between 1 and %(most)d.",
                                most=MAX_INJECT_NUMBER), field="number")
    if data.number in set(taken):
        raise ValidationError(_("Inject number %(number)d is already used.",
                                number=data.number), field="number")
    if not 0 <= (data.planned_offset_minutes or 0) <= MAX_OFFSET_MINUTES:
        raise ValidationError(_("The planned offset must be between 0 and %(most)d minutes.",
                                most=MAX_OFFSET_MINUTES), field="planned_offset_minutes")
    try:
        delivery = Delivery(data.delivery)
    except ValueError:
        raise ValidationError(_("Choose how the inject is delivered."),
                              field="delivery") from None
    teams = {team.id: team for team in exercise.teams}
    strangers = [team_id for team_id in data.target_team_ids if team_id not in teams]
    if strangers:
        raise ValidationError(_("The inject is addressed to a team that is not in this "
                                "exercise."), field="target_team_ids")
    targets = [teams[team_id] for team_id in dict.fromkeys(data.target_team_ids)]
    if not data.to_all_teams and not targets:
        raise ValidationError(_("Choose the teams the inject goes to, or send it to all "
                                "teams."), field="target_team_ids")
    if data.objective_id is not None and find_objective(exercise, data.objective_id) is None:
        raise ValidationError(_("Choose an objective of this exercise."), field="objective_id")
    return {
        "number": data.number,
        "message": _text(data.message, columns.message, "message", lines=True,
                         required=_("The message is required.")),
        "scenario_time": _text(data.scenario_time, columns.scenario_time, "scenario_time"),
        "planned_offset_minutes": data.planned_offset_minutes or 0,
        "delivery": delivery,
        "sender": _text(data.sender, columns.sender, "sender"),
        "to_all_teams": bool(data.to_all_teams),
        "targets": [] if data.to_all_teams else sorted(targets, key=lambda t: t.number),
        "expected_actions": _text(data.expected_actions, columns.expected_actions,
                                  "expected_actions", lines=True),
        "objective_id": data.objective_id,
    }


def _unreleased(inject: Inject) -> None:
    if inject.released_at is not None:
        raise ValidationError(_("Inject %(number)d has been released; it can no longer be "
                                "changed.", number=inject.number))


def _commit_msel() -> None:
    # Another facilitator may take the same number at the same moment.
    commit_or_refuse(_("Someone changed the MSEL at the same moment. Nothing was saved; "
                       "please try again."), field="number")


def add_inject(exercise: Exercise, data: InjectInput, *, actor: User | None = None
               ) -> Inject:
    _writable(exercise)
    fields = check_inject(exercise, data, taken=(i.number for i in exercise.injects))
    inject = Inject(**fields)
    exercise.injects.append(inject)
    db.session.flush()
    audit.record("exercise.inject_added", exercise, actor=actor, number=inject.number)
    _commit_msel()
    return inject


def update_inject(inject: Inject, data: InjectInput, *, actor: User | None = None) -> Inject:
    exercise = inject.exercise
    _writable(exercise)
    _unreleased(inject)
    fields = check_inject(exercise, data,
                          taken=(i.number for i in exercise.injects if i is not inject))
    for name, value in fields.items():
        setattr(inject, name, value)
    audit.record("exercise.inject_changed", exercise, actor=actor, number=inject.number)
    _commit_msel()
    return inject


def delete_inject(inject: Inject, *, actor: User | None = None) -> None:
    exercise = inject.exercise
    _writable(exercise)
    _unreleased(inject)
    audit.record("exercise.inject_deleted", exercise, actor=actor, number=inject.number)
    exercise.injects.remove(inject)
    db.session.commit()


def replace_msel(exercise: Exercise, injects: Sequence[InjectInput], *,
                 actor: User | None = None) -> list[Inject]:
    """The MSEL becomes `injects`, all of them or none; only while no inject has been
    released, since participants may have answered one."""
    _writable(exercise)
    if any(inject.released_at is not None for inject in exercise.injects):
        raise ValidationError(_("Injects have already been released: the MSEL can no longer "
                                "be replaced. Change the injects one by one."), field="file")
    rows, taken = [], set()
    for data in injects:
        rows.append(Inject(**check_inject(exercise, data, taken=taken)))
        taken.add(data.number)
    exercise.injects.clear()
    # The old numbers are gone before the new ones arrive.
    db.session.flush()
    exercise.injects.extend(rows)
    audit.record("exercise.msel_imported", exercise, actor=actor, injects=len(rows))
    _commit_msel()
    return rows


# --- running: status and the exercise clock --------------------------------------------

def clock_seconds(exercise: Exercise, now: datetime | None = None) -> int:
    """Seconds of exercise time so far: it stands still while paused."""
    running = 0
    if exercise.clock_started_at is not None:
        running = max(0, int(((now or utcnow()) - exercise.clock_started_at).total_seconds()))
    return exercise.elapsed_seconds + running


def _transition(exercise: Exercise, allowed: Sequence[ExerciseStatus],
                status: ExerciseStatus, actor: User | None, **values) -> Exercise:
    _writable(exercise)
    # A compare-and-set, so that two facilitators pressing pause at once count the
    # running time once.
    changed = db.session.execute(
        update(Exercise).where(Exercise.id == exercise.id, Exercise.status.in_(allowed))
        .values(status=status, **values).execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        db.session.refresh(exercise)
        raise ValidationError(_("This cannot be done while the exercise is %(status)s.",
                                status=str(exercise.status.label).lower()))
    audit.record(f"exercise.{status.value}", exercise, actor=actor)
    db.session.commit()
    db.session.refresh(exercise)
    return exercise


def start(exercise: Exercise, *, actor: User | None = None, now: datetime | None = None
          ) -> Exercise:
    if not exercise.teams:
        raise ValidationError(_("Confirm the teams before starting the exercise."))
    now = now or utcnow()
    return _transition(exercise, (ExerciseStatus.DRAFT,), ExerciseStatus.RUNNING, actor,
                       started_at=now, clock_started_at=now, elapsed_seconds=0)


def pause(exercise: Exercise, *, actor: User | None = None, now: datetime | None = None
          ) -> Exercise:
    return _transition(exercise, (ExerciseStatus.RUNNING,), ExerciseStatus.PAUSED, actor,
                       elapsed_seconds=clock_seconds(exercise, now), clock_started_at=None)


def resume(exercise: Exercise, *, actor: User | None = None, now: datetime | None = None
           ) -> Exercise:
    return _transition(exercise, (ExerciseStatus.PAUSED,), ExerciseStatus.RUNNING, actor,
                       clock_started_at=now or utcnow())


def end(exercise: Exercise, *, actor: User | None = None, now: datetime | None = None
        ) -> Exercise:
    now = now or utcnow()
    return _transition(exercise, (ExerciseStatus.RUNNING, ExerciseStatus.PAUSED),
                       ExerciseStatus.ENDED, actor,
                       elapsed_seconds=clock_seconds(exercise, now), clock_started_at=None,
                       ended_at=now)


# --- releasing injects -----------------------------------------------------------------

def _claim_release(inject_ids: list[int], actor: User | None, now: datetime) -> int:
    # Only injects nobody released yet: a console and a team feed polling at the same
    # moment release each inject once.
    return db.session.execute(
        update(Inject).where(Inject.id.in_(inject_ids), Inject.released_at.is_(None))
        .values(released_at=now, released_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)).rowcount


def release(inject: Inject, *, actor: User | None = None, now: datetime | None = None
            ) -> Inject:
    """Release an inject by hand, before or after its planned time."""
    exercise = inject.exercise
    _writable(exercise)
    if exercise.status != ExerciseStatus.RUNNING:
        raise ValidationError(_("Start or resume the exercise to release injects."))
    if not _claim_release([inject.id], actor, now or utcnow()):
        db.session.rollback()
        raise ValidationError(_("Inject %(number)d has already been released.",
                                number=inject.number))
    audit.record("exercise.inject_released", inject, actor=actor,
                 course_id=exercise.course_id, number=inject.number)
    db.session.commit()
    db.session.refresh(inject)
    return inject


def release_due(exercise: Exercise, now: datetime | None = None) -> list[Inject]:
    """Release the injects whose planned offset the running exercise clock has reached;
    called whenever a console or a team feed is loaded, so no scheduler is needed."""
    if exercise.status != ExerciseStatus.RUNNING:
        return []
    now = now or utcnow()
    due = list(db.session.scalars(select(Inject).where(
        Inject.exercise_id == exercise.id, Inject.released_at.is_(None),
        Inject.planned_offset_minutes <= clock_seconds(exercise, now) // 60)))
    if not due:
        return []
    _claim_release([inject.id for inject in due], None, now)
    db.session.commit()
    for inject in due:
        db.session.refresh(inject)
    return [inject for inject in due if inject.released_at == now]


# --- the team's side: feed and responses -----------------------------------------------

def membership(exercise: Exercise, user: User) -> TeamMember | None:
    """The user's place in the exercise, through their registration in its course."""
    return db.session.scalar(
        select(TeamMember).join(Registration, TeamMember.registration_id == Registration.id)
        .where(TeamMember.exercise_id == exercise.id, Registration.user_id == user.id,
               Registration.status != RegistrationStatus.CANCELLED))


def memberships_of(user: User) -> list[TeamMember]:
    """Every team the user plays in, newest exercise first, for their dashboard."""
    return list(db.session.scalars(
        select(TeamMember).join(Registration, TeamMember.registration_id == Registration.id)
        .join(Exercise, TeamMember.exercise_id == Exercise.id)
        .where(Registration.user_id == user.id,
               Registration.status != RegistrationStatus.CANCELLED)
        .options(selectinload(TeamMember.team).selectinload(Team.exercise))
        .order_by(Exercise.created_at.desc(), Exercise.id.desc())))


def _addressed_to(team: Team):
    return or_(Inject.to_all_teams, Inject.targets.any(Team.id == team.id))


def _released_to(team: Team):
    return select(Inject).where(Inject.exercise_id == team.exercise_id,
                                Inject.released_at.is_not(None), _addressed_to(team))


@dataclass
class FeedItem:
    inject: Inject
    response: Response | None


def team_feed(team: Team) -> list[FeedItem]:
    """The injects released to the team, newest first, each with the team's response."""
    injects = db.session.scalars(_released_to(team).order_by(
        Inject.released_at.desc(), Inject.number.desc())).all()
    responses = {r.inject_id: r for r in db.session.scalars(
        select(Response).where(Response.team_id == team.id)
        .options(selectinload(Response.submitted_by)))}
    return [FeedItem(inject, responses.get(inject.id)) for inject in injects]


def team_inject(team: Team, inject_id: int) -> Inject | None:
    """The inject if it has been released to this team; nothing tells the team whether an
    inject it did not receive exists."""
    return db.session.scalar(_released_to(team).where(Inject.id == inject_id))


def _already_answered(inject: Inject) -> ValidationError:
    return ValidationError(_("Your team has already answered inject %(number)d.",
                             number=inject.number), field="text")


def submit_response(inject: Inject, member: TeamMember, text: str, *,
                    now: datetime | None = None) -> Response:
    """The team's one response to an inject. It is late when another inject reached the
    team after this one, before the response came."""
    team = member.team
    _writable(team.exercise)
    if team_inject(team, inject.id) is None:
        raise ValidationError(_("This inject has not been released to your team."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write your team's response before sending it."),
                              field="text")
    check_length(text, Response.text, "text")
    if db.session.scalar(select(Response.id).where(Response.inject_id == inject.id,
                                                   Response.team_id == team.id)):
        raise _already_answered(inject)
    late = db.session.scalar(select(
        _released_to(team).where(Inject.released_at > inject.released_at).exists()))
    response = Response(inject_id=inject.id, team_id=team.id, text=text, late=late,
                        submitted_by_id=member.registration_id, submitted_at=now or utcnow())
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        # A teammate's response was saved between our check and our insert.
        db.session.rollback()
        raise _already_answered(inject) from None
    audit.record("exercise.response", response, actor=None,
                 course_id=team.exercise.course_id, inject=inject.number, team=team.name,
                 late=late)
    db.session.commit()
    return response


# --- the facilitator's console and the timeline ----------------------------------------

@dataclass
class TimelineEntry:
    inject: Inject
    teams: list[Team]  # the teams it is addressed to
    responses: dict[int, Response]  # by team id

    @property
    def released(self) -> bool:
        return self.inject.released_at is not None


def _entries(exercise: Exercise, injects: Sequence[Inject]) -> list[TimelineEntry]:
    responses: dict[int, dict[int, Response]] = {}
    for response in db.session.scalars(
            select(Response).join(Inject).where(Inject.exercise_id == exercise.id)
            .options(selectinload(Response.submitted_by))):
        responses.setdefault(response.inject_id, {})[response.team_id] = response
    teams = list(exercise.teams)
    return [TimelineEntry(inject, teams if inject.to_all_teams else list(inject.targets),
                          responses.get(inject.id, {}))
            for inject in injects]


def _injects(exercise: Exercise):
    return select(Inject).where(Inject.exercise_id == exercise.id).options(
        selectinload(Inject.targets), selectinload(Inject.objective))


def msel(exercise: Exercise) -> list[TimelineEntry]:
    """Every inject in MSEL order, released or planned, with the teams' responses."""
    return _entries(exercise, db.session.scalars(
        _injects(exercise).order_by(Inject.number)).all())


def timeline(exercise: Exercise) -> list[TimelineEntry]:
    """The released injects in the order they were released, each with the response (text,
    time, late) of every team it reached, by team id."""
    return _entries(exercise, db.session.scalars(
        _injects(exercise).where(Inject.released_at.is_not(None))
        .order_by(Inject.released_at, Inject.number)).all())


# --- evaluation ------------------------------------------------------------------------

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
    _writable(exercise)
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
    commit_or_refuse(_("These ratings were saved elsewhere at the same moment. Nothing was "
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
