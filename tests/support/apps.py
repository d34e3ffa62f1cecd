"""The app under test: the databases it runs on, its test client, and emptying it between tests."""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask.testing import FlaskClient

from bimtek import create_app
from bimtek.extensions import db, limiter


class DatabaseFactory:
    """Creates empty databases on the server under test and drops them afterwards,
    so leftovers of an earlier run can never leak into this one."""

    def __init__(self, server_url: str | None, directory):
        self.server_url = sa.engine.make_url(server_url) if server_url else None
        self.directory = directory
        self.created: list[str] = []

    def _admin_engine(self):
        return sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        name = f"bimtek_test_{uuid.uuid4().hex[:12]}"
        if self.server_url is None:
            return f"sqlite:///{self.directory / (name + '.db')}"
        engine = self._admin_engine()
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.created.append(name)
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        engine = self._admin_engine()
        with engine.connect() as connection:
            for name in self.created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


class ClosingClient(FlaskClient):
    """Reads each answer whole and closes it and the request body at once, as a browser
    and a WSGI server do, so a file sent with send_file or a large upload spooled to a
    temporary file is closed now rather than whenever the garbage collector gets to it."""

    def open(self, *args, buffered: bool = True, **kwargs):
        response = super().open(*args, buffered=buffered, **kwargs)
        for answered in [*response.history, response]:
            answered.request.environ["wsgi.input"].close()
        return response


def build_app(database_url: str, instance_path, **overrides):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "TASKS_IMMEDIATE": True,
            **overrides,
        },
        instance_path=instance_path,
    )
    app.test_client_class = ClosingClient
    return app


# The apps whose database holds the demo, which the tests asking for it share until a test
# that does not ask for it, or one marked `changes_demo`, empties the database.
demo_holders: set = set()


def empty_database(app) -> None:
    """Every table emptied and the rate-limit counters reset."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()
    demo_holders.discard(app)


class QueryCounter:
    """Counts the SQL statements the app sends while active."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _count(self, *_args):
        self.count += 1

    def __enter__(self):
        self.count = 0
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)
