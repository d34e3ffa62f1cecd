"""An organiser whose course's host and speaker's institution are not in Bimtek yet adds
them without leaving the form, on a phone and on a laptop."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from bimtek.courses import services as course_services
from bimtek.extensions import db
from bimtek.institutions.models import Institution, InstitutionKind
from bimtek.speakers.models import Speaker
from tests.factories import seed_regions
from tests.support.browser import log_in, no_horizontal_scrolling
from tests.support.web import TEST_PASSWORD

HOST = "Pemerintah Kabupaten Kutai Kartanegara"


def add_in_place(page, list_label: str, short_name: str, name: str, kind: str,
                 region: tuple[str, str] | None = None) -> None:
    """Opens the small form under the list, fills it (`region`: what to type, what to
    choose) and adds the institution."""
    page.get_by_test_id(f"add-institution-{list_label}").click()
    small = page.get_by_test_id("new-institution")
    small.get_by_label("Nama singkat").fill(short_name)
    small.get_by_label("Nama lengkap").fill(name)
    small.get_by_label("Jenis").select_option(label=kind)
    if region:
        typed, chosen = region
        small.get_by_label("Cari kabupaten/kota").fill(typed)
        regions = small.get_by_label("Kabupaten/kota", exact=True)
        expect(regions.locator("option:not([hidden])", has_text="Kabupaten Sintang")
               ).to_have_count(0)  # narrowed by what was typed
        regions.select_option(label=chosen)
    assert no_horizontal_scrolling(page)
    small.get_by_role("button", name="Tambahkan instansi").click()
    expect(page.get_by_test_id("institution-added")).to_contain_text(
        f"{short_name} ditambahkan dan dipilih.")


def test_an_organiser_adds_the_host_and_a_speaker_s_institution_in_place(
        app, device, make_user):  # noqa: F811
    page = device
    with app.app_context():
        seed_regions()
    make_user("organiser@bimtek.test", "organiser")
    log_in(page, "organiser@bimtek.test", TEST_PASSWORD)

    page.goto("/courses/new")
    page.get_by_label("Kode").fill("KSP-KUKAR-2025")
    page.get_by_label("Judul").fill("Bimtek Mitigasi Konflik Sosial Kutai Kartanegara")
    page.get_by_label("Hari pertama").fill("2025-03-10")
    page.get_by_label("Hari terakhir").fill("2025-03-14")
    host = page.get_by_label("Instansi penyelenggara")
    expect(host.locator("option", has_text="Pemkab Kukar")).to_have_count(0)
    add_in_place(page, "host_institution_id", "Pemkab Kukar", HOST, "Perangkat daerah (OPD)",
                 ("kartanegara", "Kabupaten Kutai Kartanegara (64.02)"))
    # Chosen as host, offered as facilitator too; issuing in its name waits for an admin.
    expect(host.locator("option:checked")).to_have_text("Pemkab Kukar")
    expect(page.get_by_label("Lembaga fasilitator").locator(
        "option", has_text="Pemkab Kukar")).to_have_count(1)
    expect(page.get_by_test_id("institution-added")).to_contain_text("administrator")
    page.get_by_label("Cari wilayah").fill("kutai karta")
    page.get_by_label("Kabupaten Kutai Kartanegara").check()
    assert no_horizontal_scrolling(page)
    page.get_by_role("button", name="Simpan").click()
    page.goto("/courses/KSP-KUKAR-2025")
    expect(page.locator("dd", has_text=HOST)).to_be_visible()

    page.goto("/speakers/new")
    page.get_by_label("Nama", exact=True).fill("Rizali Hadi")
    page.get_by_label("Gelar depan").fill("Dr. H.")
    add_in_place(page, "institution_id", "Unhan", "Universitas Pertahanan",
                 "Perguruan tinggi")
    expect(page.get_by_label("Instansi", exact=True).locator("option:checked")
           ).to_have_text("Unhan")
    assert no_horizontal_scrolling(page)
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Universitas Pertahanan")).to_be_visible()

    with app.app_context():
        course = course_services.find_course("KSP-KUKAR-2025")
        assert course.host_institution.region.code == "64.02"
        assert course.host_institution.kind == InstitutionKind.LOCAL_GOVERNMENT
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Rizali Hadi"))
        assert speaker.institution.short_name == "Unhan"
        assert db.session.scalar(select(Institution).where(
            Institution.short_name == "Unhan")).region is None
