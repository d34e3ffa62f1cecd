"""Importing a file the one way every importer does (agenda, participants, MSEL): the
organiser uploads it, sees a preview with every problem named by row, and confirms; only
the confirmation writes. Between the two steps the file waits in an `UploadStash`."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect
from flask_wtf import FlaskForm

from bimtek.spreadsheets import UploadStash
from bimtek.unit_of_work import refusal_shown


def previewed_upload(form: FlaskForm, stash: UploadStash,
                     preview_file: Callable[[str, bytes], Any]) -> tuple[Any, str | None] | None:
    """For a valid upload form, the file's preview (`preview_file(filename, data)`) and,
    when it can be imported, the name it is kept under until confirmed; None otherwise."""
    if not form.validate_on_submit():
        return None
    filename, data = form.file.data.filename, form.file.data.read()
    preview = preview_file(filename, data)
    return preview, (stash.keep(filename, data) if preview.ok else None)


def confirmed_upload(form: FlaskForm, confirm: Callable[[FlaskForm], Any], *,
                     done: Callable[[Any], tuple[str, str]], refused: str):
    """Confirms a previewed file: `confirm(form)` writes it and `done(result)` gives the
    success message and where to go next. A form the preview did not produce is a 400;
    a refusal (the file changed, the agenda moved on) is said, nothing is written, and
    the organiser goes back to `refused` to upload again."""
    if not form.validate_on_submit():
        abort(400)
    with refusal_shown() as outcome:
        result = confirm(form)
    if not outcome.ok:
        return redirect(refused)
    message, next_url = done(result)
    flash(message, "success")
    return redirect(next_url)
