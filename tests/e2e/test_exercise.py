"""A simulation exercise in real browsers: the facilitator releases an inject, the targeted
team sees it arrive without reloading and answers, another team never sees it, and the
facilitator reads the answer and rates."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.exercises.factories import exercise_setting
from tests.support.browser import PDF_TIMEOUT_MS, log_in, open_context
from tests.support.web import TEST_PASSWORD


@dataclass
class Players:
    console: str
    evaluation: str
    msel: str
    team: str
    organiser: str
    facilitator: str
    team1: str
    team2: str


@pytest.fixture
def players(app):
    with app.app_context():
        s = exercise_setting()
        base = f"/courses/{s.course.code}/exercises/{s.exercise.id}"
        return Players(console=f"{base}/console", evaluation=f"{base}/evaluation",
                       msel=f"{base}/msel", team=f"/exercises/{s.exercise.id}/team",
                       organiser=s.organiser.email, facilitator=s.facilitator.email,
                       team1=s.account(s.member(1)).email, team2=s.account(s.member(2)).email)


@pytest.fixture
def open_as(browser, live_server):
    """A page in a browser context of its own, logged in as `email`."""
    contexts = []

    def open_page(email):
        context = open_context(browser, live_server)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, email, TEST_PASSWORD)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_an_inject_reaches_only_its_team_live_and_is_answered_and_rated(players, open_as):
    facilitator = open_as(players.facilitator)
    team1 = open_as(players.team1)
    team2 = open_as(players.team2)
    team1.goto(players.team)
    expect(team1.get_by_test_id("team-feed")).to_contain_text("Latihan belum dimulai.")
    # Marks this very page: it must still be there once the inject has arrived.
    team1.evaluate("window.notReloaded = true")
    team2.goto(players.team)

    facilitator.goto(players.console)
    facilitator.get_by_role("button", name="Mulai latihan").click()
    expect(facilitator.get_by_test_id("exercise-status").first).to_have_text("Berjalan")
    inject2 = facilitator.get_by_test_id("inject-2")
    inject2.get_by_role("button", name="Kirim sekarang").click()
    expect(facilitator.get_by_test_id("inject-2")).to_contain_text("Dikirim")

    arrived = team1.get_by_test_id("feed-inject-2")
    expect(arrived).to_contain_text("kotak suara di Kecamatan Bengalon")
    assert team1.evaluate("window.notReloaded") is True
    arrived.get_by_label("Tanggapan tim Anda untuk inject 2").fill(
        "Verifikasi ke PPK Bengalon, klarifikasi resmi lewat Diskominfo.")
    arrived.get_by_role("button", name="Kirim tanggapan").click()
    expect(team1.get_by_test_id("feed-inject-2").get_by_test_id("team-response")) \
        .to_contain_text("klarifikasi resmi")

    # Team 2 keeps polling and receives inject 1, sent to all teams, but never inject 2.
    expect(team2.get_by_test_id("feed-inject-1")).to_be_visible()
    team2.reload()
    expect(team2.get_by_test_id("feed-inject-1")).to_be_visible()
    expect(team2.get_by_test_id("feed-inject-2")).to_have_count(0)
    expect(team2.get_by_text("kotak suara")).to_have_count(0)

    expect(facilitator.get_by_test_id("response-2-1")).to_contain_text("klarifikasi resmi")
    facilitator.goto(players.evaluation)
    facilitator.get_by_label("Nilai Tim 1 untuk sasaran 2").select_option("S")
    facilitator.get_by_label("Catatan untuk Tim 1, sasaran 2").fill("Klarifikasi agak lambat.")
    facilitator.get_by_role("button", name="Simpan penilaian saya").click()
    expect(facilitator.get_by_text("Penilaian Anda disimpan.")).to_be_visible()
    expect(facilitator.get_by_test_id("rating-2-1")).to_contain_text("Klarifikasi agak lambat.")

    # The facilitator downloads the after-action report, which holds the team's answer.
    facilitator.goto(players.console.removesuffix("console") + "report")
    with facilitator.expect_download(timeout=PDF_TIMEOUT_MS) as download:
        facilitator.get_by_role("link", name="Unduh laporan (PDF)").click(timeout=PDF_TIMEOUT_MS)
    assert download.value.suggested_filename.endswith(".pdf")
    report = " ".join(" ".join(page.extract_text()
                               for page in PdfReader(download.value.path()).pages).split())
    assert "Verifikasi ke PPK Bengalon, klarifikasi resmi lewat Diskominfo." in report


def test_deleting_an_inject_asks_first(players, open_as):
    organiser = open_as(players.organiser)
    organiser.goto(players.msel)
    delete = organiser.get_by_role("button", name="Hapus")
    injects = delete.count()
    asked, answers = [], iter((False, True))

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept() if next(answers) else dialog.dismiss()

    organiser.on("dialog", answer)
    delete.first.click()
    organiser.reload()
    expect(delete).to_have_count(injects)
    delete.first.click()
    expect(delete).to_have_count(injects - 1)
    assert asked == ["Hapus inject ini?"] * 2
