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
    """`text` when it fits `column` (a model attribute of a String(n) column, or a length),
    else a ValidationError naming the field: the same limit as the form's, for every other
    way in (imports, the command line, the API)."""
    limit = column if isinstance(column, int) else column.type.length
    if len(text) > limit:
        raise ValidationError(_("At most %(limit)d characters.", limit=limit), field=field)
    return text


class ValidationErrors(ValidationError):
    """Bad input in several fields at once, so that a form shows each message next to its
    field in one answer. Read as a single error, it is the first."""

    def __init__(self, errors: list[ValidationError]):
        super().__init__(errors[0].message, errors[0].field)
        self.errors = errors


class ErrorCollector:
    """Checks several fields and reports them all: each `with errors:` block keeps the
    ValidationError it raises and goes on; `raise_any()` raises them together."""

    def __init__(self):
        self.errors: list[ValidationError] = []

    def __enter__(self) -> ErrorCollector:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, ValidationError):
            self.errors.extend(getattr(error, "errors", [error]))
            return True
        return False

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationErrors(self.errors)
