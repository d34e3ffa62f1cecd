"""Admins register signatories with a PKCS#12 file (kept readable by the app only, the
passphrase never); organisers choose a course's signatory among those of the
institutions they issue for."""
from __future__ import annotations

import io
import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bimtek.certificates import demo_keys, signatories
from bimtek.certificates.models import CertificateSettings, Signatory
from bimtek.courses import services as course_services
from bimtek.errors import ValidationError
from bimtek.extensions import db
from tests.certificates.factories import institution
from tests.certificates.people import CODE, ORGANISER, course_and_people
from tests.support.web import login, post

PASSPHRASE = "rahasia-ttd-2024"
ADMIN = "admin@bimtek.test"


@pytest.fixture
def setup(app, make_user):
    with app.app_context():
        course_and_people(make_user)
        institution("BPSDM Kaltim")
    make_user(ADMIN, "admin")
    make_user("hr@bimtek.test", "hr", institutions=("Kesbangpol Kutim",))


def form(name="Dr. H. Rizali Hadi, M.Pd.", passphrase=PASSPHRASE, institution_name="Pemkab Kutim",
         data=None, nip="19720601 200501 1 008") -> dict:
    return {"name": name, "nip": nip, "position": "Sekretaris Kabupaten",
            "institution_id": str(institution(institution_name).id),
            "passphrase": passphrase,
            "key_file": (io.BytesIO(data or demo_keys.signatory_pkcs12(name, PASSPHRASE)),
                         "ttd.p12")}


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Signatory))


def test_an_admin_registers_a_signatory_keeping_the_file_and_never_the_passphrase(
        app, client, setup):
    login(client, ADMIN)
    with app.app_context():
        data = form()
    response = post(client, "/admin/signatories/new", data, follow_redirects=True,
                    content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "Penanda tangan Dr. H. Rizali Hadi, M.Pd. terdaftar" in html
    with app.app_context():
        signatory = db.session.scalar(select(Signatory))
        assert signatory.nip == "197206012005011008"
        assert signatory.institution.short_name == "Pemkab Kutim"
        assert "DEMO" in signatory.subject and signatory.active
        path = signatories.key_path(signatory)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.parent == signatories.key_folder()
        # The passphrase is in no column of the row.
        assert not any(PASSPHRASE in str(value) for value in vars(signatory).values())
        variable = signatory.passphrase_variable
    assert variable in html and variable == f"BIMTEK_SIGNATORY_PASSPHRASE_{signatory.id}"
    assert variable in client.get("/admin/signatories").get_data(as_text=True)


@pytest.mark.parametrize(("change", "message"), [
    ({"passphrase": "salah"}, "Frasa sandi tidak membuka berkas kunci (PKCS#12)"),
    ({"data": b"bukan PKCS#12"}, "Frasa sandi tidak membuka berkas kunci (PKCS#12)"),
    ({"nip": "1972"}, "NIP terdiri atas 18 angka."),
])
def test_a_file_the_passphrase_does_not_open_registers_nothing(app, client, setup, change,
                                                               message):
    login(client, ADMIN)
    with app.app_context():
        data = form(**change)
    response = post(client, "/admin/signatories/new", data,
                    content_type="multipart/form-data")
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert count() == 0
        assert not signatories.key_folder().exists() or not any(
            signatories.key_folder().iterdir())


def test_an_expired_signing_certificate_is_refused_at_registration(app, setup):
    with app.app_context():
        data = demo_keys.signatory_pkcs12(
            "Lama", PASSPHRASE, not_before=datetime.now(UTC) - timedelta(days=60), days=30)
        with pytest.raises(ValidationError) as refused:
            signatories.register(name="Lama", nip="", position="Sekda",
                                 institution_id=institution("Pemkab Kutim").id,
                                 key_data=data, passphrase=PASSPHRASE)
        assert "kedaluwarsa" in refused.value.message and count() == 0


def register(name: str, institution_name: str) -> int:
    return signatories.register(
        name=name, nip="", position="Sekretaris", passphrase=PASSPHRASE,
        institution_id=institution(institution_name).id,
        key_data=demo_keys.signatory_pkcs12(name, PASSPHRASE)).id


def test_an_admin_deactivates_a_signatory(app, client, setup):
    with app.app_context():
        signatory_id = register("Sekda Kutim", "Pemkab Kutim")
    login(client, ADMIN)
    response = post(client, f"/admin/signatories/{signatory_id}/deactivate",
                    follow_redirects=True)
    assert "Sekda Kutim tidak lagi menandatangani sertifikat." in response.get_data(
        as_text=True)
    with app.app_context():
        assert not db.session.get(Signatory, signatory_id).active
        assert signatories.choosable(None) == []


@pytest.mark.parametrize("email", [ORGANISER, "hr@bimtek.test"])
def test_nobody_but_an_admin_sees_registers_or_deactivates_signatories(app, client, setup,
                                                                       email):
    with app.app_context():
        signatory_id = register("Sekda Kutim", "Pemkab Kutim")
        data = form("Palsu")
    login(client, email)
    assert client.get("/admin/signatories").status_code == 403
    assert client.get("/admin/signatories/new").status_code == 403
    assert post(client, "/admin/signatories/new", data,
                content_type="multipart/form-data").status_code == 403
    assert post(client, f"/admin/signatories/{signatory_id}/deactivate").status_code == 403
    with app.app_context():
        assert count() == 1 and db.session.get(Signatory, signatory_id).active


def settings_form(signatory_id) -> dict:
    return {"number_pattern": "{seq:03}/{course}/{month_roman}/{year}",
            "training_kind": "Bimtek", "statement": "telah mengikuti {course}.",
            "signatory_id": str(signatory_id), "signatory_position": "Diketik",
            "signatory_name": "Nama Diketik", "signatory_nip": ""}


def test_an_organiser_chooses_a_signatory_of_an_institution_they_issue_for(app, client,
                                                                          setup):
    with app.app_context():
        own = register("Sekda Kutim", "Pemkab Kutim")
        other = register("Kepala BPSDM", "BPSDM Kaltim")
    login(client, ORGANISER)
    page = client.get(f"/courses/{CODE}/certificates/settings").get_data(as_text=True)
    assert "Sekda Kutim" in page and "Kepala BPSDM" not in page
    response = post(client, f"/courses/{CODE}/certificates/settings", settings_form(other))
    assert "Pilih penanda tangan dari instansi yang boleh Anda terbitkan sertifikatnya." in \
        response.get_data(as_text=True)
    with app.app_context():
        settings = db.session.get(CertificateSettings, course_services.find_course(CODE).id)
        assert settings is None or settings.signatory_id is None
    response = post(client, f"/courses/{CODE}/certificates/settings", settings_form(own))
    assert response.status_code == 302
    with app.app_context():
        course = course_services.find_course(CODE)
        assert db.session.get(CertificateSettings, course.id).signatory_id == own
        # The certificate prints the signatory who signs it.
        assert (course.signatory_name, course.signatory_position) == ("Sekda Kutim",
                                                                      "Sekretaris")
