"""Electronic signatures as the people involved meet them, on a phone and on a laptop: an
admin registers a signatory with a PKCS#12 file, the organiser chooses them and issues
with the typed passphrase, and anyone checks a certificate's file by upload."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from bimtek.certificates import demo_keys
from bimtek.certificates.models import Certificate
from bimtek.certificates.storage import certificate_path
from bimtek.extensions import db
from tests.certificates.people import CODE, ORGANISER, course_and_people
from tests.support.browser import log_in, log_out, no_horizontal_scrolling
from tests.support.web import TEST_PASSWORD

SIGNER = "Dr. H. Muhammad Yusuf, M.Si."
PASSPHRASE = "rahasia-ttd-2024"


def test_a_signatory_is_registered_chosen_and_their_signature_checked_by_upload(
        app, device, make_user, tmp_path):  # noqa: F811
    page = device
    with app.app_context():
        course_and_people(make_user)
    make_user("admin@bimtek.test", "admin")
    key_file = tmp_path / "ttd.p12"
    key_file.write_bytes(demo_keys.signatory_pkcs12(SIGNER, PASSPHRASE))

    log_in(page, "admin@bimtek.test", TEST_PASSWORD)
    page.goto("/admin/signatories")
    page.get_by_role("link", name="Penanda tangan baru").first.click()
    page.get_by_label("Nama beserta gelar").fill(SIGNER)
    page.get_by_label("NIP").fill("19720601 200501 1 008")
    page.get_by_label("Jabatan").fill("Kepala Badan Kesbangpol")
    page.get_by_label("Instansi").select_option(
        label="Pemkab Kutim — Pemerintah Kabupaten Kutai Timur")
    page.get_by_label("Berkas kunci (PKCS#12: .p12 atau .pfx)").set_input_files(str(key_file))
    page.get_by_label("Frasa sandi berkas kunci").fill(PASSPHRASE)
    assert no_horizontal_scrolling(page)
    page.get_by_role("button", name="Daftarkan penanda tangan").click()
    expect(page.get_by_text(f"Penanda tangan {SIGNER} terdaftar")).to_be_visible()
    expect(page.get_by_test_id("signatories")).to_contain_text("Kepala Badan Kesbangpol")
    log_out(page)  # the next person, on the same device

    log_in(page, ORGANISER, TEST_PASSWORD)
    page.goto(f"/courses/{CODE}/certificates/settings")
    page.get_by_label("Tanda tangan elektronik (TTE)").select_option(
        label=f"{SIGNER} — Kepala Badan Kesbangpol (Pemkab Kutim)")
    page.get_by_role("button", name="Simpan").click()
    page.goto(f"/courses/{CODE}/certificates")
    page.get_by_label("Frasa sandi kunci penanda tangan").fill("salah")
    page.get_by_test_id("issue").click()
    expect(page.get_by_text("Frasa sandi tidak membuka berkas kunci (PKCS#12)")).to_be_visible()
    page.get_by_label("Frasa sandi kunci penanda tangan").fill(PASSPHRASE)
    page.get_by_test_id("issue").click()
    expect(page.get_by_text("Selesai").first).to_be_visible()
    log_out(page)  # the next person, on the same device

    with app.app_context():
        certificate = db.session.scalar(select(Certificate).order_by(Certificate.seq))
        issued = tmp_path / "sertifikat.pdf"
        issued.write_bytes(certificate_path(certificate).read_bytes())
    page.goto("/verify")
    page.get_by_label("Berkas PDF sertifikat").set_input_files(str(issued))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_test_id("upload-result")).to_have_attribute("data-result", "exact")
    expect(page.get_by_test_id("signature")).to_contain_text(
        f"Tanda tangan elektroniknya utuh: ditandatangani oleh {SIGNER}, "
        "Kepala Badan Kesbangpol")
    assert no_horizontal_scrolling(page)
