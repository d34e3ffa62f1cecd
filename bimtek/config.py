"""Settings from the environment, with embedded defaults.

Every setting is listed in the README's settings table.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"


class ConfigurationError(RuntimeError):
    """Raised at start-up when a required setting is missing."""


def _secret_key(instance_path: Path, environment: str) -> str:
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    if environment == "production":
        raise ConfigurationError("SECRET_KEY must be set when BIMTEK_ENV=production.")
    # Generated once and kept, so logins survive a restart of `make run`.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'bimtek.db'}"


def _engine_options(database_url: str) -> dict:
    """A server restart or a network drop closes a PostgreSQL connection: each is tested
    before use. A SQLite file never drops one, and the test would cost every request a
    query; opening one costs more than a scan, so each thread's is kept (a gunicorn worker
    has 8 threads; beyond the pool's default 5, connections were closed after each use).
    A database in memory is one connection, kept as it is."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return {"pool_pre_ping": True}
    if url.database in (None, "", ":memory:"):
        return {}
    return {"pool_size": 16, "max_overflow": 10}


def load(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment."""
    overrides = overrides or {}
    environment = overrides.get("BIMTEK_ENV", os.environ.get("BIMTEK_ENV", "development"))
    public_base_url = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    redis_url = os.environ.get("REDIS_URL") or None
    https = public_base_url.startswith("https://")
    config = {
        "BIMTEK_ENV": environment,
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_path, environment),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "REDIS_URL": redis_url,
        # Uploaded logos and rendered certificates; the backup copies this folder.
        "FILES_DIR": os.environ.get("BIMTEK_FILES_DIR") or str(instance_path / "files"),
        "TASKS_IMMEDIATE": os.environ.get("BIMTEK_TASKS_IMMEDIATE", "") == "1",
        "PUBLIC_BASE_URL": public_base_url,
        "PORT": int(os.environ.get("PORT", "5000")),
        # Outgoing mail: an SMTP server (see bimtek/mail/transport.py), or unset to write
        # every message to the outbox folder, readable in the app.
        "SMTP_URL": os.environ.get("BIMTEK_SMTP_URL") or "",
        "MAIL_FROM": os.environ.get("BIMTEK_MAIL_FROM") or "Bimtek <bimtek@localhost>",
        "OUTBOX_DIR": os.environ.get("BIMTEK_OUTBOX_DIR") or str(instance_path / "outbox"),
        # Self-registration: unconfirmed ones are forgotten after this many hours; the
        # limits count submissions per client address (generous: a ballroom shares one)
        # and per course.
        "REGISTRATION_CONFIRM_HOURS": int(os.environ.get("BIMTEK_REGISTRATION_CONFIRM_HOURS",
                                                         "48")),
        "REGISTER_LIMIT_ADDRESS": os.environ.get("BIMTEK_REGISTER_LIMIT_ADDRESS",
                                                 "300 per hour"),
        "REGISTER_LIMIT_COURSE": os.environ.get("BIMTEK_REGISTER_LIMIT_COURSE",
                                                "1000 per hour"),
        # A changed agenda is announced once it has not changed again for this long.
        "DIGEST_QUIET_MINUTES": int(os.environ.get("BIMTEK_DIGEST_QUIET_MINUTES", "10")),
        # The public "lost link" form, per client address.
        "LOST_LINK_LIMIT": os.environ.get("BIMTEK_LOST_LINK_LIMIT", "20 per 15 minutes"),
        "PROXY_HOPS": int(os.environ.get("BIMTEK_PROXY_HOPS", "0")),
        "DEMO_PASSWORD": os.environ.get("BIMTEK_DEMO_PASSWORD") or "bimtek-demo",
        # The demo signatory's key passphrase: the demo's key is no secret (its certificate
        # says "DEMO — bukan TTE resmi"); real signatories' passphrases are never settings.
        "DEMO_SIGNATORY_PASSPHRASE": os.environ.get("BIMTEK_DEMO_SIGNATORY_PASSPHRASE")
        or "bimtek-demo-tte",
        # A timestamp server (RFC 3161): certificates are then signed as PAdES B-T, with
        # the server's time, instead of B-B.
        "TSA_URL": os.environ.get("BIMTEK_TSA_URL", "").strip(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        # A session unused this long no longer opens: desk laptops are shared.
        "PERMANENT_SESSION_LIFETIME": timedelta(
            hours=float(os.environ.get("BIMTEK_IDLE_HOURS", "8"))),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Makassar",
        "BOOTSTRAP_SERVE_LOCAL": True,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_FAILURES_PER_ACCOUNT": os.environ.get(
            "BIMTEK_LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes"
        ),
        # Generous: a whole hotel ballroom shares one public address.
        "LOGIN_FAILURES_PER_ADDRESS": os.environ.get(
            "BIMTEK_LOGIN_LIMIT_ADDRESS", "60 per 15 minutes"
        ),
        # Per client address on the public certificate check: enough for a desk verifying
        # a stack of certificates by hand, too few to guess codes.
        "VERIFY_RATE_LIMIT": os.environ.get("BIMTEK_VERIFY_LIMIT", "30 per minute"),
        # JP of competency development each civil servant should get a year (PP 11/2017
        # art. 203(4)); an HR office's transcript measures everyone against it.
        "JP_TARGET": int(os.environ.get("BIMTEK_JP_TARGET", "20")),
    }
    config.update(overrides)
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                      _engine_options(config["SQLALCHEMY_DATABASE_URI"]))
    return config
