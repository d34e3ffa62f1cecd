"""The after-action report (AAR) of an exercise: what happened and how the teams did, as a
page, an A4 PDF and a spreadsheet of the ratings; and the parts of it the facilitator
writes: strengths and areas for improvement per objective, and the improvement plan.

The report is written once the exercise has ended, so those parts stay editable after the
end, while everything the exercise itself recorded (MSEL, teams, responses, ratings) is
read-only from then on (access.check_writable).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bimtek import audit
from bimtek.auth.models import User
from bimtek.courses.models import Course
from bimtek.errors import ValidationError, check_length
from bimtek.exercises.access import staff_of
from bimtek.exercises.evaluation import RatingTable, rating_table
from bimtek.exercises.models import (
    Exercise,
    ImprovementAction,
    Objective,
    Rating,
    StaffRole,
    Team,
    TeamMember,
)
from bimtek.exercises.msel import TimelineEntry, timeline
from bimtek.exercises.setup import find_objective
from bimtek.exercises.teams import team_members
from bimtek.extensions import db
from bimtek.i18n import clock, zone_label
from bimtek.pdf import render_pdf
from bimtek.spreadsheet_writing import write_table
from bimtek.spreadsheets import XLSX
from bimtek.timeutil import wall_clock
from bimtek.unit_of_work import flush_changes

# --- the report ------------------------------------------------------------------------

@dataclass
class Report:
    exercise: Exercise
    facilitators: list[User]
    members: dict[int, list[TeamMember]]  # by team id
    timeline: list[TimelineEntry]
    ratings: RatingTable
    notes: dict[int, list[tuple[Team, User, Rating, str]]]  # evaluators' notes by objective
    actions: list[ImprovementAction]

    @property
    def course(self) -> Course:
        return self.exercise.course

    @property
    def scale(self) -> list[Rating]:
        return list(Rating)

    @property
    def zone(self) -> str:
        return zone_label(self.course.timezone)

    def moment(self, instant: datetime) -> str:
        """A stored instant as the course's wall clock, '10.05 WITA'; the date goes first
        when it is not the day of the exercise's session, so a run resumed on another day
        still reads right."""
        local = wall_clock(self.course, instant)
        time = f"{clock(local)} {self.zone}"
        session = self.exercise.session
        if session is not None and local.date() == session.day:
            return time
        return f"{format_date(local.date(), 'd MMM y')} {time}"


def actions_of(exercise: Exercise) -> list[ImprovementAction]:
    """The improvement plan, soonest due first; actions without a date last."""
    return list(db.session.scalars(
        select(ImprovementAction).where(ImprovementAction.exercise_id == exercise.id)
        .options(selectinload(ImprovementAction.objective))
        .order_by(ImprovementAction.due_on.is_(None), ImprovementAction.due_on,
                  ImprovementAction.id)))


def _notes(table: RatingTable) -> dict[int, list[tuple[Team, User, Rating, str]]]:
    evaluators = {user.id: user for user in table.evaluators}
    return {objective.id: [(team, evaluators[user_id], evaluation.rating, evaluation.notes)
                           for team in table.teams
                           for user_id, evaluation in table.cell(objective, team)
                           .by_evaluator.items() if evaluation.notes]
            for objective in table.objectives}


def build(exercise: Exercise) -> Report:
    """Everything the report shows, in a number of queries that does not grow with the
    number of participants, injects or ratings."""
    ratings = rating_table(exercise)
    return Report(exercise=exercise,
                  facilitators=staff_of(exercise, StaffRole.FACILITATOR),
                  members=team_members(exercise),
                  timeline=timeline(exercise), ratings=ratings,
                  notes=_notes(ratings), actions=actions_of(exercise))


def report_pdf(exercise: Exercise) -> bytes:
    return render_pdf(render_template("exercises/report_pdf.html", report=build(exercise)))


def ratings_xlsx(exercise: Exercise) -> bytes:
    """One row per objective, team and evaluator with the rating and notes, then the
    cell's summary row; an evaluator who has not rated a cell leaves the rating empty."""
    table = rating_table(exercise)
    summary = _("Summary")
    rows = []
    for number, objective in enumerate(table.objectives, start=1):
        for team in table.teams:
            cell = table.cell(objective, team)
            for evaluator in table.evaluators:
                evaluation = cell.by_evaluator.get(evaluator.id)
                rows.append([number, objective.title, team.name, evaluator.name,
                             evaluation.rating.value if evaluation else None,
                             str(evaluation.rating.label) if evaluation else None,
                             evaluation.notes if evaluation else None])
            rating = cell.summary
            rows.append([number, objective.title, team.name, summary,
                         rating.value if rating else None,
                         str(rating.label) if rating else None,
                         ", ".join(f"{r.value}: {count}" for r, count in cell.counts.items()
                                   if count)])
    return write_table(XLSX, [_("No."), _("Objective"), _("Team"), _("Evaluator"),
                              _("Rating"), _("Meaning"), _("Notes")],
                       rows, title=_("Ratings"))


# --- what the facilitator writes -------------------------------------------------------

def save_analysis(objective: Objective, *, strengths: str, improvements: str,
                  actor: User | None = None) -> Objective:
    """The strengths and areas for improvement observed for one objective."""
    objective.strengths = check_length((strengths or "").strip(), Objective.strengths,
                                       "strengths")
    objective.improvements = check_length((improvements or "").strip(),
                                          Objective.improvements, "improvements")
    audit.record("exercise.analysis_written", objective.exercise, actor=actor,
                 objective=objective.title)
    flush_changes()
    return objective


@dataclass
class ActionInput:
    action: str
    responsible: str
    due_on: date | None = None
    objective_id: int | None = None


def find_action(exercise: Exercise, action_id: int) -> ImprovementAction | None:
    return db.session.scalar(select(ImprovementAction).where(
        ImprovementAction.id == action_id, ImprovementAction.exercise_id == exercise.id))


def _action_fields(exercise: Exercise, data: ActionInput) -> dict:
    action = (data.action or "").strip()
    if not action:
        raise ValidationError(_("Describe the action."), field="action")
    check_length(action, ImprovementAction.action, "action")
    responsible = " ".join((data.responsible or "").split())
    if not responsible:
        raise ValidationError(_("Name the institution responsible for the action."),
                              field="responsible")
    check_length(responsible, ImprovementAction.responsible, "responsible")
    if data.objective_id is not None and \
            find_objective(exercise, data.objective_id) is None:
        raise ValidationError(_("Choose an objective of this exercise."), field="objective_id")
    return {"action": action, "responsible": responsible, "due_on": data.due_on,
            "objective_id": data.objective_id}


def save_action(exercise: Exercise, action: ImprovementAction | None, data: ActionInput, *,
                actor: User | None = None) -> ImprovementAction:
    """Add a line to the improvement plan (`action` None) or change one."""
    fields = _action_fields(exercise, data)
    if action is None:
        action = ImprovementAction(exercise_id=exercise.id)
        db.session.add(action)
    for name, value in fields.items():
        setattr(action, name, value)
    db.session.flush()
    audit.record("exercise.action_saved", action, actor=actor,
                 course_id=exercise.course_id, responsible=action.responsible)
    flush_changes()
    return action


def delete_action(exercise: Exercise, action: ImprovementAction, *,
                  actor: User | None = None) -> None:
    audit.record("exercise.action_deleted", action, actor=actor,
                 course_id=exercise.course_id, responsible=action.responsible)
    db.session.delete(action)
    flush_changes()
