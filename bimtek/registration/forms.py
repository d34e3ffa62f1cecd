from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from bimtek.forms import MAX_SEARCH_LENGTH, Form, optional_int, spreadsheet_field
from bimtek.registration.models import Gender, RegistrationStatus
from bimtek.registration.services import FilterChoices


class ParticipantForm(Form):
    front_titles = StringField(_l("Front titles"), validators=[Optional(), Length(max=60)],
                               description=_l("e.g. Dr. H."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    back_titles = StringField(_l("Back titles"), validators=[Optional(), Length(max=100)],
                              description=_l("e.g. S.Sos., M.Si."))
    gender = SelectField(_l("Gender"), choices=Gender.choices)
    nik = StringField(_l("NIK"), validators=[DataRequired(), Length(max=40)],
                      description=_l("16 digits, as on the identity card (KTP)."))
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=40)],
                      description=_l("18 digits; civil servants (PNS or PPPK) only."))
    nrp = StringField(_l("NRP"), validators=[Optional(), Length(max=40)],
                      description=_l("Polri and TNI members: their registration number."))
    rank = StringField(_l("Rank (pangkat/golongan)"), validators=[Optional(), Length(max=100)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    institution_id = SelectField(_l("Institution"), coerce=optional_int, validate_choice=False)
    unit = SelectField(_l("Unit (unsur)"), validate_choice=False)
    kecamatan_id = SelectField(_l("Kecamatan"), coerce=optional_int, validate_choice=False)
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=30)],
                        description=_l("e.g. 0812-3456-7890"))
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    submit = SubmitField(_l("Register"))


class RegistrationSettingsForm(Form):
    registration_open = BooleanField(_l("Self-registration is open"))
    submit = SubmitField(_l("Save"))


class SendLinksForm(Form):
    only_new = BooleanField(_l("Only those who have not received their link yet"),
                            default=True)
    submit = SubmitField(_l("E-mail the personal links"))


class LostLinkForm(Form):
    nik = StringField(_l("NIK"), validators=[DataRequired(), Length(max=40)],
                      description=_l("16 digits, as on the identity card (KTP)."))
    contact = StringField(_l("E-mail or mobile phone you registered with"),
                          validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send my link"))


class ConfirmRegistrationForm(Form):
    submit = SubmitField(_l("Confirm my registration"))


class UnitQuotaForm(Form):
    unit = StringField(_l("Unit (unsur)"), validators=[DataRequired(), Length(max=80)])
    seats = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(min=0, max=100_000)],
                         description=_l("Empty removes the quota."))
    submit = SubmitField(_l("Set quota"))


class RegistrationFilterForm(Form):
    """Which participants a list shows, read from the query string; the participants
    list and the attendance matrix both filter this way."""

    class Meta:
        csrf = False

    institution_id = SelectField(_l("Institution"), coerce=optional_int, validate_choice=False)
    unit = SelectField(_l("Unit (unsur)"), validate_choice=False)
    kecamatan_id = SelectField(_l("Kecamatan"), coerce=optional_int, validate_choice=False)

    def offer(self, choices: FilterChoices) -> None:
        # Each filter's empty choice says which filter it is: the lists stand side by side.
        self.institution_id.choices = [
            SelectChoice("", _l("All institutions")),
            *(SelectChoice(i.id, i.short_name) for i in choices.institutions)]
        self.unit.choices = [SelectChoice("", _l("All units")),
                             *(SelectChoice(unit) for unit in choices.units)]
        self.kecamatan_id.choices = [SelectChoice("", _l("All kecamatan")),
                                     *(SelectChoice(k.id, k.name) for k in choices.kecamatan)]

    @property
    def filters(self) -> dict:
        """The choices as keyword arguments of the services that filter."""
        return {"institution_id": self.institution_id.data, "unit": self.unit.data or "",
                "kecamatan_id": self.kecamatan_id.data}


class ParticipantSearchForm(RegistrationFilterForm):
    q = StringField(_l("Name, NIK or NIP"),
                    validators=[Optional(), Length(max=MAX_SEARCH_LENGTH)])
    status = SelectField(_l("Status"), validate_choice=False, choices=[
        SelectChoice("", _l("All statuses")), *RegistrationStatus.choices()])


class ImportParticipantsForm(Form):
    file = spreadsheet_field(_l("Participant list (.xlsx or .csv)"))
    waitlist = BooleanField(_l("Put rows beyond the seats left on the waitlist"))
    submit = SubmitField(_l("Check the file"))


class ConfirmParticipantsForm(Form):
    upload = HiddenField(validators=[DataRequired()])
    waitlist = HiddenField()
    # What the organiser said about the file's unrecognised headers and unknown
    # institutions, as JSON.
    headers = HiddenField()
    institutions = HiddenField()
    submit = SubmitField(_l("Import the participants"))
