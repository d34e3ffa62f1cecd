"""A person registers themself on the public link and opens their badge."""
import pytest
from playwright.sync_api import expect

from bimtek.courses import services as course_services
from bimtek.speakers.services import save_institution
from tests.factories import make_course
from tests.registration.factories import nik


@pytest.fixture
def open_course(app):
    with app.app_context():
        course_services.seed_reference_regions()
        make_course("KSP-KUTIM-DEMO", region=course_services.find_region("64.08"),
                    registration_open=True, venue="Hotel Harris", city="Samarinda")
        save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
    return "KSP-KUTIM-DEMO"


def test_self_registration_and_badge(page, open_course):
    page.goto(f"/register/{open_course}")
    page.get_by_label("Nama", exact=True).fill("Rahmawati")
    page.get_by_label("Gelar belakang").fill("S.Sos.")
    page.get_by_label("NIK").fill(nik(12, day=14, month=2, year=91, woman=True))
    page.get_by_label("Jenis kelamin").select_option("P")
    page.get_by_label("Instansi").select_option(label="PPK")
    page.get_by_label("Unsur").select_option("PPK")
    page.get_by_label("Kecamatan").select_option(label="Kombeng")
    page.get_by_label("Nomor HP").fill("0812 5555 1234")
    page.get_by_role("button", name="Daftar").click()

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
    page.get_by_label("Instansi").select_option(label="PPK")
    page.get_by_role("button", name="Daftar").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("16")
    expect(page.get_by_test_id("badge")).to_have_count(0)
