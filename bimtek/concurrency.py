"""How simultaneous requests are kept from racing, in one place.

Bimtek runs on SQLite (one writer at a time: a transaction takes the write lock with its
first write, never with a read) and on PostgreSQL (an UPDATE locks the rows it touches
until the transaction ends). Three UPDATE idioms serve both alike; a SELECT … FOR UPDATE
would lock nothing on SQLite.
- `lock_row`: an UPDATE that changes nothing takes the row's lock (the database's write
  lock on SQLite) at once and holds it to the end of the transaction, so what is counted
  or numbered under it cannot change meanwhile.
- `compare_and_set`: an UPDATE that names the state it expects; the number of rows it
  changed says whether this request won. Two people pressing one button change it once.
- `increment`: a counter raised in the database itself, which gives each writer its own
  value.
- `flush_or_refuse`: a unique constraint is the last word between two requests writing the
  same row; the one that loses it is told so in words.
The check-in desk's grouped commits on SQLite are in bimtek/attendance/scan_groups.py."""
from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.unit_of_work import flush_changes


def lock_row(model, row_id: int, column) -> None:
    """Hold `model`'s row `row_id` locked until the transaction ends, by setting `column`
    to itself."""
    db.session.execute(update(model).where(model.id == row_id).values({column: column}))


def compare_and_set(model, *expected, **values: Any) -> int:
    """Set `values` on the rows of `model` that are still as `expected`; the number of
    rows changed (0: someone else got there first)."""
    return db.session.execute(
        update(model).where(*expected).values(**values)
        .execution_options(synchronize_session=False)).rowcount


def increment(model, row_id: int, column, by: int = 1) -> int:
    """Raise the counter `column` of `model`'s row `row_id` by `by`; its new value."""
    return db.session.execute(
        update(model).where(model.id == row_id).values({column: column + by})
        .returning(column)).scalar_one()


def flush_or_refuse(message: str, field: str | None = None) -> None:
    """Flush; a unique constraint that a concurrent request won first becomes a
    ValidationError with `message`, and the unit of work keeps nothing."""
    try:
        flush_changes()
    except IntegrityError as error:
        raise ValidationError(message, field=field) from error
