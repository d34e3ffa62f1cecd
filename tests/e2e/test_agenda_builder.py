"""An organiser builds a day in the browser and is warned about a double-booked speaker,
and rearranges a timetable by dragging and with the keyboard."""
from datetime import date, time

import pytest
from playwright.sync_api import expect

from bimtek.auth.models import Role
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, save_room
from bimtek.courses.agenda import add_session as add
from bimtek.courses.models import Session, SessionKind
from bimtek.extensions import db
from bimtek.speakers import services as speaker_services
from tests.factories import make_course
from tests.support.browser import WIDTHS, log_in, no_horizontal_scrolling
from tests.support.web import TEST_PASSWORD


@pytest.fixture
def organiser_course(app, make_user):
    user_id = make_user("organiser@bimtek.test", "organiser")
    with app.app_context():
        from bimtek.auth.models import User

        course = make_course("KSP-KUTIM-2025")
        course_staff.assign_course(db.session.get(User, user_id), course, Role.ORGANISER)
        speaker_services.save_speaker(None, front_titles="Dr.", name="Narasumber Unhan")
    return "KSP-KUTIM-2025"


def add_session(page, start, end, title):
    """Times go in as a time picker takes them (HH:MM); the agenda shows them as 08.00."""
    page.get_by_test_id("day-2024-10-28").get_by_role(
        "button", name="Tambah sesi", exact=True).click()
    form = page.locator("#session-form-new")
    form.get_by_label("Mulai").fill(start)
    form.get_by_label("Selesai").fill(end)
    form.get_by_label("Judul").fill(title)
    picker = form.get_by_test_id("picker-new-speakers")
    picker.get_by_role("searchbox").fill("unhan")
    picker.get_by_label("Dr. Narasumber Unhan").check()
    expect(picker.get_by_test_id("chosen-new-speakers")).to_contain_text(
        "Dr. Narasumber Unhan")
    form.get_by_role("button", name="Simpan sesi").click()


def test_organiser_builds_a_day_and_sees_the_double_booking(page, organiser_course):
    log_in(page, "organiser@bimtek.test", TEST_PASSWORD)
    page.goto(f"/courses/{organiser_course}/agenda/builder")
    add_session(page, "08:00", "09:30", "Mitigasi dan resolusi konflik sosial")
    day = page.get_by_test_id("day-2024-10-28")
    expect(day).to_contain_text("08.00–09.30 WITA")
    expect(day).to_contain_text("Mitigasi dan resolusi konflik sosial")
    expect(page.get_by_test_id("agenda-warnings")).to_have_count(0)

    add_session(page, "09:00", "10:30", "Komunikasi efektif dan komunikasi krisis")
    warnings = page.get_by_test_id("agenda-warnings")
    expect(warnings).to_contain_text("Dr. Narasumber Unhan terjadwal ganda")
    expect(day.locator("tr.table-warning")).to_have_count(2)

    # A session that ends before it starts is refused in place, and nothing is added.
    add_session(page, "11:00", "10:00", "Salah jam")
    expect(page.locator("#session-form-new")).to_contain_text(
        "Sesi harus berakhir setelah dimulai.")
    expect(day).not_to_contain_text("Salah jam")
    page.locator("#session-form-new").get_by_role("button", name="Batal").click()
    expect(page.locator("#session-form-new")).to_have_count(0)


KUKAR = "KSP-KUKAR-2025"
DAY = date(2025, 3, 10)


@pytest.fixture
def timetable(app, make_user):
    """A Kutai Kartanegara course's first day: two rooms, a session in each."""
    user_id = make_user("organiser.kukar@bimtek.test", "organiser")
    with app.app_context():
        from bimtek.auth.models import User

        course = make_course(KUKAR, starts_on=DAY, title="Bimtek Mitigasi Konflik Kukar")
        course_staff.assign_course(db.session.get(User, user_id), course, Role.ORGANISER)
        kutai = save_room(course, None, name="Ruang Kutai", capacity=60, is_plenary=False)
        mahakam = save_room(course, None, name="Ruang Mahakam", capacity=40,
                            is_plenary=False)
        first = add(course, SessionInput(
            day=DAY, starts_at=time(8, 0), ends_at=time(9, 30), room_id=kutai.id,
            title="Pemetaan potensi konflik", kind=SessionKind.MATERIAL))
        second = add(course, SessionInput(
            day=DAY, starts_at=time(10, 0), ends_at=time(11, 30), room_id=mahakam.id,
            title="Deteksi dini", kind=SessionKind.MATERIAL))
        return {"kutai": kutai.id, "mahakam": mahakam.id, "first": first.id,
                "second": second.id}


def drag(page, source, target):
    """Drags `source` by a point near its top left corner onto `target`'s top left."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 12, start["y"] + 8)
    page.mouse.down()
    page.mouse.move(end["x"] + 12, end["y"] + 8, steps=12)
    page.mouse.up()


def test_dragging_a_session_into_an_occupied_room_shows_the_new_conflict(
        app, browser, live_server, timetable):
    from tests.support.browser import open_context

    context = open_context(browser, live_server, viewport=WIDTHS["laptop"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "organiser.kukar@bimtek.test", TEST_PASSWORD)
    page.goto(f"/courses/{KUKAR}/agenda/builder")
    second = page.get_by_test_id(f"grid-session-{timetable['second']}")
    expect(second).to_contain_text("10.00–11.30")
    expect(page.get_by_test_id("agenda-warnings")).to_have_count(0)
    page.screenshot(path="/tmp/grid-before.png", full_page=True)

    target = page.locator(f"[data-slot][data-room='{timetable['kutai']}'][data-start='08:30']")
    drag(page, second, target)
    second = page.get_by_test_id(f"grid-session-{timetable['second']}")
    expect(second).to_contain_text("08.30–10.00")
    badge = page.get_by_test_id(f"grid-conflict-{timetable['second']}")
    expect(badge).to_contain_text("Ruang ganda")
    expect(page.get_by_test_id(f"grid-conflict-{timetable['first']}")).to_contain_text(
        "Ruang ganda")
    # Details on demand; the whole list once, at the top.
    badge.locator("summary").click()
    expect(badge).to_contain_text("Ruang Kutai dipakai ganda")
    warnings = page.get_by_test_id("agenda-warnings")
    expect(warnings.locator("li")).to_have_count(1)
    page.screenshot(path="/tmp/grid-after-drag.png", full_page=True)
    with app.app_context():
        moved = db.session.get(Session, timetable["second"])
        assert (moved.room_id, moved.starts_at, moved.ends_at) == (
            timetable["kutai"], time(8, 30), time(10, 0))

    # The keyboard does the same: down moves 15 minutes later, right to the next room.
    first = page.get_by_test_id(f"grid-session-{timetable['first']}")
    first.focus()
    page.keyboard.press("ArrowRight")
    first = page.get_by_test_id(f"grid-session-{timetable['first']}")
    expect(first).to_have_attribute("data-room", str(timetable["mahakam"]))
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(first).to_contain_text("08.15–09.45")
    expect(first).to_be_focused()
    page.keyboard.press("Shift+ArrowDown")
    expect(first).to_contain_text("08.15–10.00")
    expect(page.get_by_test_id("agenda-warnings")).to_have_count(1)  # only JP ≠ duration
    with app.app_context():
        moved = db.session.get(Session, timetable["first"])
        assert (moved.room_id, moved.starts_at, moved.ends_at, moved.jp) == (
            timetable["mahakam"], time(8, 15), time(10, 0), 2)
    context.close()


def test_an_empty_slot_adds_a_session_there_and_the_phone_page_does_not_scroll_sideways(
        browser, live_server, timetable):
    from tests.support.browser import open_context

    context = open_context(browser, live_server, viewport=WIDTHS["phone"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, "organiser.kukar@bimtek.test", TEST_PASSWORD)
    page.goto(f"/courses/{KUKAR}/agenda/builder")
    expect(page.get_by_test_id(f"grid-session-{timetable['first']}")).to_be_visible()
    assert no_horizontal_scrolling(page)
    page.screenshot(path="/tmp/grid-phone.png", full_page=True)
    page.locator(f"[data-slot][data-room='{timetable['mahakam']}'][data-start='13:00']"
                 ).click()
    form = page.locator("#session-form-new")
    expect(form.get_by_label("Mulai")).to_have_value("13:00")
    expect(form.get_by_label("Selesai")).to_have_value("14:30")
    expect(form.get_by_label("Ruang")).to_have_value(str(timetable["mahakam"]))
    expect(form.get_by_label("Hari")).to_be_focused()
    form.get_by_label("Judul").fill("Komunikasi krisis")
    # A speaker missing from the directory, of an institution missing too, added in place.
    form.get_by_test_id("add-speaker-new-speakers").click()
    small = form.get_by_test_id("new-speaker")
    small.get_by_label("Gelar depan").fill("AKBP")
    small.get_by_label("Nama", exact=True).fill("Hendra Gunawan")
    small.get_by_test_id("add-institution-speakers_new_institution_id").click()
    institution = small.get_by_test_id("new-institution")
    institution.get_by_label("Nama singkat").fill("Polres Kukar")
    institution.get_by_label("Nama lengkap").fill("Kepolisian Resor Kutai Kartanegara")
    institution.get_by_label("Jenis").select_option(label="Polri")
    institution.get_by_role("button", name="Tambahkan instansi").click()
    expect(small.get_by_test_id("institution-added")).to_contain_text("Polres Kukar")
    small.get_by_role("button", name="Tambahkan narasumber").click()
    expect(form.get_by_test_id("speaker-added")).to_contain_text(
        "AKBP Hendra Gunawan ditambahkan ke daftar narasumber dan dipilih.")
    expect(form.get_by_label("AKBP Hendra Gunawan")).to_be_checked()
    assert no_horizontal_scrolling(page)
    page.screenshot(path="/tmp/grid-phone-form.png", full_page=True)
    form.get_by_role("button", name="Simpan sesi").click()
    expect(page.locator(".tt-session", has_text="Komunikasi krisis")).to_contain_text(
        "13.00–14.30")
    expect(page.get_by_test_id("day-2025-03-10")).to_contain_text("AKBP Hendra Gunawan")
    assert no_horizontal_scrolling(page)
    context.close()
