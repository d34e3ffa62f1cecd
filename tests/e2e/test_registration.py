"""A person registers themself on the public link and opens their badge."""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.mail.models import OutgoingMessage
from tests.factories import make_course, seed_regions
from tests.registration.factories import nik


@pytest.fixture
def open_course(app):
    with app.app_context():
        seed_regions()
        make_course("KSP-KUTIM-DEMO", regions=("64.08",),
                    registration_open=True, venue="Hotel Harris", city="Samarinda")
        save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
    return "KSP-KUTIM-DEMO"


def test_self_registration_and_badge(app, page, open_course):
    page.goto(f"/register/{open_course}")
    page.get_by_label("Nama", exact=True).fill("Rahmawati")
    page.get_by_label("Gelar belakang").fill("S.Sos.")
    page.get_by_label("NIK").fill(nik(12, day=14, month=2, year=91, woman=True))
    page.get_by_label("Jenis kelamin").select_option("P")
    page.get_by_label("Cari instansi").fill("pp")  # the list narrows as one types
    page.get_by_label("Instansi", exact=True).select_option(label="PPK")
    page.get_by_label("Unsur").select_option("PPK")
    page.get_by_label("Kecamatan").select_option(label="Kombeng")
    page.get_by_label("Nomor HP").fill("0812 5555 1234")
    page.get_by_label("E-mail").fill("rahmawati@ppk.example.go.id")
    page.get_by_role("button", name="Daftar").click()

    # No seat until the e-mailed link is opened: the link is in the outbox.
    expect(page.get_by_test_id("registration-sent")).to_contain_text("Periksa e-mail Anda")
    with app.app_context():
        body = db.session.scalar(select(OutgoingMessage.body).where(
            OutgoingMessage.recipient == "rahmawati@ppk.example.go.id"))
    page.goto(urlsplit(re.search(r"http\S+/register/confirm/\S+", body).group(0)).path)
    page.get_by_role("button", name="Konfirmasi pendaftaran saya").click()
    expect(page.get_by_role("alert")).to_contain_text("Rahmawati, S.Sos. terdaftar sebagai "
                                                      "peserta nomor 1.")
    badge = page.get_by_test_id("badge")
    expect(badge).to_contain_text("Rahmawati, S.Sos.")
    expect(badge).to_contain_text("Kombeng")
    expect(badge.locator("svg")).to_be_visible()


def test_self_registration_explains_a_wrong_nik(page, open_course):
    page.goto(f"/register/{open_course}")
    page.get_by_label("Nama", exact=True).fill("Salah Ketik")
    page.get_by_label("NIK").fill("64080112")
    page.get_by_label("Instansi", exact=True).select_option(label="PPK")
    page.get_by_role("button", name="Daftar").click()
    # Every bad field at once: the NIK's length and the missing e-mail address.
    expect(page.locator(".invalid-feedback")).to_have_text(
        ["NIK harus 16 angka, bukan 8.", re.compile("Alamat e-mail diperlukan")])
    expect(page.get_by_test_id("badge")).to_have_count(0)


def participant_list(*rows) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nama", "Gelar Depan", "Gelar Belakang", "NIK", "NIP", "Jenis Kelamin",
                  "Pangkat/Golongan", "Jabatan", "Instansi", "Unsur", "Kecamatan", "No HP",
                  "Email"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_organiser_imports_a_list_after_fixing_its_errors(page, app, make_user, open_course):
    from bimtek.auth.models import Role, User
    from bimtek.extensions import db
    from tests.support.browser import log_in
    from tests.support.web import TEST_PASSWORD

    user_id = make_user("organiser@bimtek.test", "organiser")
    with app.app_context():
        course_staff.assign_course(db.session.get(User, user_id),
                                    course_services.find_course(open_course), Role.ORGANISER)
    good = ["Ahmad Fauzi", "", "S.H.", nik(21, day=3, month=7, year=88), "", "L", "", "Ketua",
            "PPK", "PPK", "Kongbeng", "081234567001", ""]
    typo = ["Nurul Hidayah", "", "", "640801550789", "", "P", "", "Anggota", "PPK", "PPK",
            "Bengalon", "081234567002", ""]
    fixed = [*typo[:3], nik(22, day=15, month=7, year=89, woman=True), *typo[4:]]
    log_in(page, "organiser@bimtek.test", TEST_PASSWORD)
    page.goto(f"/courses/{open_course}/participants/import")
    upload = {"name": "peserta.xlsx",
              "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    page.get_by_label("Daftar peserta").set_input_files(
        {**upload, "buffer": participant_list(good, typo)})
    page.get_by_role("button", name="Periksa berkas").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("Baris 3:")
    expect(errors).to_contain_text("NIK")

    page.get_by_role("link", name="Pilih berkas lain").click()
    page.get_by_label("Daftar peserta").set_input_files(
        {**upload, "buffer": participant_list(good, fixed)})
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("2 peserta akan didaftarkan.")
    page.get_by_role("button", name="Impor peserta").click()
    table = page.get_by_test_id("participants")
    expect(table).to_contain_text("Ahmad Fauzi, S.H.")
    expect(table).to_contain_text("Nurul Hidayah")
