"""The demo's finished reference course carries an ended tabletop exercise whose
after-action report has something to say."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from bimtek.attendance.models import Attendance
from bimtek.courses.models import Course
from bimtek.demo.data.courses import REFERENCE_COURSE_CODE
from bimtek.exercises import evaluation, msel, report, setup, teams
from bimtek.exercises.models import (
    Evaluation,
    Exercise,
    ExerciseStatus,
    ImprovementAction,
    Response,
    TeamMember,
)
from bimtek.extensions import db


def exercises_of_reference() -> list[Exercise]:
    course = db.session.scalar(select(Course).where(Course.code == REFERENCE_COURSE_CODE))
    return setup.exercises_of(course)


def test_the_reference_course_has_an_ended_exercise_with_a_report(app, demo):
    with app.app_context():
        (exercise,) = exercises_of_reference()
        assert exercise.status == ExerciseStatus.ENDED and exercise.ended_at is not None
        assert 8 <= len(exercise.injects) <= 10
        assert 3 <= len(exercise.objectives) <= 4
        injects = exercise.injects
        assert all(i.released_at is not None for i in injects)
        assert [i.number for i in sorted(injects, key=lambda i: i.released_at)] == \
            [i.number for i in injects]
        assert len({i.delivery for i in injects}) >= 4
        assert any(not i.to_all_teams and i.targets for i in injects)
        assert any(i.to_all_teams for i in injects)
        # Teams of the participants checked in to the simulation session, all of them.
        members = db.session.scalars(select(TeamMember).where(
            TeamMember.exercise_id == exercise.id)).all()
        present = {r.id for r in teams.checked_in(exercise)}
        assert {m.registration_id for m in members} == present
        assert db.session.scalar(select(func.count()).select_from(Attendance).where(
            Attendance.session_id == exercise.session_id,
            Attendance.registration_id.in_(present))) == len(present)
        assert len(exercise.teams) >= 2 and all(team.members for team in exercise.teams)
        # Responses, some of them late, and injects some teams left unanswered.
        responses = db.session.scalars(select(Response).join(Response.inject).where(
            Response.inject_id.in_([i.id for i in injects]))).all()
        assert {r.late for r in responses} == {True, False}
        addressed = sum(len(entry.teams) for entry in msel.timeline(exercise))
        assert 0 < len(responses) < addressed
        # Two evaluators rated every team on every objective.
        evaluations = db.session.scalars(select(Evaluation).where(
            Evaluation.exercise_id == exercise.id)).all()
        cells = len(exercise.objectives) * len(exercise.teams)
        assert len({e.evaluator_id for e in evaluations}) == 2
        assert len(evaluations) == 2 * cells
        assert all(o.strengths and o.improvements for o in exercise.objectives)
        actions = report.actions_of(exercise)
        assert 3 <= len(actions) <= 4
        assert all(a.responsible and a.due_on and a.objective for a in actions)

        reader = PdfReader(io.BytesIO(report.report_pdf(exercise)))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        for objective in exercise.objectives:
            assert objective.title in text
        for team in exercise.teams:
            assert team.name in text
        assert "Kapolsek Sangatta Utara" in text
        assert " ".join(injects[2].message.split()) in text
        assert " ".join(responses[0].text.split()) in text
        assert actions[0].responsible in text
        table = evaluation.rating_table(exercise)
        for evaluator in table.evaluators:
            assert evaluator.name in text


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Exercise, TeamMember, Response, Evaluation, ImprovementAction))


@pytest.mark.changes_demo  # seeding runs on the shared demo
def test_seeding_again_adds_no_second_exercise(app, demo):
    runner = app.test_cli_runner()
    with app.app_context():
        first = counts()
    assert first[0] == 1
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert counts() == first
