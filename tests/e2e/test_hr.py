"""An HR office on a phone (360 px) and on a laptop (1280 px): who is below 20 JP is one
tap from the home page, and the transcript fits the screen."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.hr import HR
from tests.support.web import TEST_PASSWORD


def test_from_the_home_page_to_those_below_target(device, staff):  # noqa: F811
    device.goto("/login")
    device.get_by_label("E-mail").fill(HR)
    device.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    device.get_by_role("button", name="Masuk").click()
    expect(device.get_by_test_id("staff-below-target")).to_contain_text(
        "pegawai di bawah 20 JP pada 2024")
    device.get_by_role("link", name="Siapa yang di bawah target").click()
    rows = device.get_by_test_id("employee")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Budi Santoso")
    expect(rows.first).to_contain_text("kurang 1 JP")
    assert device.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    device.get_by_role("link", name="Tampilkan semua").click()
    expect(rows).to_have_count(3)
    device.get_by_label("Nama atau NIP").fill("andi")
    device.get_by_role("button", name="Tampilkan").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Andi Pratama")
