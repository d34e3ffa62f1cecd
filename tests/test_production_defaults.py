"""What keeps a production install safe: no demo accounts, personal data private to the
service user whatever the umask, and every setting the code reads documented."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from bimtek import PROJECT_ROOT
from bimtek.auth.models import User
from bimtek.courses.models import Course
from bimtek.extensions import db
from tests.certificates.factories import finished_course
from tests.support.apps import build_app


def test_seed_demo_refuses_a_production_database(app, monkeypatch):
    monkeypatch.setitem(app.config, "BIMTEK_ENV", "production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: BIMTEK_ENV=production: the demo accounts and courses are never loaded here."]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(Course)) == 0


@pytest.fixture
def permissive_umask():
    """A shell whose umask lets everyone read new files, as many servers' default does."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_personal_data_is_private_to_the_service_user(tmp_path, permissive_umask):
    instance = tmp_path / "instance"
    files = tmp_path / "shared" / "files"
    app = build_app(f"sqlite:///{instance / 'bimtek.db'}", instance, FILES_DIR=str(files))
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
        course = finished_course(3)
        issued = runner.invoke(args=["issue-certificates", course.code])
        assert issued.exit_code == 0, issued.output
        backup = tmp_path / "backups" / "bimtek.tar.gz"
        result = runner.invoke(args=["backup", str(backup)])
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    written = [path for path in files.rglob("*") if path.is_file()]
    assert any(path.suffix == ".pdf" for path in written)
    assert mode(instance) == 0o700 and mode(instance / "bimtek.db") == 0o600
    assert {mode(folder) for folder in [files, *files.rglob("*")] if folder.is_dir()} == {0o700}
    assert {path.name: mode(path) for path in written} == {path.name: 0o600 for path in written}
    assert mode(backup) == 0o600


def test_an_instance_left_open_is_closed_at_start(tmp_path, permissive_umask):
    instance, files = tmp_path / "instance", tmp_path / "files"
    instance.mkdir(mode=0o755)
    files.mkdir(mode=0o755)
    database = instance / "bimtek.db"
    database.touch(mode=0o644)
    build_app(f"sqlite:///{database}", instance, FILES_DIR=str(files))
    assert (mode(instance), mode(files), mode(database)) == (0o700, 0o700, 0o600)


def test_every_setting_the_code_reads_is_in_the_readme():
    read = set()
    for source in [PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "bimtek").rglob("*.py")]:
        read |= set(re.findall(r'environ(?:\.get)?[(\[]\s*"([A-Z][A-Z0-9_]+)"',
                               source.read_text()))
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, re.MULTILINE))
    assert len(read) >= 10
    assert read - table == set()
