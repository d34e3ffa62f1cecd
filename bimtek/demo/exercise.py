"""The reference course's tabletop exercise, played through the exercise services: teams
of the participants checked in to its simulation session, its injects released and
answered at their times, rated by two evaluators and written up in an after-action report.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.courses import staff as course_staff
from bimtek.courses.models import Course, SessionKind
from bimtek.demo.data.exercise import (
    DEMO_ACTIONS,
    DEMO_DELAYS,
    DEMO_END_MINUTE,
    DEMO_EVALUATOR,
    DEMO_FOLLOW_UPS,
    DEMO_INJECTS,
    DEMO_NOTES,
    DEMO_OBJECTIVES,
    DEMO_SCALE,
    DEMO_SCENARIO,
    DEMO_START,
    DEMO_TEAMS,
    DEMO_TITLE,
    DEMO_UNANSWERED,
)
from bimtek.exercises import access, evaluation, msel, report, running, setup
from bimtek.exercises import teams as exercise_teams
from bimtek.exercises.models import Exercise, Team, TeamRole
from bimtek.extensions import db


def _evaluator(course: Course) -> User:
    email, name = DEMO_EVALUATOR
    user = auth_services.find_user_by_email(email) or auth_services.save_user(
        None, email=email, name=name, roles=[Role.FACILITATOR],
        password=current_app.config["DEMO_PASSWORD"])
    course_staff.assign_course(user, course, Role.FACILITATOR)
    return user


def _play(exercise: Exercise, teams: list[Team], facilitator: User, start: datetime) -> None:
    """Release the injects on their planned minutes and submit the teams' responses, in
    the order they happened, so that lateness is judged as it would have been live."""
    # The note-taker types the team's answers.
    writers = {team.id: next(m for m in team.members if m.role == TeamRole.NOTULIS)
               for team in teams}
    injects = {inject.number: inject for inject in exercise.injects}
    events = []
    for demo in DEMO_INJECTS:
        released = start + timedelta(minutes=demo.minute)
        events.append((released, 0, demo.number, None, ""))
        for team in teams:
            if (demo.targets is None or team.number in demo.targets) and \
                    (team.number + demo.number) % DEMO_UNANSWERED:
                delay = DEMO_DELAYS[(team.number * 3 + demo.number) % len(DEMO_DELAYS)]
                answer = " ".join(filter(None, (
                    demo.answers[(team.number - 1) % 2],
                    DEMO_FOLLOW_UPS[(team.number * 2 + demo.number) % len(DEMO_FOLLOW_UPS)])))
                events.append((released + timedelta(minutes=delay, seconds=team.number * 7),
                               1, demo.number, team, answer))
    for moment, _order, number, team, text in sorted(events, key=lambda e: e[:3]):
        if team is None:
            running.release(injects[number], actor=facilitator, now=moment)
        else:
            running.submit_response(injects[number], writers[team.id], text, now=moment)


def _rate(exercise: Exercise, evaluators: list[User]) -> None:
    for index, evaluator in enumerate(evaluators):
        entries = []
        for o, objective in enumerate(exercise.objectives):
            for team in exercise.teams:
                position = (team.number * 7 + o * 3) % len(DEMO_SCALE)
                if index and (team.number + o) % 3 == 0:
                    position = max(position - 1, 0)
                rating = DEMO_SCALE[position]
                kind = "good" if rating == "P" else "weak" if rating in "MU" else None
                entries.append(evaluation.RatingInput(
                    objective_id=objective.id, team_id=team.id, rating=rating,
                    notes=DEMO_NOTES[kind][o] if kind and not index else ""))
        evaluation.save_ratings(exercise, evaluator, entries)


def seed_exercise(course: Course) -> Exercise | None:
    """The finished course's exercise, unless it has one; needs the attendance of its
    simulation session, since the teams are made of the participants checked in to it."""
    if db.session.scalar(select(Exercise.id).where(Exercise.course_id == course.id)):
        return None
    session = next(s for s in course.sessions if s.kind == SessionKind.SIMULATION)
    evaluator = _evaluator(course)
    facilitator = next(u for u in access.eligible_staff(course) if u.id != evaluator.id)
    exercise = setup.create_exercise(
        course, title=DEMO_TITLE, scenario=DEMO_SCENARIO, session_id=session.id,
        facilitator_ids=[facilitator.id], evaluator_ids=[facilitator.id, evaluator.id],
        actor=facilitator)
    objectives = [setup.add_objective(exercise, setup.ObjectiveInput(
        title=demo.title, capability=demo.capability, evaluation_points=demo.points),
        actor=facilitator) for demo in DEMO_OBJECTIVES]
    proposal = exercise_teams.propose_teams(exercise, DEMO_TEAMS)
    teams = exercise_teams.confirm_teams(exercise, [[r.id for r in team] for team in proposal],
                                         actor=facilitator)
    for demo in DEMO_INJECTS:
        msel.add_inject(exercise, msel.InjectInput(
            number=demo.number, scenario_time=demo.scenario_time,
            planned_offset_minutes=demo.minute, delivery=demo.delivery, sender=demo.sender,
            to_all_teams=demo.targets is None,
            target_team_ids=[teams[n - 1].id for n in demo.targets or ()],
            message=demo.message, expected_actions=demo.expected,
            objective_id=objectives[demo.objective - 1].id), actor=facilitator)
    start = datetime.combine(session.day, DEMO_START, ZoneInfo(course.timezone)) \
        .astimezone(UTC).replace(tzinfo=None)
    running.start(exercise, actor=facilitator, now=start)
    _play(exercise, teams, facilitator, start)
    _rate(exercise, [facilitator, evaluator])
    running.end(exercise, actor=facilitator, now=start + timedelta(minutes=DEMO_END_MINUTE))
    # Written after the end, as a report is.
    for objective, demo in zip(objectives, DEMO_OBJECTIVES, strict=True):
        report.save_analysis(objective, strengths=demo.strengths,
                             improvements=demo.improvements, actor=facilitator)
    for action, responsible, due_on, objective in DEMO_ACTIONS:
        report.save_action(exercise, None, report.ActionInput(
            action=action, responsible=responsible, due_on=due_on,
            objective_id=objectives[objective - 1].id), actor=facilitator)
    return exercise
