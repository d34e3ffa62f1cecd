"""Test fixtures: a real database per xdist worker (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), built by the Alembic migrations and emptied after every test.
The migrations run, and the demo is seeded, once per test run into templates that the
databases are copied from (tests/support/apps.py, DatabaseFactory)."""
from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path

import flask
import pytest

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role
from bimtek.extensions import db, init_task_queue, limiter
from bimtek.institutions import services as institution_services
from tests.support.apps import (
    DatabaseFactory,
    QueryCounter,
    build_app,
    demo_holders,
    drop_templates,
    empty_database,
    hash_passwords_quickly,
    load_demo,
)
from tests.support.web import TEST_PASSWORD

# Fixtures shared beyond one folder: the SMTP server and the HR offices' staff.
pytest_plugins = ["tests.support.smtp_server", "tests.support.hr"]



def pytest_configure(config):
    hash_passwords_quickly()


@pytest.hookimpl(trylast=True)  # after `-m` has deselected what this run leaves out
def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` belong to the PostgreSQL run, which CI makes mandatory
    (scripts/run-tests.sh); without TEST_DATABASE_URL they are reported as skipped, except
    under CI=true, where nothing may be skipped and the run stops instead."""
    if os.environ.get("TEST_DATABASE_URL"):
        return
    needing = [item for item in items if item.get_closest_marker("postgresql")]
    if needing and os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"CI=true: {len(needing)} test(s) need PostgreSQL; set TEST_DATABASE_URL.")
    needs_postgresql = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL")
    for item in needing:
        item.add_marker(needs_postgresql)


def run_folder(config) -> Path:
    """The folder every process of this test run shares: the xdist workers' temporary
    folders are made inside the main process's."""
    basetemp = config._tmp_path_factory.getbasetemp()
    return basetemp.parent if hasattr(config, "workerinput") else basetemp


def pytest_sessionfinish(session):
    """The main process, the run's last, drops the template databases made during it."""
    if not hasattr(session.config, "workerinput"):
        drop_templates(os.environ.get("TEST_DATABASE_URL"), run_folder(session.config))


@pytest.fixture(scope="session")
def database_factory(request, tmp_path_factory):
    factory = DatabaseFactory(os.environ.get("TEST_DATABASE_URL"),
                              tmp_path_factory.mktemp("databases"), run_folder(request.config))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def app(database_factory, tmp_path_factory):
    app = build_app(database_factory.create("schema"), tmp_path_factory.mktemp("instance"))
    app.extensions["test_databases"] = database_factory
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def demo(app):
    """The demo's password, with the demo in the app's database, shared by the tests that
    ask for it until one that does not, or one marked `changes_demo`, ends (see
    `_clean_state`). It is copied from the run's template, seeded once."""
    if app not in demo_holders:
        load_demo(app)
    return app.config["DEMO_PASSWORD"]


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test starts with empty tables, or with the shared demo alone when it asks for
    it; with fresh rate-limit counters; and with background tasks run at once by the suite's
    app (any app a test builds points the shared queue at itself)."""
    if "demo" not in request.fixturenames:
        for holder in list(demo_holders):
            empty_database(holder)
    if "app" in request.fixturenames:
        init_task_queue(request.getfixturevalue("app"))
    yield
    # Asked for now, as a test may have asked for the app (or the demo) only as it ran.
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    if "demo" in request.fixturenames and not request.node.get_closest_marker("changes_demo"):
        with app.app_context():
            limiter.reset()
    else:
        empty_database(app)


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
        # Within a test's own app context the account joins that unit of work.
        with nullcontext() if flask.has_app_context() else app.app_context():
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


@pytest.fixture
def client(app):
    return app.test_client()


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
