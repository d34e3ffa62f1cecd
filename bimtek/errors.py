"""Errors raised by services and shown to the person who caused them."""
from __future__ import annotations


class ValidationError(Exception):
    """Bad input: names the field it concerns so the form can show it there."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
