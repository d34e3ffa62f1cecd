"""The registration desk in a real browser: typed scans, a dropped network, the camera."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
import segno
import time_machine
from PIL import Image
from playwright.sync_api import expect

from bimtek.attendance.models import Attendance
from bimtek.auth.models import Role, User
from bimtek.courses import staff as course_staff
from bimtek.extensions import db
from bimtek.timeutil import utcnow, wall_clock
from tests.attendance.factories import course_running_today
from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS, log_in, open_context
from tests.support.web import TEST_PASSWORD

NAMES = ["Ahmad Fauzi", "Nurul Hidayah", "Yohanes Pasue"]


@pytest.fixture
def badges(app, make_user):
    """A course in session now, three participants and a desk user; their badge codes."""
    desk_id = make_user("desk@bimtek.test", "desk")
    with app.app_context():
        course, _, registrations = course_running_today("KSP-KUTIM-DEMO", NAMES)
        course_staff.assign_course(db.session.get(User, desk_id), course, Role.DESK)
        return [registration.badge_code for registration in registrations]


def attendance_count(app) -> int:
    with app.app_context():
        return db.session.query(Attendance).count()


def open_desk(page):
    log_in(page, "desk@bimtek.test", TEST_PASSWORD)
    page.goto("/courses/KSP-KUTIM-DEMO/desk")
    return page.get_by_label("Kode kartu")


def test_desk_user_scans_a_badge_twice(page, badges):
    field = open_desk(page)
    field.fill(badges[0])
    field.press("Enter")
    expect(page.locator('[data-result="ok"]')).to_contain_text("Ahmad Fauzi")
    expect(field).to_have_value("")
    field.fill(badges[0])
    field.press("Enter")
    expect(page.locator('[data-result="already_checked_in"]')).to_contain_text("WITA")
    field.fill("TIDAK-ADA")
    field.press("Enter")
    expect(page.locator('[data-result="unknown_badge"]')).to_contain_text("Kartu tidak dikenal")


def test_scans_made_offline_are_queued_and_sent_when_the_network_returns(page, app, badges):
    field = open_desk(page)
    page.context.set_offline(True)
    for badge in badges:
        field.fill(badge)
        field.press("Enter")
        expect(field).to_have_value("")
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    expect(page.locator("#queue-length")).to_have_text("3")
    expect(page.locator('[data-result="queued"]')).to_contain_text(badges[2])
    assert attendance_count(app) == 0

    page.context.set_offline(False)
    expect(page.locator("#queue-length")).to_have_text("0")
    expect(page.get_by_test_id("offline-banner")).to_be_hidden()
    expect(page.locator('#scan-result [data-result="ok"]')).to_contain_text("Yohanes Pasue")
    log = page.get_by_test_id("queue-log")
    expect(log.locator('[data-result="ok"]')).to_have_count(2)
    assert attendance_count(app) == 3

    # Reloading with nothing queued sends nothing again.
    page.reload()
    expect(page.locator("#queue-length")).to_have_text("0")
    assert attendance_count(app) == 3


def test_a_queue_left_by_a_closed_page_is_sent_on_the_next_visit(page, app, badges):
    field = open_desk(page)
    page.context.set_offline(True)
    field.fill(badges[0])
    field.press("Enter")
    expect(page.locator("#queue-length")).to_have_text("1")
    context = page.context
    page.close()  # the queue outlives the page
    context.set_offline(False)
    page = context.new_page()
    page.goto("/courses/KSP-KUTIM-DEMO/desk")
    expect(page.locator("#queue-length")).to_have_text("0")
    expect(page.get_by_test_id("queue-log")).to_contain_text("Ahmad Fauzi")
    assert attendance_count(app) == 1


def badge_video(path, badge: str) -> None:
    """A Y4M clip of a badge's QR code held up to the camera, for Chromium's fake camera."""
    png = io.BytesIO()
    segno.make_qr(badge, error="m").save(png, kind="png", scale=8, border=4)
    frame = Image.new("L", (640, 480), 255)
    code = Image.open(png).convert("L")
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    chroma = bytes([128]) * (320 * 240)
    with open(path, "wb") as video:
        video.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            video.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_the_camera_reads_a_badge(app, badges, playwright, live_server, tmp_path):
    video = tmp_path / "badge.y4m"
    badge_video(video, badges[1])
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_FLAGS, "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
    try:
        page = open_context(browser, live_server, permissions=["camera"]).new_page()
        page.set_default_timeout(10_000)
        open_desk(page)
        page.get_by_role("button", name="Pindai dengan kamera").click()
        expect(page.locator('[data-result="ok"]')).to_contain_text("Nurul Hidayah")
        expect(page.locator("#camera-video")).to_be_visible()
        page.get_by_role("button", name="Matikan kamera").click()
        expect(page.locator("#camera-video")).to_be_hidden()
    finally:
        browser.close()
    assert attendance_count(app) == 1


def test_marking_by_hand_can_choose_everyone_at_once(page, badges):
    open_desk(page)
    page.get_by_role("link", name="Tandai manual").click()
    roll = page.get_by_test_id("session-roll")
    chosen = roll.locator('input[name="registration_id"]')
    expect(chosen).to_have_count(len(NAMES))
    roll.get_by_label("Pilih semua").check()
    for box in chosen.all():
        expect(box).to_be_checked()
    roll.get_by_label("Pilih semua").uncheck()
    for box in chosen.all():
        expect(box).not_to_be_checked()


@pytest.mark.parametrize("width, height", [(360, 740), (1280, 800)])
def test_a_desk_on_a_phone_types_a_code_finds_a_person_and_keeps_its_session(
        app, badges, browser, live_server, width, height):
    """The camera failed: the officer types a code in lower case without its dash, mistypes
    one, finds a person by name and checks them in with one tap (all into the session the
    clock picks: of two in progress, the one that started last), then chooses the other
    session and reloads: it stays chosen, with its count."""
    from datetime import time, timedelta

    from bimtek.courses import services as course_services
    from bimtek.courses.agenda import SessionInput, add_session
    from bimtek.courses.models import SessionKind

    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-DEMO")
        add_session(course, SessionInput(
            day=course.sessions[0].day, starts_at=time(0, 0), ends_at=time(23, 59),
            title="Pemetaan intelijen keamanan", kind=SessionKind.MATERIAL))
        # A check-in is late once the grace after 00.00 has passed: in the first minutes
        # of the local day the clock moves on (forwards only, so the login stays valid).
        now = wall_clock(course, utcnow())
        late_from = datetime.combine(now.date(), time(0, 0), now.tzinfo) + timedelta(
            minutes=course.late_after_minutes + 1)
    context = open_context(browser, live_server, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    clock = time_machine.travel(max(now, late_from), tick=True)
    clock.start()
    try:
        field = open_desk(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        expect(page.get_by_test_id("desk-count")).to_contain_text("0 dari 3 hadir")
        field.fill(badges[0].lower())
        field.press("Enter")
        expect(page.locator('[data-result="ok"]')).to_contain_text("Ahmad Fauzi")
        expect(page.get_by_test_id("desk-count")).to_contain_text("1 dari 3 hadir")
        typo = badges[1][:4] + ("A" if badges[1][4] != "A" else "B") + badges[1][5:]
        field.fill(f"{typo[:5]}-{typo[5:]}".lower())
        field.press("Enter")
        expect(page.locator('[data-result="mistyped_badge"]')).to_contain_text("salah ketik")

        page.get_by_label("Cari peserta").fill("nurul")
        results = page.get_by_test_id("search-results")
        expect(results).to_contain_text("Nurul Hidayah")
        expect(results).to_contain_text("Belum hadir")
        results.get_by_role("button", name="Catat kehadiran Nurul Hidayah").click()
        expect(page.locator('#scan-result [data-result="ok"]')).to_contain_text("Nurul Hidayah")
        # Late, as the session started at 00.00; the button is gone.
        expect(results.get_by_test_id("search-status")).to_contain_text("Terlambat")
        expect(results.get_by_role("button")).to_have_count(0)
        expect(page.get_by_test_id("desk-count")).to_contain_text("2 dari 3 hadir")

        session = page.get_by_label("Sesi")
        expect(page.locator("#desk-count")).to_contain_text("Pemetaan intelijen")
        session.select_option(label="00.00–23.59 WITA · Simulasi")
        expect(page.get_by_test_id("desk-count")).to_have_text("0 dari 3 hadir · Simulasi")
        page.reload()
        expect(session).to_have_value(
            session.locator("option", has_text="· Simulasi").get_attribute("value"))
        expect(page.get_by_test_id("desk-count")).to_have_text("0 dari 3 hadir · Simulasi")
        field.fill(badges[2])
        field.press("Enter")
        expect(page.locator('[data-result="ok"]')).to_contain_text("Simulasi")
        expect(page.get_by_test_id("desk-count")).to_have_text("1 dari 3 hadir · Simulasi")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
        clock.stop()
    assert attendance_count(app) == 3


def test_marking_many_finds_people_and_keeps_the_apply_bar_in_view(page, app, badges):
    """With a long list, the officer filters it, chooses everyone shown, and applies
    from the bar at the bottom of the screen without scrolling back to the top."""
    from bimtek.registration import services as registration_services
    from bimtek.registration.models import Registration
    from tests.registration.factories import participant

    with app.app_context():
        course = db.session.query(Registration).first().course
        institution_id = db.session.query(Registration).first().institution_id
        for serial in range(4, 40):
            registration_services.register(course, participant(serial, institution_id))
    page.set_viewport_size({"width": 360, "height": 740})
    open_desk(page)
    page.get_by_role("link", name="Tandai manual").first.click()
    roll = page.get_by_test_id("session-roll")
    page.get_by_label("Cari dalam daftar").fill("hidayah")
    expect(roll.locator("tbody tr:visible")).to_have_count(1)
    roll.get_by_label("Pilih semua").check()
    expect(roll.locator('input[name="registration_id"]:checked')).to_have_count(1)
    bar = page.get_by_test_id("apply-bar")
    page.get_by_label("Cari dalam daftar").fill("")
    page.mouse.wheel(0, 2000)
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740 + 1
    bar.get_by_role("button").click()
    expect(page.locator(".alert-success")).to_contain_text("1")
    expect(page.get_by_test_id("status-2")).not_to_be_empty()
    expect(page.get_by_test_id("status-1")).to_be_empty()
