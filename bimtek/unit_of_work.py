"""One unit of work for each request, command and background task.

Services change the session and end with `flush_changes`; to refuse, they raise
ValidationError and leave the session as it is. Whoever called them ends the unit once, here:
- a request keeps what it changed when its answer is not an error (status below 400) and
  keeps nothing otherwise (`init_app`);
- a command or a task keeps what it changed when its app context ends without an
  exception, and nothing when one escapes (`init_app`);
- a view turns a refusal into a form error or a flash with `refusal_shown`, which also
  drops whatever the request had changed before it;
- a preview that tries its changes only to show them, and a task's step that fails,
  drop them with `keep_nothing`;
- a long task keeps each step as it goes with `keep_progress`, so that the page following
  it sees its progress and a failure later keeps what was done;
- a background task that reads the unit's rows is queued with `queue_after_commit`, so
  that it starts only once they are kept.
The check-in desk's scans are the one exception: on SQLite several requests' scans share
one transaction (bimtek/attendance/scan_groups.py)."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import click
from flask import Flask, Response, flash
from sqlalchemy import event
from sqlalchemy.orm import Session

from bimtek.errors import ValidationError
from bimtek.extensions import db, huey
from bimtek.forms import show_error

_WAITING = "bimtek.queued_after_commit"


def init_app(app: Flask) -> None:
    app.after_request(_end_request)
    # Registered after Flask-SQLAlchemy's, so it runs before the session is removed.
    app.teardown_appcontext(_end_context)


def _end_request(response: Response) -> Response:
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def _end_context(error: BaseException | None) -> None:
    # Click closes a command's context naming no exception, while the one the command
    # raised is still being handled; a command that succeeded raises Exit(0).
    escaping = error or sys.exc_info()[1]
    if escaping is None or isinstance(escaping, click.exceptions.Exit) \
            and escaping.exit_code == 0:
        keep_progress()  # what the context loaded stays readable once it has ended
    else:
        db.session.rollback()


@dataclass
class Outcome:
    refusal: ValidationError | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


@contextmanager
def refusal_shown(form=None, category: str | None = "danger") -> Iterator[Outcome]:
    """Runs the block; a ValidationError it raises drops the request's changes and is
    shown on `form` (on the field it names), or flashed in `category` when there is no
    form (category None: the page shows `outcome.refusal` itself). The outcome says
    which happened."""
    outcome = Outcome()
    try:
        yield outcome
    except ValidationError as refusal:
        db.session.rollback()
        outcome.refusal = refusal
        if form is not None:
            show_error(form, refusal)
        elif category is not None:
            flash(refusal.message, category)


def flush_changes() -> None:
    """A service's changes written within the unit of work. What the session holds is
    read again when next used, as after a commit, so that whatever was loaded before (a
    course's sessions, say) shows the rows just written."""
    db.session.flush()
    db.session.expire_all()


def keep_nothing() -> None:
    """Drop what the unit changed since it last kept anything: a preview applies what it
    would change only to show the outcome; a task's step that failed leaves nothing half
    done; an error page is drawn on a clean session."""
    db.session.rollback()


def keep_progress() -> None:
    """Commit a long task's work so far, without expiring what the session has loaded:
    the task goes on with the rows it holds, and expiring them would load each again."""
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def queue_after_commit(task: Callable[..., object], *args) -> None:
    """Queue the Huey `task` once the current unit of work is committed (never if it is
    rolled back), so that the worker finds the rows it reads. With tasks run at once (the
    tests), it runs now, inside this unit, and sees them already."""
    if huey.immediate:
        task(*args)
    else:
        db.session().info.setdefault(_WAITING, []).append(lambda: task(*args))


@event.listens_for(Session, "after_commit")
def _queue_waiting(session: Session) -> None:
    for queue in session.info.pop(_WAITING, []):
        queue()


@event.listens_for(Session, "after_rollback")
def _drop_waiting(session: Session) -> None:
    session.info.pop(_WAITING, None)
