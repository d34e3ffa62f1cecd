"""Test fixtures: a real database per xdist worker (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), built by the Alembic migrations and emptied after every test."""
from __future__ import annotations

import os
import re
import uuid

import flask
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from bimtek import create_app
from bimtek.auth import services as auth_services
from bimtek.auth.models import Role
from bimtek.extensions import db, init_task_queue, limiter
from bimtek.speakers import services as institution_services
from tests.smtp_server import outbox, smtp, stopped_smtp  # noqa: F401  (fixtures)

TEST_PASSWORD = "rahasia-123"
# The scale-out test runs its servers on PostgreSQL: it belongs to the PostgreSQL run, which
# CI makes mandatory (scripts/run-tests.sh).
collect_ignore = [] if os.environ.get("TEST_DATABASE_URL") else ["test_scale_out.py"]


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


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory):
    factory = DatabaseFactory(os.environ.get("TEST_DATABASE_URL"),
                              tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


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


@pytest.fixture(scope="session")
def app(database_factory, tmp_path_factory):
    app = build_app(database_factory.create(), tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test starts with empty tables, fresh rate-limit counters, and background tasks
    run at once by the suite's app (any app a test builds points the shared queue at
    itself)."""
    if "app" in request.fixturenames:
        init_task_queue(request.getfixturevalue("app"))
    yield
    if "app" not in request.fixturenames:
        return
    empty_database(request.getfixturevalue("app"))


def empty_database(app) -> None:
    """Every table emptied and the rate-limit counters reset."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()


@pytest.fixture
def english(app):
    """A request in English whatever the catalogue holds, so assertions stay exact."""
    with app.test_request_context():
        flask.session["locale"] = "en"
        yield


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def make_user(app):
    """Create an account; `institutions` are short names, created when missing."""

    def make(email, *roles, institutions=(), name=None, password=TEST_PASSWORD):
        with app.app_context():
            existing = {i.short_name for i in institution_services.list_institutions()}
            for short_name in set(institutions) - existing:
                institution_services.save_institution(
                    None, name=f"{short_name} (full name)", short_name=short_name
                )
            user = auth_services.save_user(
                None,
                email=email,
                name=name or email.split("@")[0].title(),
                roles=[Role(r) for r in roles],
                password=password,
                institution_ids=[
                    i.id for i in institution_services.find_by_short_names(institutions)
                ],
            )
            return user.id

    return make


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(client) -> str:
    """A valid token for this client's session, read from a rendered form."""
    html = client.get("/login", follow_redirects=True).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, "no form with a CSRF token on the page"
    return next(group for group in match.groups() if group)


def post(client, url, data=None, **kwargs):
    """POST like a browser does: with the form's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def login(client, email, password=TEST_PASSWORD):
    response = post(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, f"login as {email} failed"
    return response


@pytest.fixture
def client(app):
    return app.test_client()


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


@pytest.fixture
def count_queries(app):
    with app.app_context():
        engine = db.engine
    return lambda: QueryCounter(engine)


@pytest.fixture
def fetched(monkeypatch):
    """The URLs WeasyPrint asks bimtek.pdf's fetcher for, while rendering in this test."""
    from bimtek import pdf

    urls = []
    original = pdf.StaticFilesOnly.fetch

    def recording_fetch(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.StaticFilesOnly, "fetch", recording_fetch)
    return urls
