from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from bimtek.courses.agenda import MAX_SESSION_JP
from bimtek.courses.models import Session, SessionKind
from bimtek.courses.services import MAX_CAPACITY, MAX_DECLARED_JP
from bimtek.forms import Form, fits, optional_int, spreadsheet_field

TIME_FORMATS = ["%H:%M", "%H.%M"]

TIMEZONES = [
    SelectChoice("Asia/Jakarta", "WIB — Asia/Jakarta"),
    SelectChoice("Asia/Pontianak", "WIB — Asia/Pontianak"),
    SelectChoice("Asia/Makassar", "WITA — Asia/Makassar"),
    SelectChoice("Asia/Jayapura", "WIT — Asia/Jayapura"),
]


class SignatoryFields(Form):
    """Who signs the course's certificates; edited with the course and with its
    certificate settings."""
    signatory_position = StringField(_l("Signatory's position"),
                                     validators=[Optional(), Length(max=200)])
    signatory_name = StringField(_l("Signatory's name with titles"),
                                 validators=[Optional(), Length(max=200)])
    signatory_nip = StringField(_l("Signatory's NIP"), validators=[Optional(), Length(max=21)],
                                description=_l("18 digits; spaces are allowed."))


class CourseForm(SignatoryFields):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("Capital letters, digits and hyphens, e.g. KSP-KUTIM-2024."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    programme = StringField(_l("Programme"), validators=[Optional(), Length(max=300)],
                            description=_l("Shared by all batches of the same programme."))
    batch = IntegerField(_l("Batch (angkatan)"), default=1,
                         validators=[InputRequired(), NumberRange(min=1, max=99)])
    host_institution_id = SelectField(_l("Host institution"), coerce=optional_int,
                                      validate_choice=False)
    facilitator_institution_id = SelectField(_l("Facilitating organisation"),
                                             coerce=optional_int, validate_choice=False)
    regions = SelectMultipleField(
        _l("Regions participants come from"), validate_choice=False,
        description=_l("Kabupaten/kota, or a whole province; their kecamatan are the ones "
                       "participants may give."))
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    timezone = SelectField(_l("Time zone"), choices=TIMEZONES, default="Asia/Makassar")
    capacity = IntegerField(_l("Capacity"), default=400,
                            validators=[InputRequired(), NumberRange(min=1, max=MAX_CAPACITY)])
    min_attendance_percent = IntegerField(
        _l("Minimum attendance for a certificate (percent of JP)"), default=80,
        validators=[InputRequired(), NumberRange(min=1, max=100)])
    declared_jp = IntegerField(_l("Declared JP of material"), validators=[
                               Optional(), NumberRange(min=0, max=MAX_DECLARED_JP)],
                               description=_l("The agenda is checked against it."))
    submit = SubmitField(_l("Save"))


class RoomForm(Form):
    name = StringField(_l("Room"), validators=[DataRequired(), Length(max=100)])
    capacity = IntegerField(_l("Capacity"),
                            validators=[Optional(), NumberRange(min=1, max=MAX_CAPACITY)])
    is_plenary = BooleanField(_l("Plenary hall"))
    submit = SubmitField(_l("Add room"))


class EditRoomForm(RoomForm):
    submit = SubmitField(_l("Save room"))


class SessionForm(Form):
    day = SelectField(_l("Day"), validators=[DataRequired()])
    starts_at = TimeField(_l("Starts"), format=TIME_FORMATS, validators=[InputRequired()])
    ends_at = TimeField(_l("Ends"), format=TIME_FORMATS, validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=SessionKind.choices, default="material")
    room_id = SelectField(_l("Room"), coerce=optional_int, validate_choice=False)
    jp = IntegerField(_l("JP"), validators=[Optional(), NumberRange(min=0, max=MAX_SESSION_JP)],
                      description=_l("Empty: whole 45-minute units for material and "
                                     "simulation, 0 otherwise."))
    speakers = SelectMultipleField(_l("Speakers (narasumber)"), coerce=int,
                                   validate_choice=False)
    moderator = SelectField(_l("Moderator"), coerce=optional_int, validate_choice=False)
    facilitators = SelectMultipleField(_l("Facilitators"), coerce=int, validate_choice=False)
    description = TextAreaField(_l("Description"),
                                validators=[Optional(), fits(Session.description)])
    submit = SubmitField(_l("Save session"))


class MoveSessionForm(Form):
    day = SelectField(_l("Day"), validators=[DataRequired()])
    starts_at = TimeField(_l("New start"), format=TIME_FORMATS, validators=[InputRequired()])
    room_id = SelectField(_l("Room"), coerce=optional_int, validate_choice=False)
    submit = SubmitField(_l("Move"))


class ResizeSessionForm(Form):
    ends_at = TimeField(_l("New end"), format=TIME_FORMATS, validators=[InputRequired()])


class DuplicateDayForm(Form):
    source = SelectField(_l("Copy the sessions of"), validators=[DataRequired()])
    target = SelectField(_l("onto"), validators=[DataRequired()])
    submit = SubmitField(_l("Duplicate day"))


class CopyAgendaForm(Form):
    source_id = SelectField(_l("Earlier course or batch"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Copy its agenda"))


class ImportAgendaForm(Form):
    file = spreadsheet_field(_l("Agenda file (.xlsx or .csv)"))
    replace = BooleanField(_l("Replace the current agenda"))
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(Form):
    upload = HiddenField(validators=[DataRequired()])
    expected_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    replace = HiddenField()
    submit = SubmitField(_l("Import the agenda"))
