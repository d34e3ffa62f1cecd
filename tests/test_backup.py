"""Backup while the check-in desk keeps scanning, restore into an empty instance, and the
archives and instances a restore refuses (SQLite, and PostgreSQL when TEST_DATABASE_URL
is set)."""
from __future__ import annotations

import io
import json
import os
import tarfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import func, select

from bimtek import backup
from bimtek.attendance.models import Attendance
from bimtek.attendance.scanning import CheckInResult, check_in
from bimtek.certificates import storage
from bimtek.courses import services as course_services
from bimtek.extensions import db
from tests.attendance.factories import course_running_today
from tests.factories import make_course
from tests.support.apps import build_app

PARTICIPANTS = 300
# Scans committed before the backup starts, so it is taken in the middle of the stream.
HEAD_START = 60
CODE = "KSP-KUTIM-2024"


class Instance:
    """One Bimtek installation: its own database and its own files folder."""

    def __init__(self, database_factory, folder: Path):
        self.app = build_app(database_factory.create(), folder,
                             FILES_DIR=str(folder / "files"))
        self.files = folder / "files"

    def cli(self, *args):
        return self.app.test_cli_runner().invoke(args=[str(arg) for arg in args])

    def records(self) -> dict[str, tuple]:
        """Every attendance record by nonce: who, which session, when and how."""
        with self.app.app_context():
            found = {nonce: tuple(rest) for nonce, *rest in db.session.execute(select(
                Attendance.nonce, Attendance.registration_id, Attendance.session_id,
                Attendance.happened_at, Attendance.status))}
            db.session.remove()
        return found

    def count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(Attendance))

    def file_contents(self) -> dict[str, bytes]:
        return {str(path.relative_to(self.files)): path.read_bytes()
                for path in sorted(self.files.rglob("*")) if path.is_file()}

    def close(self):
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def instances(app, database_factory, tmp_path):
    made = []

    def make(name: str) -> Instance:
        made.append(Instance(database_factory, tmp_path / name))
        return made[-1]

    yield make
    for instance in made:
        instance.close()


@pytest.fixture
def source(instances):
    """A course in session with its participants, a certificate PDF, a logo, and a PDF
    still being written (which no backup should carry)."""
    instance = instances("source")
    with instance.app.app_context():
        upgrade()
        course, _session, registrations = course_running_today(
            CODE, [f"Peserta {n}" for n in range(1, PARTICIPANTS + 1)], capacity=PARTICIPANTS)
        certificates = storage.certificate_folder(course)
        logos = storage.logo_folder(course)
        instance.badges = [registration.badge_code for registration in registrations]
    certificates.mkdir(parents=True)
    logos.mkdir(parents=True)
    (certificates / "001-BIMTEK-X-2024.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(40_000))
    (logos / "host.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2_000))
    (certificates / ".002-BIMTEK-X-2024.pdf.k3j9").write_bytes(b"%PDF-1.7\nhalf")
    return instance


def stream_check_ins(instance: Instance, committed: list[str], stop: threading.Event,
                     errors: list) -> threading.Thread:
    """The desk scanning one badge after another until stopped; a nonce is appended to
    `committed` only once its check-in has been committed."""

    def desk():
        with instance.app.app_context():
            course = course_services.find_course(CODE)
            try:
                for serial, badge in enumerate(instance.badges):
                    if stop.is_set():
                        break
                    nonce = f"scan-{serial}"
                    assert check_in(course, badge, nonce=nonce,
                                    scanner="token:1").result == CheckInResult.OK
                    committed.append(nonce)
            except Exception as error:  # noqa: BLE001 — collected and asserted by the test
                errors.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=desk)
    thread.start()
    return thread


def wait_for(committed: list, count: int, thread: threading.Thread) -> None:
    while len(committed) < count and thread.is_alive():
        thread.join(0.005)


def test_a_backup_during_check_ins_restores_everything_committed_before_it(
        source, instances, tmp_path):
    archive = tmp_path / "bimtek-backup.tar.gz"
    committed, errors, stop = [], [], threading.Event()
    desk = stream_check_ins(source, committed, stop, errors)
    wait_for(committed, HEAD_START, desk)
    before_backup, count_before = list(committed), source.count()
    result = source.cli("backup", archive)
    count_after = source.count()
    stop.set()
    desk.join()
    assert errors == [] and result.exit_code == 0, result.output
    assert "Cadangan ditulis ke" in result.output
    assert HEAD_START <= count_before <= count_after < PARTICIPANTS

    target = instances("target")
    restored = target.cli("restore", archive)
    assert restored.exit_code == 0, restored.output
    assert "dipulihkan" in restored.output and "flask db upgrade" not in restored.output

    records, at_source = target.records(), source.records()
    assert set(before_backup) <= set(records)  # nothing committed before the backup is lost
    assert count_before <= len(records) <= count_after  # one moment of the stream
    assert {nonce: at_source[nonce] for nonce in records} == records
    files = source.file_contents()
    assert target.file_contents() == {name: content for name, content in files.items()
                                      if not Path(name).name.startswith(".")}
    with target.app.app_context():
        course = course_services.find_course(CODE)
        assert len(course.sessions) == 1
        assert check_in(course, source.badges[-1], nonce="after-restore").result == \
            CheckInResult.OK
    print(f"\nbackup during check-ins: {count_after - count_before} streamed while it ran, "
          f"{len(records)} restored, {len(set(before_backup) - set(records))} lost")

    # The target now holds data of its own: a second restore is refused and changes nothing.
    kept = target.records(), target.file_contents()
    refused = target.cli("restore", archive)
    assert refused.exit_code == 1 and "tidak kosong" in refused.output
    assert "attendance" in refused.output and str(target.files) in refused.output
    assert (target.records(), target.file_contents()) == kept

    forced = target.cli("restore", archive, "--force")
    assert forced.exit_code == 0, forced.output
    assert target.records() == records


def tar_gz(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


def manifest(**fields) -> bytes:
    return json.dumps({"format": backup.FORMAT, "app_version": "0.1.0", "revision": "0008",
                       "created_at": "2024-10-28T00:00:00Z", "database": "sqlite",
                       **fields}).encode()


KINDS = set(backup.DATABASE_MEMBERS)


@pytest.mark.parametrize("case, message", [
    ("not an archive", "bukan arsip .tar.gz"),
    ("no manifest", "manifesnya tidak ada"),
    ("foreign manifest", "bukan cadangan Bimtek yang dapat dibaca"),
    ("other database", "Cadangan berisi basis data"),
    ("unknown revision", "lebih baru daripada Bimtek ini"),
    ("no database", "tidak berisi basis data"),
    ("damaged database", {"sqlite": "Basis data dalam cadangan rusak",
                          "postgresql": "pg_restore gagal"}),
])
def test_a_foreign_or_damaged_archive_is_refused_and_changes_nothing(
        instances, tmp_path, case, message):
    target = instances("target")
    with target.app.app_context():
        own = backup.database_kind()
    file = tmp_path / "upload.tar.gz"
    if case == "not an archive":
        file.write_bytes(b"PK\x03\x04 a spreadsheet, not a backup")
    else:
        tar_gz(file, {
            "no manifest": {"notes.txt": b"holiday photos"},
            "foreign manifest": {backup.MANIFEST: manifest(format="someone-else/3")},
            "other database": {backup.MANIFEST: manifest(database=(KINDS - {own}).pop())},
            "unknown revision": {backup.MANIFEST: manifest(database=own, revision="9999")},
            "no database": {backup.MANIFEST: manifest(database=own)},
            "damaged database": {backup.MANIFEST: manifest(database=own),
                                 backup.DATABASE_MEMBERS[own]: b"SQLite format 3\x00 cut"},
        }[case])
    result = target.cli("restore", file)
    message = message[own] if isinstance(message, dict) else message
    assert result.exit_code == 1 and message in result.output, result.output
    with target.app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
    assert not target.files.exists()


def test_a_truncated_backup_is_refused(source, instances, tmp_path):
    archive = tmp_path / "full.tar.gz"
    assert source.cli("backup", archive).exit_code == 0
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = instances("target")
    result = target.cli("restore", cut)
    assert result.exit_code == 1 and "rusak" in result.output, result.output
    with target.app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
    assert not target.files.exists()


def test_an_older_backup_restores_into_an_upgraded_empty_instance(instances, tmp_path):
    """The target ran `flask db upgrade` before anyone restored into it: the tables the
    backup's revision lacks go too, so the upgrade the command asks for can run."""
    old = instances("old")
    with old.app.app_context():
        upgrade(revision="0001")
    archive = tmp_path / "old.tar.gz"
    assert old.cli("backup", archive).exit_code == 0
    target = instances("target")
    with target.app.app_context():
        upgrade()
    result = target.cli("restore", archive)
    assert result.exit_code == 0, result.output
    assert "jalankan `flask db upgrade` sekarang" in result.output
    with target.app.app_context():
        assert "attendance" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        make_course(CODE)
        assert course_services.find_course(CODE) is not None
