"""Each role's home page on a phone (360 px) leads to the day's work without scrolling
sideways; the organiser prints badges as a background job at 1280 and 360 px: a progress
bar while it runs, then the download."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bimtek.auth.models import Role
from bimtek.extensions import db
from bimtek.registration import tasks
from bimtek.registration.models import BadgeJob
from tests.exercises.factories import staff_user
from tests.registration.factories import badge_world
from tests.support.browser import (
    PDF_TIMEOUT_MS,
    WIDTHS,
    log_in,
    no_horizontal_scrolling,
    open_context,
)
from tests.support.web import TEST_PASSWORD

PHONE_HOMES = {  # demo account → what its home page leads to
    "organiser@bimtek.test": "organiser-courses",
    "desk@bimtek.test": "desk-link",
    "fasilitator@bimtek.test": "staff-exercises",
    "hr@bimtek.test": "staff-below-target",
    "peserta@bimtek.test": "today-sessions",
}


def test_every_roles_home_page_fits_a_phone(browser, live_server, demo):
    for email, testid in PHONE_HOMES.items():
        # Each person on a phone of their own: nothing of the last one's session is left.
        context = open_context(browser, live_server, viewport=WIDTHS["phone"])
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        log_in(phone, email, demo)
        expect(phone.get_by_test_id(testid).first).to_be_visible()
        assert no_horizontal_scrolling(phone), email
        context.close()


@pytest.fixture
def badge_course(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
    with app.app_context():
        world = badge_world()
        staff_user("organiser@kutim.test", world["course"], Role.ORGANISER)
        return {"code": world["course"].code, "course_id": world["course"].id}


def test_badges_print_in_the_background_then_download(device, app, badge_course):
    code = badge_course["code"]
    with app.app_context():  # queued, as a busy consumer would leave it for a moment
        job = BadgeJob(course_id=badge_course["course_id"], total=9)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    log_in(device, "organiser@kutim.test", TEST_PASSWORD)
    device.goto(f"/courses/{code}/participants/badges/{job_id}")
    status = device.get_by_test_id("badge-job-status")
    expect(status).to_contain_text("0 dari 9 kartu")
    expect(device.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    expect(device.get_by_test_id("badges-download")).to_have_count(0)
    with app.app_context():
        tasks.run_badge_job(job_id)  # the consumer picks it up; the page is polling
    expect(status).to_contain_text("9 dari 9 kartu")
    expect(device.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    assert no_horizontal_scrolling(device)
    with device.expect_download(timeout=PDF_TIMEOUT_MS) as download:
        device.get_by_test_id("badges-download").click()
    assert download.value.suggested_filename == f"badges-{code}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    # From the participants page, the button starts a new print and follows it.
    device.goto(f"/courses/{code}/participants")
    device.get_by_test_id("print-badges").click()
    expect(device.get_by_test_id("badge-job-status")).to_contain_text("9 dari 9 kartu")
    expect(device.get_by_test_id("badges-download")).to_be_visible()
