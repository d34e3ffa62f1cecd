"""An import is two requests, the preview and the confirmation, and behind a reverse proxy
without sticky sessions they may reach different web servers. The upload waits for its
confirmation in the files folder every server shares, never in one server's instance
folder; backups leave those transient uploads out."""
from __future__ import annotations

import io
import re
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role
from bimtek.backup import create_backup
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.models import Session
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration.models import Registration
from bimtek.spreadsheets import UploadStash
from tests.factories import make_course, seed_regions
from tests.registration.factories import HEADER, row
from tests.support.apps import build_app
from tests.support.spreadsheets import agenda_xlsx, csv_file
from tests.support.web import TEST_PASSWORD, login, post

CODE = "KSP-KUTIM-2024"
ORGANISER = "organiser@bimtek.test"
HIDDEN = re.compile(r'name="(upload|waitlist|expected_version|replace)" type="hidden" '
                    r'value="([^"]*)"')


class Servers:
    """Two web servers of one deployment: the same database, files folder and secret,
    each with its own instance folder."""

    def __init__(self, database_url: str, folder: Path):
        self.files = folder / "files"
        self.instances = [folder / "server-a", folder / "server-b"]
        self.apps = [build_app(database_url, instance, FILES_DIR=str(self.files))
                     for instance in self.instances]
        with self.apps[0].app_context():
            upgrade()
            seed_regions()
            course = make_course(CODE, capacity=10, regions=("64.08",))
            save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
            organiser = auth_services.save_user(None, email=ORGANISER, name="Panitia",
                                                roles=[Role.ORGANISER], password=TEST_PASSWORD)
            course_staff.assign_course(organiser, course, Role.ORGANISER)
            db.session.commit()
            self.course_id = course.id
            db.session.remove()

    def browser(self):
        """The organiser's browser, logged in through server A, and a client of each
        server sharing its cookie jar as behind the proxy."""
        first, second = (app.test_client() for app in self.apps)
        login(first, ORGANISER)
        return first, second

    def query(self, statement):
        with self.apps[1].app_context():
            try:
                return db.session.scalars(statement).all()
            finally:
                db.session.remove()

    def stashed(self, kind: str) -> list[Path]:
        return sorted((self.files / UploadStash.FOLDER / kind / str(self.course_id)).glob("*"))

    def close(self):
        for app in self.apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture
def servers(app, database_factory, tmp_path):
    made = Servers(database_factory.create(), tmp_path)
    yield made
    made.close()


def carry_cookies(source, target) -> None:
    """The one cookie jar a browser sends to whichever server the proxy picks."""
    for cookie in ("session", "locale"):
        if (found := source.get_cookie(cookie)) is not None:
            target.set_cookie(cookie, found.value)


def preview(client, url: str, filename: str, data: bytes, **fields) -> dict:
    page = post(client, url, {"file": (io.BytesIO(data), filename), **fields},
                content_type="multipart/form-data")
    assert page.status_code == 200
    confirm = dict(HIDDEN.findall(page.get_data(as_text=True)))
    assert confirm.get("upload"), "the preview offers no confirmation"
    return confirm


def test_participants_previewed_on_one_server_are_imported_on_another(servers):
    first, second = servers.browser()
    data = csv_file([HEADER, row(1, Nama="Siti Rahmah"), row(2, Nama="Budi Santoso")])
    confirm = preview(first, f"/courses/{CODE}/participants/import", "peserta.csv", data)
    assert servers.query(select(Registration.name)) == [], "the preview writes nothing"
    assert len(servers.stashed("participants")) == 1
    assert [path for instance in servers.instances for path in instance.rglob("*.csv")] == []

    carry_cookies(first, second)
    done = post(second, f"/courses/{CODE}/participants/import/confirm", confirm)
    assert done.status_code == 302
    assert done.location == f"/courses/{CODE}/participants"
    assert sorted(servers.query(select(Registration.name))) == ["Budi Santoso", "Siti Rahmah"]
    assert servers.stashed("participants") == [], "a confirmed upload is dropped"


def test_agenda_previewed_on_one_server_is_imported_on_another(servers):
    first, second = servers.browser()
    data = agenda_xlsx(["29/10/2024", "08.00", "10.15", "Pemetaan intelijen keamanan",
                        "Materi", "Ballroom", "Narasumber BIN Daerah Kaltim",
                        "BIN Daerah Kaltim", 3])
    confirm = preview(first, f"/courses/{CODE}/agenda/import", "agenda.xlsx", data)
    assert len(servers.stashed("agenda")) == 1

    carry_cookies(first, second)
    done = post(second, f"/courses/{CODE}/agenda/import/confirm", confirm)
    assert done.location == f"/courses/{CODE}/agenda/builder"
    assert servers.query(select(Session.title)) == ["Pemetaan intelijen keamanan"]
    assert servers.stashed("agenda") == []


def test_a_backup_leaves_uploads_waiting_for_confirmation_out(servers, tmp_path):
    logo = servers.files / "logos" / str(servers.course_id) / "logo.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG")
    with servers.apps[0].app_context():
        course = course_services.find_course(CODE)
        UploadStash.for_import("participants", course).keep("peserta.csv", b"Nama\n")
        create_backup(tmp_path / "backup.tar.gz")
        db.session.remove()
    assert len(servers.stashed("participants")) == 1
    with tarfile.open(tmp_path / "backup.tar.gz") as archive:
        names = archive.getnames()
    assert f"files/logos/{servers.course_id}/logo.png" in names
    assert not [name for name in names if name.startswith(f"files/{UploadStash.FOLDER}")]
