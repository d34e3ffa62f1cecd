from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from bimtek.auth.forms import MultiCheckboxField
from bimtek.exercises.models import (
    Delivery,
    Exercise,
    ImprovementAction,
    Inject,
    Objective,
    Response,
    TeamRole,
)
from bimtek.exercises.msel import MAX_INJECT_NUMBER, MAX_OFFSET_MINUTES
from bimtek.exercises.teams import MAX_TEAMS
from bimtek.forms import Form, fits, optional_int, spreadsheet_field


class ExerciseForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    scenario = TextAreaField(_l("Scenario"), render_kw={"rows": 6},
                             validators=[fits(Exercise.scenario)],
                             description=_l("The situation the teams find themselves in."))
    session_id = SelectField(_l("Session of the agenda"), coerce=optional_int,
                             validate_choice=False,
                             description=_l("Teams are made of the participants checked in "
                                            "to it."))
    facilitator_ids = MultiCheckboxField(_l("Facilitators"), coerce=int, validate_choice=False)
    evaluator_ids = MultiCheckboxField(_l("Evaluators"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Save"))


class ObjectiveForm(Form):
    title = StringField(_l("Objective"), validators=[DataRequired(), Length(max=300)])
    capability = StringField(_l("Capability tested"), validators=[Optional(), Length(max=200)])
    evaluation_points = TextAreaField(_l("What evaluators look for"), render_kw={"rows": 3},
                                      validators=[fits(Objective.evaluation_points)],
                                      description=_l("One point per line."))
    submit = SubmitField(_l("Save objective"))


class ProposeTeamsForm(Form):
    class Meta:
        csrf = False  # a GET that only computes a proposal

    count = IntegerField(_l("Number of teams"), default=4,
                         validators=[InputRequired(), NumberRange(min=1, max=MAX_TEAMS)])
    submit = SubmitField(_l("Propose teams"))


class ConfirmTeamsForm(Form):
    # Registration ids, comma-separated within a team, teams separated by semicolons.
    plan = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Confirm these teams"))


class MoveMemberForm(Form):
    registration_id = IntegerField(validators=[InputRequired()])
    team_id = IntegerField(validators=[InputRequired()])


class MemberRoleForm(Form):
    registration_id = IntegerField(validators=[InputRequired()])
    role = SelectField(_l("Team role"), choices=TeamRole.choices)


class InjectForm(Form):
    number = IntegerField(_l("Number"), validators=[
        InputRequired(), NumberRange(min=1, max=MAX_INJECT_NUMBER)])
    scenario_time = StringField(_l("Scenario time"), validators=[Optional(), Length(max=60)],
                                description=_l("The time in the story, e.g. H-3 09.00."))
    planned_offset_minutes = IntegerField(
        _l("Planned at minute"), default=0,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_OFFSET_MINUTES)],
        description=_l("Minutes of exercise time after the start; the clock stops while "
                       "the exercise is paused."))
    delivery = SelectField(_l("Delivery"), choices=Delivery.choices)
    sender = StringField(_l("From"), validators=[Optional(), Length(max=200)])
    to_all_teams = BooleanField(_l("To all teams"), default=True)
    target_team_ids = MultiCheckboxField(_l("To these teams"), coerce=int,
                                         validate_choice=False)
    message = TextAreaField(_l("Message"), validators=[DataRequired(), fits(Inject.message)],
                            render_kw={"rows": 4})
    expected_actions = TextAreaField(_l("Expected actions"), render_kw={"rows": 3},
                                     validators=[fits(Inject.expected_actions)])
    objective_id = SelectField(_l("Objective"), coerce=optional_int, validate_choice=False)
    submit = SubmitField(_l("Save inject"))


class ImportMselForm(Form):
    file = spreadsheet_field(_l("MSEL file (.xlsx or .csv)"))
    submit = SubmitField(_l("Check the file"))


class ConfirmMselForm(Form):
    upload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Replace the MSEL"))


class ResponseForm(Form):
    text = TextAreaField(_l("Your team's response"), render_kw={"rows": 3},
                         validators=[fits(Response.text)])
    submit = SubmitField(_l("Send response"))


class AnalysisForm(Form):
    strengths = TextAreaField(_l("Strengths"), validators=[fits(Objective.strengths)])
    improvements = TextAreaField(_l("Areas for improvement"),
                                 validators=[fits(Objective.improvements)])


class ActionForm(Form):
    # What must be filled in, and how long it may be, report.save_action checks.
    action = TextAreaField(_l("Action"), render_kw={"rows": 3},
                           validators=[fits(ImprovementAction.action)])
    responsible = StringField(_l("Responsible institution"),
                              validators=[fits(ImprovementAction.responsible)])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    objective_id = SelectField(_l("Objective"), coerce=optional_int, validate_choice=False)
    submit = SubmitField(_l("Save the action"))
