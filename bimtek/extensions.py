"""Extension objects, created unbound and initialised in create_app()."""
from __future__ import annotations

import sqlite3
from contextlib import nullcontext
from pathlib import Path

from flask import Flask, has_app_context
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address)
# Background jobs (PDF batches). Until create_app() configures it, tasks run in-process.
huey = Huey("bimtek", immediate=True)
_task_app: Flask | None = None


def init_task_queue(app: Flask) -> None:
    """Huey on Redis when REDIS_URL is set, else on SQLite beside the database; tasks run
    at once in the calling process when TASKS_IMMEDIATE is set (the tests)."""
    global _task_app
    _task_app = app
    config, instance_path = app.config, Path(app.instance_path)
    if config["REDIS_URL"]:
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": config["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": str(instance_path / "tasks.db")}
    huey.immediate = config["TASKS_IMMEDIATE"]
    huey.storage = huey.create_storage()


def task_context():
    """The app context a task runs in: the caller's when run at once, else the worker's."""
    return nullcontext() if has_app_context() else _task_app.app_context()


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, _connection_record) -> None:
    """WAL lets the check-in desk write while reports read; SQLite needs FKs switched on."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
