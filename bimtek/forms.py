"""The base form: WTForms' own messages in the user's language.

WTForms ships no Indonesian catalogue, so its built-in messages are listed here for
extraction and translated in Bimtek's own catalogue.
"""
from __future__ import annotations

import flask_babel
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms.validators import Length

WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid decimal value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _ln("Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.", 1),
    _ln("Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.", 1),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid input."),
)


class _BabelTranslations:
    """What WTForms expects of a translations object, answered by Flask-Babel."""

    def gettext(self, string: str) -> str:
        return flask_babel.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Unformatted: WTForms fills in %(min)d/%(max)d itself, which Flask-Babel's
        # ngettext (formatting with only `num`) would choke on.
        return flask_babel.get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _BabelTranslations()


def fits(column) -> Length:
    """The field may hold what `column` (a model attribute of a String(n) column) holds:
    form and column give the same limit, from one number."""
    return Length(max=column.type.length)


# What a person types into a search box or a password field is never stored as typed.
MAX_SEARCH_LENGTH = 100
MAX_PASSWORD_LENGTH = 200


def spreadsheet_field(label) -> FileField:
    """An upload of one .xlsx or .csv file, the formats every importer reads."""
    return FileField(label, validators=[
        FileRequired(), FileAllowed(["xlsx", "csv"], _l("Choose an .xlsx or .csv file."))])


def optional_int(value) -> int | None:
    """Coerce a select's value where the empty choice means 'none'."""
    return int(value) if value not in (None, "", "None") else None


def show_error(form, error) -> None:
    """Put a service's ValidationError on the field it names, or on the form itself; each
    of a ValidationErrors on its own field, except where the form's own check already
    put a message."""
    for one in getattr(error, "errors", [error]):
        field = getattr(form, one.field, None) if one.field else None
        if field is None or not hasattr(field, "errors"):
            form.form_errors.append(one.message)
        elif one is error or not field.errors:
            field.errors = [*field.errors, one.message]
