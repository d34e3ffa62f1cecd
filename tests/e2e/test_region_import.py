"""A Bimtek for Kabupaten Kutai Kartanegara, as a new organiser runs it: the course's region
chosen on its form by typing, a participant list with one Gelar column and two
institutions nobody has added yet, and the titles on the badges (phone and laptop)."""
from __future__ import annotations

import io

import openpyxl
from playwright.sync_api import expect
from pypdf import PdfReader

from bimtek.institutions.services import institution_directory, save_institution
from tests.factories import seed_regions
from tests.registration.factories import nik
from tests.support.browser import log_in, no_horizontal_scrolling
from tests.support.web import TEST_PASSWORD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def kukar_list() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["No", "Nama Lengkap", "Gelar", "NIK", "L/P", "Asal Instansi", "Kecamatan",
                  "No. HP/WA"])
    for row in (
        [1, "Ahmad Fauzi", "Dr. H., S.Sos., M.Si.", nik(1), "L", "Kesbangpol Kab. Kukar",
         "Tenggarong", "0812 3456 7001"],
        [2, "Siti Aminah", "S.E.", nik(2, woman=True), "P", "Satpol PP Kukar", "Loa Kulu",
         "0812 3456 7002"],
        [3, "Rudi Hartono", "", nik(3), "L", "Kesbangpol Kab. Kukar", "Tenggarong Seberang",
         "0812 3456 7003"],
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_course_for_kutai_kartanegara_imports_a_list_as_people_write_it(app, device,
                                                                          make_user):
    page = device
    with app.app_context():
        seed_regions()
        save_institution(None, name="Badan Kesatuan Bangsa dan Politik Kabupaten Kutai "
                         "Kartanegara", short_name="Kesbangpol Kukar")
    make_user("organiser@bimtek.test", "organiser")
    log_in(page, "organiser@bimtek.test", TEST_PASSWORD)

    # The course, its region found by typing part of its name.
    page.goto("/courses/new")
    page.get_by_label("Kode").fill("KSP-KUKAR-2025")
    page.get_by_label("Judul").fill("Bimtek Mitigasi Konflik Sosial Kutai Kartanegara")
    page.get_by_label("Hari pertama").fill("2025-03-10")
    page.get_by_label("Hari terakhir").fill("2025-03-14")
    page.get_by_label("Cari wilayah").fill("kutai karta")
    page.get_by_label("Kabupaten Kutai Kartanegara").check()
    chosen = page.get_by_test_id("chosen-regions")
    expect(chosen.get_by_label("Kabupaten Kutai Kartanegara")).to_be_checked()
    page.get_by_label("Cari wilayah").fill("sintang")  # a new search keeps what was ticked
    expect(page.get_by_label("Kabupaten Sintang")).to_be_visible()
    expect(chosen.get_by_label("Kabupaten Kutai Kartanegara")).to_be_checked()
    assert no_horizontal_scrolling(page)
    page.get_by_role("button", name="Simpan").click()
    page.goto("/courses/KSP-KUKAR-2025")
    expect(page.get_by_test_id("course-regions")).to_have_text("Kabupaten Kutai Kartanegara")

    # The list: one Gelar column, two spellings of institutions nobody added yet.
    page.goto("/courses/KSP-KUKAR-2025/participants/import")
    page.get_by_label("Daftar peserta").set_input_files(
        {"name": "peserta-kukar.xlsx", "mimeType": XLSX, "buffer": kukar_list()})
    page.get_by_role("button", name="Periksa berkas").click()
    questions = page.get_by_test_id("institution-questions")
    expect(questions.locator("fieldset")).to_have_count(2)
    kesbangpol, satpol = questions.locator("fieldset").all()
    expect(kesbangpol).to_contain_text("Kesbangpol Kab. Kukar")
    kesbangpol.get_by_label("Instansi ini adalah").select_option(label=(
        "Kesbangpol Kukar — Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Kartanegara"))
    satpol.get_by_label("Instansi ini adalah").select_option("new")
    expect(satpol.get_by_label("Nama singkat")).to_have_value("Satpol PP Kukar")
    satpol.get_by_label("Nama lengkap").fill(
        "Satuan Polisi Pamong Praja Kabupaten Kutai Kartanegara")
    assert no_horizontal_scrolling(page)
    questions.get_by_role("button", name="Periksa berkas lagi").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("3 peserta akan didaftarkan.")
    page.get_by_role("button", name="Impor peserta").click()
    table = page.get_by_test_id("participants")
    expect(table).to_contain_text("Dr. H. Ahmad Fauzi, S.Sos., M.Si.")
    expect(table).to_contain_text("Siti Aminah, S.E.")

    # The titles are printed on the badges.
    page.get_by_test_id("print-badges").click()
    download = page.get_by_test_id("badges-download")
    expect(download).to_be_visible()
    badges = page.request.get(download.get_attribute("href"))
    assert badges.ok
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(badges.body())).pages)
    assert "Dr. H. Ahmad Fauzi, S.Sos., M.Si." in text and "Siti Aminah, S.E." in text
    with app.app_context():  # created with the course's region
        assert institution_directory()["satpol pp kukar"].region.code == "64.02"
