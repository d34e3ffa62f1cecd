from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from bimtek.attendance.models import EligibilityOverride
from bimtek.certificates.models import Certificate, CertificateSettings, Signatory
from bimtek.courses.forms import SignatoryFields
from bimtek.forms import Form, fits, optional_int


class CertificateSettingsForm(SignatoryFields):
    number_pattern = StringField(
        _l("Number pattern"), validators=[DataRequired(), Length(max=120)],
        description=_l("{seq:03} is the running number with three digits; also {year}, "
                       "{month}, {month_roman} and {course}."))
    izin_counts = BooleanField(_l("Excused absence (izin) counts as attended"))
    training_kind = StringField(
        _l("Kind of development"), validators=[DataRequired(),
                                               fits(CertificateSettings.training_kind)],
        description=_l("As the civil-servant system's training history names it: Bimtek, "
                       "Kursus, Seminar, Workshop …"))
    heading = TextAreaField(_l("Heading lines"),
                            validators=[Optional(), fits(CertificateSettings.heading)],
                            description=_l("Above SERTIFIKAT, one line each, e.g. "
                                           "PEMERINTAH KABUPATEN KUTAI TIMUR."))
    statement = TextAreaField(_l("Statement of participation"),
                              validators=[DataRequired(), fits(CertificateSettings.statement)],
                              description=_l("Placeholders: {course}, {dates}, {place}, {jp}."))
    signing_place = StringField(_l("Place of signing"),
                                validators=[Optional(), Length(max=100)])
    signing_date = DateField(_l("Date of signing"), validators=[Optional()],
                             description=_l("Empty: the last day of the course."))
    signatory_id = SelectField(
        _l("Electronic signature (TTE)"), coerce=optional_int, validate_choice=False,
        description=_l("A signatory registered by an administrator for an institution you "
                       "issue for: the certificates are signed with their key and print "
                       "their name, position and NIP."))
    submit = SubmitField(_l("Save"))


MAX_PASSPHRASE = 200  # passphrases are typed, never stored: the form's limit is the only one


class SignatoryForm(Form):
    name = StringField(_l("Name with titles"), validators=[DataRequired(),
                                                          fits(Signatory.name)])
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=21)])
    position = StringField(_l("Position"), validators=[DataRequired(),
                                                       fits(Signatory.position)])
    institution_id = SelectField(_l("Institution"), coerce=optional_int,
                                 validate_choice=False)
    key_file = FileField(_l("Key file (PKCS#12: .p12 or .pfx)"), validators=[FileRequired()])
    passphrase = PasswordField(
        _l("Passphrase of the key file"), validators=[Length(max=MAX_PASSPHRASE)],
        description=_l("Used once, to check that it opens the file; never stored."),
        render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Register signatory"))


class IssueForm(Form):
    passphrase = PasswordField(_l("Passphrase of the signatory's key"),
                               validators=[Length(max=MAX_PASSPHRASE)],
                               render_kw={"autocomplete": "off"})
    accept_jp_gap = BooleanField(_l("The certificates state the agenda's JP: that is right."))


class LogoForm(Form):
    file = FileField(_l("PNG or SVG file, at most 1 MB"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))


class VerifyUploadForm(Form):
    file = FileField(_l("The certificate's PDF file"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class OverrideForm(Form):
    eligible = IntegerField(widget=HiddenInput())
    reason = StringField(_l("Reason for the decision"),
                         validators=[DataRequired(), fits(EligibilityOverride.reason)])


class RevokeForm(Form):
    reason = StringField(_l("Reason for revoking"),
                         validators=[DataRequired(), fits(Certificate.revoked_reason)])


class StaffFilterForm(Form):
    """Which course's certificates an HR office looks at, read from the query string."""

    class Meta:
        csrf = False

    course_id = SelectField(_l("Course"), coerce=optional_int, validate_choice=False)
    q = StringField(_l("Name or NIP"), validators=[Optional(), Length(max=100)])


class TranscriptFilterForm(Form):
    """Which year, institution and unit of the JP transcript an HR office looks at."""

    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=optional_int, validate_choice=False)
    institution_id = SelectField(_l("Institution"), coerce=optional_int,
                                 validate_choice=False)
    unit = SelectField(_l("Unit"), validate_choice=False)
    q = StringField(_l("Name or NIP"), validators=[Optional(), Length(max=100)])
    below = BooleanField(_l("Only those below the target"))
