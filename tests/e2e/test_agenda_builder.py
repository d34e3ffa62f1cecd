"""An organiser builds a day in the browser and is warned about a double-booked speaker."""
import pytest
from playwright.sync_api import expect

from bimtek.auth.models import Role
from bimtek.courses import staff as course_staff
from bimtek.extensions import db
from bimtek.speakers import services as speaker_services
from tests.factories import make_course
from tests.support.browser import log_in
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
    page.get_by_test_id("day-2024-10-28").get_by_role("button", name="Tambah sesi").click()
    form = page.locator("#session-form-new")
    form.get_by_label("Mulai").fill(start)
    form.get_by_label("Selesai").fill(end)
    form.get_by_label("Judul").fill(title)
    form.get_by_label("Narasumber").select_option(label="Dr. Narasumber Unhan")
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
