"""Errors raised by services and shown to the person who caused them."""
from __future__ import annotations

from flask_babel import gettext as _


class ValidationError(Exception):
    """Bad input: names the field it concerns so the form can show it there."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def check_length(text: str, column, field: str) -> str:
    """`text` when it fits `column` (a model attribute of a String(n) column), else a
    ValidationError naming the field: the same limit as the form's, for every other way in
    (imports, the command line, the API)."""
    limit = column.type.length
    if len(text) > limit:
        raise ValidationError(_("At most %(limit)d characters.", limit=limit), field=field)
    return text
