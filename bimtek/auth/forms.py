from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from bimtek.auth.models import COURSE_ROLES, Role
from bimtek.forms import MAX_PASSWORD_LENGTH, MAX_SEARCH_LENGTH, Form


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def account_email(_form, field) -> None:
    """A syntactically valid address; `.test` is allowed because demo accounts use it."""
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise ValidationError(_l("This is not a valid e-mail address.")) from error


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH),
                    EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class UserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), account_email, Length(max=254)])
    roles = MultiCheckboxField(_l("Roles"), choices=Role.choices, validators=[DataRequired()])
    institutions = MultiCheckboxField(
        _l("Institutions (HR accounts only)"), coerce=int, validate_choice=False
    )
    issuing_institutions = MultiCheckboxField(
        _l("May issue certificates in the name of (organisers only)"), coerce=int,
        validate_choice=False
    )
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(max=MAX_PASSWORD_LENGTH)],
        description=_l("Leave empty to keep the current password."),
    )
    submit = SubmitField(_l("Save"))


class CourseAssignmentForm(Form):
    course_id = SelectField(_l("Course"), coerce=int, validate_choice=False)
    role = SelectField(
        _l("Role in the course"), choices=[SelectChoice(r.value, r.label) for r in COURSE_ROLES]
    )
    submit = SubmitField(_l("Assign"))


class UserSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Search name or e-mail"),
                    validators=[Optional(), Length(max=MAX_SEARCH_LENGTH)])
    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("All roles")), *Role.choices()],
                       validators=[Optional()])
