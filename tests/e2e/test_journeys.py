"""First journeys through the real app in a real browser."""
import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

NAVIGATION = {
    "admin@bimtek.test": (["Dasbor", "Kursus", "Narasumber", "Pengguna", "Instansi",
                           "Penanda tangan"], []),
    "organiser@bimtek.test": (["Dasbor", "Kursus", "Narasumber"], ["Pengguna", "Instansi",
                                                                 "Penanda tangan"]),
    "desk@bimtek.test": (["Dasbor", "Kursus"], ["Narasumber", "Pengguna", "Instansi"]),
    "fasilitator@bimtek.test": (["Dasbor", "Kursus"], ["Narasumber", "Pengguna", "Instansi"]),
    "hr@bimtek.test": (["Dasbor"], ["Kursus", "Narasumber", "Pengguna", "Instansi"]),
    "peserta@bimtek.test": (["Dasbor", "Presensi"], ["Kursus", "Narasumber", "Pengguna",
                                                     "Instansi"]),
}


@pytest.mark.parametrize("email", NAVIGATION)
def test_each_demo_role_sees_its_own_navigation(page, demo, email):
    shown, hidden = NAVIGATION[email]
    log_in(page, email, demo)
    nav = page.get_by_test_id("main-nav")
    expect(nav.get_by_role("link")).to_have_text(shown)
    for label in hidden:
        expect(nav.get_by_role("link", name=label)).to_have_count(0)
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def test_hr_dashboard_names_its_institutions(page, demo):
    log_in(page, "hr@bimtek.test", demo)
    expect(page.get_by_test_id("hr-scope")).to_contain_text("Kesbangpol Kutim")
    expect(page.get_by_test_id("hr-scope")).to_contain_text("Satpol PP Kutim")


def test_organiser_opens_the_reference_course(page, demo):
    log_in(page, "organiser@bimtek.test", demo)
    page.get_by_role("link", name="Kursus").click()
    page.locator(".list-group-item", has_text="KSP-KUTIM-2024").get_by_role("link").click()
    expect(page.locator("main")).to_contain_text("Senin, 28 Oktober 2024")
    expect(page.locator("main")).to_contain_text("Hotel Harris, Samarinda")


def test_wrong_password_shows_the_error(page, demo):
    log_in(page, "admin@bimtek.test", "bukan-kata-sandinya")
    expect(page.get_by_text("E-mail atau kata sandi salah.")).to_be_visible()
    assert page.url.endswith("/login")
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def test_participant_opening_admin_users_gets_403(page, demo):
    log_in(page, "peserta@bimtek.test", demo)
    response = page.goto("/admin/users")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Akses ditolak")).to_be_visible()


def test_post_without_csrf_token_is_refused(page, demo):
    log_in(page, "admin@bimtek.test", demo)
    response = page.request.post("/admin/institutions/new",
                                 form={"short_name": "Palsu", "name": "Instansi Palsu"})
    assert response.status == 400
    page.goto("/admin/institutions")
    expect(page.get_by_text("Palsu")).to_have_count(0)


@pytest.mark.changes_demo  # the admin's language is kept on their account
def test_admin_switches_to_english_and_logs_out(page, demo):
    log_in(page, "admin@bimtek.test", demo)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_test_id("main-nav").get_by_role("link", name="Users")).to_be_visible()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Bimtek")).to_be_visible()
