"""The reference server of benchmarks/checkins.py: a bare WSGI app whose POST stores one
row in SQLite (WAL, the pragmas of bimtek/extensions.py) and answers a small JSON object.
Served by gunicorn with the app's settings, it shows what an HTTP request with one insert
costs on this machine without Flask, SQLAlchemy or any rule.

The database file is named by REFERENCE_DATABASE; checkins.py creates its table. Run as a
script (as `make bench` does with every file here) it does nothing.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import UTC, datetime

_local = threading.local()


def _connection() -> sqlite3.Connection:
    """One connection per server thread, kept open like the app's connection pool."""
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(os.environ["REFERENCE_DATABASE"])
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000"):
            connection.execute(f"PRAGMA {pragma}")
        _local.connection = connection
    return connection


def app(environ, start_response):
    if environ["REQUEST_METHOD"] == "POST":
        scan = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        connection = _connection()
        with connection:  # one transaction, committed, per request
            connection.execute("INSERT INTO checkin (badge, nonce, received_at) VALUES (?, ?, ?)",
                               (scan["badge"], scan["nonce"], datetime.now(UTC).isoformat()))
        status, body = "201 Created", {"result": "ok"}
    else:
        status, body = "200 OK", {"status": "ok"}
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data)))])
    return [data]
