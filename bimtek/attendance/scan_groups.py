"""Recording scans: on SQLite in groups, one transaction for every scan waiting."""
from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from bimtek.extensions import db

# SQLite lets one connection write at a time, and each commit waits for the disk: one by
# one, scans in a rush would queue behind as many disk writes. So on SQLite, scans commit
# in groups: the scan whose turn it is records every scan waiting in this process, in one
# transaction, and each is answered once that has committed (as durable as alone). The
# processes of gunicorn's workers take turns on a lock file beside the database rather
# than by polling SQLite's lock (busy_timeout), which sleeps longer after each try.

@dataclass
class _PendingScan:
    statement: sa.TextClause
    values: dict
    row: sa.Row | None = None
    error: Exception | None = None
    done: bool = False

    def outcome(self) -> sa.Row | None:
        if self.error is not None:
            raise self.error
        return self.row


class _ScanGroups:
    def __init__(self):
        self._changed = threading.Condition()
        self._waiting: list[_PendingScan] = []
        self._writing = False

    def record(self, statement: sa.TextClause, values: dict) -> sa.Row | None:
        scan = _PendingScan(statement, values)
        with self._changed:
            self._waiting.append(scan)
            while self._writing and not scan.done:
                self._changed.wait()
            if scan.done:
                return scan.outcome()
            self._writing = True
            group, self._waiting = self._waiting, []
        try:
            with _between_processes():
                _record_group(group)
        finally:
            with self._changed:
                self._writing = False
                self._changed.notify_all()
        return scan.outcome()


_scan_groups = _ScanGroups()
_writer_files: dict[tuple[int, str], int] = {}


def _writer_file() -> int | None:
    """This process's descriptor of the database's lock file (None for a database in
    memory). Opened in each process, so that processes forked from one do not share it."""
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = (os.getpid(), database)
    if key not in _writer_files:
        _writer_files[key] = os.open(f"{database}-scans.lock", os.O_RDWR | os.O_CREAT, 0o600)
    return _writer_files[key]


@contextmanager
def _between_processes():
    descriptor = _writer_file()
    if descriptor is None:
        yield
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def _record_group(group: list[_PendingScan]) -> None:
    """Every scan of `group` in one transaction; should one fail, each in its own, so that
    only that one fails."""
    try:
        connection = db.session.connection()  # a plain statement needs nothing of the ORM's
        for scan in group:
            scan.row = connection.execute(scan.statement, scan.values).first()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        if len(group) == 1:
            group[0].error = error
        else:
            for scan in group:
                _record_group([scan])
    finally:
        for scan in group:
            scan.done = True


def record_scan(statement: sa.TextClause, values: dict) -> sa.Row | None:
    """A scan's statement run and committed; what it returned (None: nothing recorded).
    PostgreSQL commits concurrent transactions together by itself."""
    if db.engine.dialect.name == "sqlite":
        return _scan_groups.record(statement, values)
    row = db.session.connection().execute(statement, values).first()
    if row is None:
        db.session.rollback()
    else:
        db.session.commit()
    return row
