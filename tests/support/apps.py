"""The app under test: the databases it runs on, its test client, and emptying it between tests."""
from __future__ import annotations

import fcntl
import functools
import sqlite3
import sys
import uuid
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from werkzeug import security

from bimtek import create_app
from bimtek.extensions import db, limiter

# The file, in the folder a test run's processes share, that names the template databases
# made during the run, for the run's last step to drop (tests/conftest.py).
TEMPLATE_LIST = "template-databases"


class DatabaseFactory:
    """Creates databases on the server under test and drops them afterwards, so leftovers
    of an earlier run can never leak into this one. Each starts as a copy of a template made
    once per test run (by whichever of the run's processes needs it first): `schema`, the
    migrations applied to an empty database, or `demo`, the demo seeded on top of that.
    Copying one takes well under a second, where migrating takes seconds and seeding the
    demo tens of seconds. On PostgreSQL a database skips waiting for its commits to reach
    the disk: a test never survives a crash of the server."""

    def __init__(self, server_url: str | None, directory: Path, run_folder: Path):
        self.server_url = sa.engine.make_url(server_url) if server_url else None
        self.directory = directory
        self.run_folder = run_folder
        self.created: list[str] = []
        self.templates: dict[str, str] = {}
        self.admin = (sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT")
                      if self.server_url else None)

    @property
    def is_postgresql(self) -> bool:
        return self.server_url is not None

    def _admin(self, *statements: str) -> None:
        with self.admin.connect() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))

    def _new_database(self, name: str, template: str | None) -> str:
        """An empty database, or a copy of `template`; its URL."""
        if not self.is_postgresql:
            path = self.directory / f"{name}.db"
            if template:
                _sqlite_copy(sa.engine.make_url(template).database, str(path))
            return f"sqlite:///{path}"
        source = f' TEMPLATE "{sa.engine.make_url(template).database}"' if template else ""
        self._admin(f'CREATE DATABASE "{name}"{source}',
                    f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        """The URL of a new database: empty, or a copy of the `schema` or `demo` template."""
        name = f"bimtek_test_{uuid.uuid4().hex[:12]}"
        url = self._new_database(name, self.template(template) if template else None)
        if self.is_postgresql:
            self.created.append(name)
        return url

    def template(self, kind: str) -> str:
        """The URL of this run's `schema` or `demo` template, made when first asked for."""
        if kind not in self.templates:
            with open(self.run_folder / f"{kind}.lock", "a+") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                lock.seek(0)
                self.templates[kind] = lock.read() or self._make_template(kind, lock)
        return self.templates[kind]

    def _make_template(self, kind: str, record) -> str:
        name = f"bimtek_template_{kind}_{uuid.uuid4().hex[:12]}"
        if self.is_postgresql:
            with open(self.run_folder / TEMPLATE_LIST, "a") as listed:
                listed.write(name + "\n")
        folder = self.run_folder / name
        folder.mkdir()
        directory, self.directory = self.directory, folder
        try:
            url = self._new_database(name, self.template("schema") if kind == "demo" else None)
        finally:
            self.directory = directory
        app = build_app(url, folder / "instance")
        with app.app_context():
            if kind == "schema":
                upgrade()
            else:
                # The demo as `make run` loads it.
                result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
                assert result.exit_code == 0 and "Demo data ready" in result.output, \
                    result.output
            db.session.commit()  # the command ran in this context, which ends its unit here
            db.engine.dispose()
        record.write(url)
        record.flush()
        return url

    def restore(self, app, kind: str) -> None:
        """`app`'s database made a copy of the `schema` or `demo` template again."""
        template = self.template(kind)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
            url = db.engine.url
            if self.is_postgresql:
                self._admin(f'DROP DATABASE "{url.database}" WITH (FORCE)')
                self._new_database(url.database, template)
            else:
                with db.engine.connect() as connection, \
                        closing(sqlite3.connect(sa.engine.make_url(template).database)) as source:
                    source.backup(connection.connection.dbapi_connection)
                db.engine.dispose()
            limiter.reset()

    def drop_all(self) -> None:
        if self.created:
            self._admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                          for name in self.created))
        if self.admin is not None:
            self.admin.dispose()


def drop_templates(server_url: str | None, run_folder: Path) -> None:
    """Drops the template databases a test run made on the server, once the run is over."""
    listed = run_folder / TEMPLATE_LIST
    if not server_url or not listed.exists():
        return
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for name in listed.read_text().split():
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _sqlite_copy(source_path: str, target_path: str) -> None:
    with closing(sqlite3.connect(source_path)) as source, \
            closing(sqlite3.connect(target_path)) as target:
        source.backup(target)


# scrypt at werkzeug's default cost (n=2**15) takes a tenth of a second or more for each
# password set or checked, and most tests create accounts and log in: the tests' passwords
# are hashed with the same scrypt at n=2**10. A hash states its own cost, so checking one
# needs nothing changed.
TEST_PASSWORD_HASH = "scrypt:1024:8:1"


def hash_passwords_quickly() -> None:
    """Every module of the app imported so far hashes passwords at the tests' cost."""
    quick = functools.partial(security.generate_password_hash, method=TEST_PASSWORD_HASH)
    for name, module in list(sys.modules.items()):
        if name.startswith("bimtek") and \
                getattr(module, "generate_password_hash", None) is security.generate_password_hash:
            module.generate_password_hash = quick
    from bimtek.auth import services
    services._UNKNOWN_USER_HASH = quick("no such account")


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


def load_demo(app) -> None:
    """The app's database made a copy of the test run's demo, seeded once into a template."""
    app.extensions["test_databases"].restore(app, "demo")
    demo_holders.add(app)


def empty_database(app) -> None:
    """Every table emptied and the rate-limit counters reset. A database holding the demo
    is made a copy of the empty template instead: quicker than deleting the demo's rows."""
    if app in demo_holders and "test_databases" in app.extensions:
        app.extensions["test_databases"].restore(app, "schema")
        demo_holders.discard(app)
        return
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            deletes = [table.delete() for table in reversed(db.metadata.sorted_tables)]
            if connection.dialect.name == "postgresql":
                # One round trip to the server rather than one per table.
                connection.exec_driver_sql("; ".join(
                    str(delete.compile(dialect=connection.dialect)) for delete in deletes))
            else:
                for delete in deletes:
                    connection.execute(delete)
        limiter.reset()
    demo_holders.discard(app)


class OwnContextRunner(FlaskCliRunner):
    """Runs each command in an app context of its own, as the shell does, even inside a
    test that holds one (the `english` fixture's): the command's unit of work is kept
    when it succeeds and dropped when it fails, apart from the test's."""

    def invoke(self, *args, **kwargs):
        with self.app.app_context():
            result = super().invoke(*args, **kwargs)
            if result.exit_code != 0:
                db.session.rollback()
        return result


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
