from pathlib import Path

import pytest
import sqlalchemy as sa

from bimtek import config, create_app
from bimtek.extensions import db


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.load(tmp_path)["SECRET_KEY"]
    second = config.load(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("BIMTEK_ENV", "production")
    with pytest.raises(config.ConfigurationError, match="SECRET_KEY"):
        create_app(instance_path=tmp_path)


def test_defaults_to_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = config.load(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'bimtek.db'}"
    assert settings["PORT"] == 5000
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"


def test_environment_settings_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db.example/bimtek")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bimtek.example.go.id/")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("BIMTEK_DEMO_PASSWORD", "coba-saja")
    settings = config.load(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.example/bimtek"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert settings["PUBLIC_BASE_URL"] == "https://bimtek.example.go.id"
    assert settings["PORT"] == 8080
    assert settings["DEMO_PASSWORD"] == "coba-saja"
    # Behind HTTPS the session cookie is only ever sent encrypted.
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{tmp_path / 'pragma.db'}"}, instance_path=tmp_path)
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    unreachable = tmp_path / "missing-dir" / "nothing.db"
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{unreachable}"},
                     instance_path=tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert not Path(unreachable).exists()


def test_every_page_has_an_icon_and_the_old_address_finds_it(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith("<svg")
    response.close()


def test_footer_shows_the_version(client):
    from bimtek import __version__

    assert f"Versi {__version__}" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/login", "/me/not-a-token", "/api/v1/openapi.json",
                                 "/static/js/desk.js", "/healthz"])
def test_no_answer_may_be_framed_sniffed_or_leak_its_url_as_a_referrer(client, url):
    headers = client.get(url).headers
    policy = dict(directive.split(" ", 1) for directive in
                  headers["Content-Security-Policy"].split("; "))
    # Scripts and styles from this server only: no inline script, handler or style applies.
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(("base_url", "sent"), [("https://bimtek.kutaitimurkab.go.id", True),
                                                ("http://127.0.0.1:5000", False)])
def test_strict_transport_security_is_sent_when_the_public_address_is_https(
        tmp_path, monkeypatch, base_url, sent):
    monkeypatch.setenv("PUBLIC_BASE_URL", base_url)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
                     instance_path=tmp_path)
    headers = app.test_client().get("/login").headers
    assert ("Strict-Transport-Security" in headers) is sent
    if sent:
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
