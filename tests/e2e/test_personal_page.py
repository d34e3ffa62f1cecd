"""A participant without an account, on a phone (360 px) and on a laptop (1280 px): the
personal link is their whole app."""
from __future__ import annotations

from playwright.sync_api import expect

from bimtek.attendance.room_codes import self_check_in_code
from bimtek.certificates import tasks
from bimtek.courses.models import CourseStatus, Session
from bimtek.extensions import db
from bimtek.timeutil import utcnow
from tests.attendance.factories import course_running_today
from tests.exercises.factories import finished_course_with_accounts
from tests.support.browser import PDF_TIMEOUT_MS, no_horizontal_scrolling


def test_open_the_link_and_check_in_with_the_room_code(app, device):
    with app.app_context():
        course, session, (budi,) = course_running_today(
            "KSP-KUTIM-DEMO", ["Drs. Budi Santoso Wicaksono Mangkunegoro"])
        course.status, course.late_after_minutes = CourseStatus.PUBLISHED, 24 * 60
        db.session.commit()
        token, session_id = budi.personal_token, session.id
    device.goto(f"/me/{token}")
    expect(device.get_by_test_id("current-session")).to_contain_text("Simulasi")
    expect(device.get_by_test_id("badge-code")).to_be_visible()
    assert no_horizontal_scrolling(device)
    with app.app_context():
        code = self_check_in_code(db.session.get(Session, session_id), utcnow(),
                                  app.config["SECRET_KEY"])
    device.get_by_label("Presensi: ketik kode pada layar ruangan").fill(code.lower())
    device.get_by_role("button", name="Presensi").click()
    expect(device.locator('[data-result="ok"]')).to_contain_text("Hadir")
    expect(device.get_by_test_id("current-session").get_by_test_id(
        "attendance-status")).to_have_text("Hadir")
    assert no_horizontal_scrolling(device)


def test_on_a_finished_course_the_certificate_is_downloaded_from_the_top(app, device):
    with app.app_context():
        course, people, _staff = finished_course_with_accounts("KSP-KUTIM-2024", "e2e")
        tasks.start_batch(course)
        token = people[0].personal_token
    device.goto(f"/me/{token}")
    certificate = device.get_by_test_id("certificate")
    expect(certificate).to_contain_text("Sertifikat Anda sudah tersedia")
    # First on the page: above the badge and the agenda, without scrolling.
    top = certificate.bounding_box()["y"]
    assert top < device.get_by_test_id("badge").bounding_box()["y"]
    assert top + certificate.bounding_box()["height"] <= device.viewport_size["height"]
    assert no_horizontal_scrolling(device)
    # The JP bar is drawn as wide as the share attended.
    device.wait_for_function("""() => {
        const track = document.querySelector('[role="progressbar"][aria-label="JP"]');
        const share = track.getAttribute("aria-valuenow") / 100;
        return share > 0
            && Math.abs(track.firstElementChild.offsetWidth - share * track.clientWidth) < 2;
    }""")
    with device.expect_download(timeout=PDF_TIMEOUT_MS) as download:
        certificate.get_by_role("link", name="Unduh sertifikat saya").click(timeout=PDF_TIMEOUT_MS)
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_speaker_agenda_fits_a_phone(app, device):
    with app.app_context():
        course, _people, _staff = finished_course_with_accounts("KSP-KUTIM-2024", "e2e")
        link = next(link for session in course.sessions for link in session.speaker_links)
        token = link.speaker.agenda_token
    device.goto(f"/speakers/agenda/{token}")
    expect(device.get_by_test_id("where").first).to_be_visible()
    assert no_horizontal_scrolling(device)
