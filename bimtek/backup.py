"""Backup and restore: the database, the files folder (logos, certificate PDFs) and a
manifest in one .tar.gz, taken while the app keeps serving."""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

import click
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from bimtek import __version__
from bimtek.extensions import db
from bimtek.spreadsheets import UploadStash
from bimtek.timeutil import utcnow

FORMAT = "bimtek-backup/1"
MANIFEST = "manifest.json"
FILES = "files"
# The database's member in the archive, by SQLAlchemy dialect name.
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# What a truncated or foreign file raises while it is read as a .tar.gz.
ARCHIVE_ERRORS = (OSError, EOFError, zlib.error, tarfile.TarError)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Manifest:
    format: str
    app_version: str
    revision: str
    created_at: str
    database: str


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    head: str

    @property
    def needs_upgrade(self) -> bool:
        return self.manifest.revision != self.head


def database_kind() -> str:
    kind = db.engine.dialect.name
    if kind not in DATABASE_MEMBERS:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(kind)s.", kind=kind))
    return kind


def _current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def _files_dir() -> Path:
    return Path(current_app.config["FILES_DIR"])


# --- PostgreSQL through its own tools ------------------------------------------------------

def _pg_command(program: str, *arguments: str) -> None:
    """Runs pg_dump or pg_restore on DATABASE_URL; the password goes in the environment so
    it never shows in the process list."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(_("%(program)s is not installed. Install the Debian package "
                            "postgresql-client, then try again.", program=program))
    url = db.engine.url
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = url.password
    target = url.set(drivername="postgresql", password=None).render_as_string()
    done = subprocess.run([executable, f"--dbname={target}", *arguments],
                          capture_output=True, text=True, env=environment)
    if done.returncode != 0:
        raise BackupError(_("%(program)s failed: %(error)s", program=program,
                            error=done.stderr.strip()))


def _drop_all_tables() -> None:
    """pg_restore only replaces what the dump holds: tables of a newer schema left in the
    target would make the next `flask db upgrade` fail."""
    with db.engine.begin() as connection:
        existing = sa.MetaData()
        existing.reflect(bind=connection)
        existing.drop_all(bind=connection)


# --- SQLite through its online backup API --------------------------------------------------

def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # One step: the copy is a single read transaction, a consistent snapshot, while the
    # check-in desk keeps writing through WAL.
    source.backup(target)


def _dump_database(kind: str, path: Path) -> None:
    if kind == "postgresql":
        _pg_command("pg_dump", "--format=custom", f"--file={path}")
        return
    with db.engine.connect() as connection, closing(sqlite3.connect(path)) as target:
        _sqlite_copy(connection.connection.dbapi_connection, target)


def _load_database(kind: str, path: Path) -> None:
    # Connections pooled before the restore would keep reading the old schema's pages.
    db.session.remove()
    db.engine.dispose()
    if kind == "postgresql":
        _drop_all_tables()
        _pg_command("pg_restore", "--no-owner", "--single-transaction", str(path))
    else:
        with db.engine.connect() as connection, closing(sqlite3.connect(path)) as source:
            try:
                _sqlite_copy(source, connection.connection.dbapi_connection)
            except sqlite3.DatabaseError as error:
                raise BackupError(_("The backup's database is damaged: %(error)s",
                                    error=str(error))) from error
    db.engine.dispose()


# --- the archive ---------------------------------------------------------------------------

def _skip_transient_files(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    """Neither a file still being written, which sits beside its final name as
    `.name.xxxx`, nor an upload waiting for its import to be confirmed (kept a day at most,
    and confirmed against the database it was checked with) is state worth restoring."""
    path = PurePosixPath(member.name)
    if path.name.startswith(".") or path.parts[:2] == (FILES, UploadStash.FOLDER):
        return None
    return member


def create_backup(target: Path) -> Manifest:
    """Writes the archive to `target`; the database goes first, so every file it refers to
    (a certificate PDF rendered before the snapshot) is already on disk when the files
    folder is read."""
    kind = database_kind()
    revision = _current_revision()
    if revision is None:
        raise BackupError(_("The database has no schema yet: run `flask db upgrade` first."))
    manifest = Manifest(format=FORMAT, app_version=__version__, revision=revision,
                        created_at=utcnow().isoformat(timespec="seconds") + "Z", database=kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        work = Path(work)
        dump = work / DATABASE_MEMBERS[kind]
        _dump_database(kind, dump)
        # Written beside the target and renamed: a failed backup never leaves a file that
        # looks like a good one.
        partial = work / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            content = json.dumps(asdict(manifest), indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
            archive.add(dump, arcname=dump.name)
            if _files_dir().is_dir():
                archive.add(_files_dir(), arcname=FILES, filter=_skip_transient_files)
        # Personal data: the service user's alone, wherever the archive is written.
        partial.chmod(0o600)
        partial.replace(target)
    return manifest


def _read_manifest(archive: tarfile.TarFile, name: str) -> Manifest:
    # The manifest is written first, so it is read without going through the rest of a
    # possibly truncated archive: that is reported as damage once extracting reaches it.
    try:
        first = archive.next()
        if first is None or first.name != MANIFEST:
            raise KeyError(MANIFEST)
        manifest = Manifest(**json.load(archive.extractfile(first)))
    except (KeyError, TypeError, ValueError, AttributeError, *ARCHIVE_ERRORS) as error:
        raise BackupError(_("%(file)s is not a Bimtek backup: it has no readable manifest.",
                            file=name)) from error
    if manifest.format != FORMAT or manifest.database not in DATABASE_MEMBERS:
        raise BackupError(_("%(file)s is not a Bimtek backup this version can read.",
                            file=name))
    return manifest


def _non_empty_parts() -> list[str]:
    """What would be overwritten: tables holding rows, and the files folder."""
    existing = set(sa.inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:
        parts = [table.name for table in db.metadata.sorted_tables
                 if table.name in existing and connection.execute(
                     sa.select(sa.literal(1)).select_from(table).limit(1)).first()]
    if _files_dir().is_dir() and any(_files_dir().iterdir()):
        parts.append(str(_files_dir()))
    db.session.remove()
    return parts


def restore_backup(source: Path, force: bool = False) -> Restored:
    """Checks everything first (archive, manifest, database kind, revision, an empty
    instance), then replaces the database and the files folder with the backup's."""
    try:
        archive = tarfile.open(source, "r:gz")
    except ARCHIVE_ERRORS as error:
        raise BackupError(_("%(file)s is not a Bimtek backup: it is not a .tar.gz archive.",
                            file=source.name)) from error
    with archive, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(archive, source.name)
        kind = database_kind()
        if manifest.database != kind:
            raise BackupError(_("The backup holds a %(theirs)s database but this instance "
                                "runs on %(ours)s.", theirs=manifest.database, ours=kind))
        scripts = _scripts()
        if manifest.revision not in {script.revision for script in scripts.walk_revisions()}:
            raise BackupError(_("The backup's schema (revision %(revision)s, Bimtek "
                                "%(version)s) is newer than this Bimtek: install that "
                                "version or later first.", revision=manifest.revision,
                                version=manifest.app_version))
        occupied = _non_empty_parts()
        if occupied and not force:
            raise BackupError(_("This instance is not empty (%(parts)s). Restore into an "
                                "empty database and files folder, or use --force to "
                                "replace them.", parts=", ".join(occupied)))
        work = Path(work)
        try:
            archive.extractall(work, filter="data")
        except ARCHIVE_ERRORS as error:
            raise BackupError(_("%(file)s is damaged: %(error)s", file=source.name,
                                error=str(error))) from error
        dump = work / DATABASE_MEMBERS[kind]
        if not dump.is_file():
            raise BackupError(_("%(file)s is damaged: it holds no database.",
                                file=source.name))
        _load_database(kind, dump)
        shutil.rmtree(_files_dir(), ignore_errors=True)
        _files_dir().mkdir(parents=True, exist_ok=True)
        if (work / FILES).is_dir():
            shutil.copytree(work / FILES, _files_dir(), dirs_exist_ok=True)
    return Restored(manifest=manifest, head=scripts.get_current_head())


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write the database, the uploaded logos and the certificate PDFs to one archive;
    safe while the app is serving."""
    try:
        manifest = create_backup(file)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(_("Backup written to %(file)s (%(database)s database, schema revision "
                 "%(revision)s).", file=str(file), database=manifest.database,
                 revision=manifest.revision))


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace the database and files even when this instance is not empty.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Restore a backup into this instance, which must be empty unless --force."""
    try:
        restored = restore_backup(file, force=force)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(_("Restored the backup of %(created)s (Bimtek %(version)s, schema revision "
                 "%(revision)s).", created=restored.manifest.created_at,
                 version=restored.manifest.app_version, revision=restored.manifest.revision))
    if restored.needs_upgrade:
        click.echo(_("The schema is older than this Bimtek's (%(head)s): run `flask db "
                     "upgrade` now.", head=restored.head))
