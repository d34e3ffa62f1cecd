"""The agenda builder and the published agenda over HTTP: who may, who may not."""
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.courses import services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session, delete_session, save_room
from bimtek.courses.models import CourseStatus, Session, SessionKind
from bimtek.extensions import db
from tests.factories import make_course
from tests.support.spreadsheets import agenda_xlsx
from tests.support.web import login, post

HTMX = {"HX-Request": "true"}


@pytest.fixture
def course_id(app):
    with app.app_context():
        course = make_course("KSP-KUTIM-2024", venue="Hotel Harris", city="Samarinda")
        add_session(course, SessionInput(
            day=date(2024, 10, 28), starts_at=time(8, 0), ends_at=time(9, 30),
            title="Mitigasi konflik sosial", kind=SessionKind.MATERIAL))
        make_course("KSP-SINTANG-2024")
        return course.id


def staff(app, make_user, email, role, course_code="KSP-KUTIM-2024"):
    """An account holding `role` for the course (created on first use)."""
    with app.app_context():
        existing = auth_services.find_user_by_email(email)
    user_id = existing.id if existing else make_user(email, role)
    with app.app_context():
        course_staff.assign_course(db.session.get(User, user_id),
                                    services.find_course(course_code), role)
    return user_id


def session_form(**changes):
    return {"new-day": "2024-10-28", "new-starts_at": "09.45", "new-ends_at": "12:00",
            "new-title": "Kebijakan tahapan Pilkada", "new-kind": "material",
            "new-room_id": "", "new-jp": "", "new-moderator": "", **changes}


def test_organiser_builds_the_agenda_with_htmx(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    assert client.get("/courses/KSP-KUTIM-2024/agenda/builder").status_code == 200
    response = post(client, "/courses/KSP-KUTIM-2024/sessions", session_form(), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.strip().startswith('<div id="agenda"')
    assert "Kebijakan tahapan Pilkada" in html and "09.45–12.00 WITA" in html
    with app.app_context():
        added = db.session.query(Session).filter_by(title="Kebijakan tahapan Pilkada").one()
        assert added.jp == 3


def test_invalid_session_returns_the_form_with_its_error(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    response = post(client, "/courses/KSP-KUTIM-2024/sessions",
                    session_form(**{"new-ends_at": "09.00"}), headers=HTMX)
    assert response.headers["HX-Retarget"] == "#session-form-new"
    assert "Sesi harus berakhir setelah dimulai." in response.get_data(as_text=True)
    response = post(client, "/courses/KSP-KUTIM-2024/sessions",
                    session_form(**{"new-starts_at": "jam delapan"}), headers=HTMX)
    assert "Waktu tidak valid." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Session).count() == 1


def test_edit_move_and_delete(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    with app.app_context():
        session_id = db.session.query(Session.id).scalar()
    page = client.get(f"/courses/KSP-KUTIM-2024/sessions/{session_id}/edit").get_data(
        as_text=True)
    assert 'value="Mitigasi konflik sosial"' in page
    prefix = f"s{session_id}-"
    post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}", {
        prefix + "day": "2024-10-29", prefix + "starts_at": "13.00", prefix + "ends_at": "15.15",
        prefix + "title": "Mitigasi dan resolusi konflik sosial", prefix + "kind": "material",
        prefix + "room_id": "", prefix + "jp": "", prefix + "moderator": ""}, headers=HTMX)
    post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/move",
         {f"m{session_id}-day": "2024-10-30", f"m{session_id}-starts_at": "08.00"}, headers=HTMX)
    with app.app_context():
        session = db.session.get(Session, session_id)
        assert (session.title, session.day, session.starts_at, session.ends_at, session.jp) == (
            "Mitigasi dan resolusi konflik sosial", date(2024, 10, 30), time(8, 0),
            time(10, 15), 3)
    response = post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/delete")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Session, session_id) is None


def test_sessions_are_reached_only_through_their_course(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-SINTANG-2024")
    login(client, "organiser@bimtek.test")
    with app.app_context():
        session_id = db.session.query(Session.id).scalar()
    # The organiser of Sintang names their own course but a Kutim session: 404.
    assert client.get(f"/courses/KSP-SINTANG-2024/sessions/{session_id}/edit").status_code == 404
    assert post(client, f"/courses/KSP-SINTANG-2024/sessions/{session_id}/delete"
                ).status_code == 404
    assert post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/delete"
                ).status_code == 403
    with app.app_context():
        assert db.session.get(Session, session_id) is not None


@pytest.mark.parametrize("role", [Role.DESK, Role.FACILITATOR])
def test_other_staff_cannot_edit_and_read_only_once_published(app, client, make_user,
                                                              course_id, role):
    staff(app, make_user, "staff@bimtek.test", role)
    login(client, "staff@bimtek.test")
    assert client.get("/courses/KSP-KUTIM-2024/agenda/builder").status_code == 403
    assert post(client, "/courses/KSP-KUTIM-2024/sessions", session_form()).status_code == 403
    assert client.get("/courses/KSP-KUTIM-2024/agenda").status_code == 403
    with app.app_context():
        services.find_course("KSP-KUTIM-2024").status = CourseStatus.PUBLISHED
        db.session.commit()
    page = client.get("/courses/KSP-KUTIM-2024/agenda").get_data(as_text=True)
    assert "Senin, 28 Oktober 2024" in page and "08.00–09.30 WITA" in page
    assert client.get("/courses/KSP-SINTANG-2024/agenda").status_code == 403


@pytest.mark.parametrize("role", ["participant", "hr"])
def test_participants_and_hr_have_no_builder(app, client, make_user, course_id, role):
    make_user("x@bimtek.test", role, institutions=["Kesbangpol Kutim"] if role == "hr" else ())
    login(client, "x@bimtek.test")
    for url in ["/courses/KSP-KUTIM-2024/agenda/builder", "/courses/KSP-KUTIM-2024/agenda",
                "/courses/new", "/courses/KSP-KUTIM-2024/edit"]:
        assert client.get(url).status_code == 403, url


def test_organiser_creates_a_course_and_is_assigned_to_it(app, client, make_user):
    make_user("organiser@bimtek.test", "organiser")
    login(client, "organiser@bimtek.test")
    response = post(client, "/courses/new", {
        "code": "KSP-KUTIM-2025", "title": "Bimtek Mitigasi Konflik Sosial", "batch": "1",
        "host_institution_id": "", "facilitator_institution_id": "",
        "starts_on": "2025-03-10", "ends_on": "2025-03-14", "timezone": "Asia/Makassar",
        "capacity": "400", "min_attendance_percent": "80"})
    assert response.location == "/courses/KSP-KUTIM-2025/agenda/builder"
    assert client.get("/courses/KSP-KUTIM-2025/edit").status_code == 200
    response = post(client, "/courses/new", {
        "code": "KSP-KUTIM-2025", "title": "Duplikat", "batch": "1", "host_institution_id": "",
        "facilitator_institution_id": "", "starts_on": "2025-03-10", "ends_on": "2025-03-09",
        "timezone": "Asia/Makassar", "capacity": "400", "min_attendance_percent": "80"})
    assert "Kode KSP-KUTIM-2025 sudah dipakai kursus lain." in response.get_data(as_text=True)


def test_a_course_of_more_than_sixty_days_is_refused_as_on_the_command_line(app, client,
                                                                           make_user):
    make_user("organiser@bimtek.test", "organiser")
    login(client, "organiser@bimtek.test")
    form = {"code": "KSP-KUKAR-2025", "title": "Bimtek", "batch": "1",
            "host_institution_id": "", "facilitator_institution_id": "",
            "starts_on": "2000-01-01", "ends_on": "2099-12-31", "timezone": "Asia/Makassar",
            "capacity": "400", "min_attendance_percent": "80"}
    response = post(client, "/courses/new", form)
    assert response.status_code == 200
    assert "Kursus berlangsung paling lama 60 hari." in response.get_data(as_text=True)
    with app.app_context():
        assert services.find_course("KSP-KUKAR-2025") is None
    response = post(client, "/courses/new", {**form, "starts_on": "2025-01-01",
                                             "ends_on": "2025-03-01"})  # day 60
    assert response.status_code == 302


def test_publishing_an_agenda_with_warnings_needs_a_second_look(app, client, make_user,
                                                               course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    with app.app_context():
        course = services.find_course("KSP-KUTIM-2024")
        add_session(course, SessionInput(
            day=date(2024, 10, 28), starts_at=time(9, 0), ends_at=time(10, 0),
            title="Bentrok", kind=SessionKind.MATERIAL, jp=1))
    login(client, "organiser@bimtek.test")
    response = post(client, "/courses/KSP-KUTIM-2024/status", follow_redirects=True)
    assert response.status_code == 200
    assert 'data-testid="publish-warnings"' in response.get_data(as_text=True)
    with app.app_context():
        assert services.find_course("KSP-KUTIM-2024").status == CourseStatus.DRAFT
    post(client, "/courses/KSP-KUTIM-2024/status", {"accept_warnings": "1"})
    with app.app_context():
        assert services.find_course("KSP-KUTIM-2024").status == CourseStatus.PUBLISHED


def test_duplicate_day_and_copy_agenda_pages(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-SINTANG-2024")
    login(client, "organiser@bimtek.test")
    post(client, "/courses/KSP-KUTIM-2024/agenda/duplicate-day",
         {"dup-source": "2024-10-28", "dup-target": "2024-10-29"})
    with app.app_context():
        sintang_id = services.find_course("KSP-SINTANG-2024").id
        kutim_id = services.find_course("KSP-KUTIM-2024").id
    response = post(client, "/courses/KSP-SINTANG-2024/agenda/copy",
                    {"copy-source_id": kutim_id}, follow_redirects=True)
    assert "2 sesi disalin dari KSP-KUTIM-2024." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Session).filter_by(day=date(2024, 10, 29)).count() == 2
        assert db.session.query(Session).filter_by(course_id=sintang_id).count() == 2


def upload(client, data, replace=False):
    import io

    form = {"file": (io.BytesIO(data), "agenda.xlsx")}
    if replace:
        form["replace"] = "y"
    return post(client, "/courses/KSP-KUTIM-2024/agenda/import", form,
                content_type="multipart/form-data")


def confirm_fields(html: str) -> dict:
    import re

    return dict(re.findall(r'name="(upload|expected_version|replace)" type="hidden" '
                           r'value="([^"]*)"', html))


def test_import_preview_then_confirm(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    data = agenda_xlsx(["29/10/2024", "08.00", "10.15", "Pemetaan intelijen keamanan",
                        "Materi", "Ballroom", "Narasumber BIN Daerah Kaltim",
                        "BIN Daerah Kaltim", 3])
    page = upload(client, data).get_data(as_text=True)
    assert "1 sesi akan ditambahkan." in page and "Narasumber BIN Daerah Kaltim" in page
    with app.app_context():
        assert db.session.query(Session).count() == 1, "the preview writes nothing"
    response = post(client, "/courses/KSP-KUTIM-2024/agenda/import/confirm",
                    confirm_fields(page))
    assert response.location == "/courses/KSP-KUTIM-2024/agenda/builder"
    with app.app_context():
        imported = db.session.query(Session).filter_by(title="Pemetaan intelijen keamanan").one()
        assert imported.room.name == "Ballroom" and imported.jp == 3


def test_import_errors_are_listed_by_row_and_nothing_is_written(app, client, make_user,
                                                              course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    page = upload(client, agenda_xlsx(
        ["29/10/2024", "10.00", "09.00", "Terbalik", "Materi", "", "", "", ""],
        ["29/10/2024", "08.00", "09.00", "JP huruf", "Materi", "", "", "", "abc"],
    )).get_data(as_text=True)
    assert 'data-testid="import-errors"' in page
    assert "Baris 2:" in page and "Baris 3:" in page and "abc" in page
    assert "Impor agenda</button>" not in page
    with app.app_context():
        assert db.session.query(Session).count() == 1


def test_confirming_a_stale_preview_is_refused(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    page = upload(client, agenda_xlsx(
        ["29/10/2024", "08.00", "09.30", "Komunikasi krisis", "Materi", "", "", "", ""],
    )).get_data(as_text=True)
    # Someone changes the agenda between the preview and the confirmation.
    with app.app_context():
        delete_session(db.session.query(Session).one())
    response = post(client, "/courses/KSP-KUTIM-2024/agenda/import/confirm",
                    confirm_fields(page), follow_redirects=True)
    assert "Agenda berubah setelah berkas ini diperiksa" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Session).count() == 0


def test_a_forged_upload_name_is_refused(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    response = post(client, "/courses/KSP-KUTIM-2024/agenda/import/confirm",
                    {"upload": "../../secret_key", "expected_version": "1"},
                    follow_redirects=True)
    assert "Berkas yang diperiksa sudah tidak tersedia" in response.get_data(as_text=True)


def test_exports_follow_the_reading_rules(app, client, make_user, course_id):
    staff(app, make_user, "desk@bimtek.test", Role.DESK)
    login(client, "desk@bimtek.test")
    assert client.get("/courses/KSP-KUTIM-2024/agenda.pdf").status_code == 403
    assert client.get("/courses/KSP-KUTIM-2024/agenda.ics").status_code == 403
    with app.app_context():
        services.find_course("KSP-KUTIM-2024").status = CourseStatus.PUBLISHED
        db.session.commit()
    pdf = client.get("/courses/KSP-KUTIM-2024/agenda.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    calendar = client.get("/courses/KSP-KUTIM-2024/agenda.ics")
    assert calendar.mimetype == "text/calendar" and b"Mitigasi konflik sosial" in calendar.data
    assert client.get("/courses/KSP-SINTANG-2024/agenda.pdf").status_code == 403


def test_bad_values_get_messages_not_server_errors(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    course_form = {"code": "KSP-KUTIM-2024", "title": "Bimtek", "batch": "1",
                   "host_institution_id": "", "facilitator_institution_id": "",
                   "starts_on": "2024-10-28", "ends_on": "2024-11-01",
                   "timezone": "Asia/Makassar", "capacity": "400",
                   "min_attendance_percent": "80"}
    for changes in ({"host_institution_id": "99999"}, {"capacity": "99999999999999999999"},
                    {"declared_jp": "99999999999"}, {"timezone": "Mars/Olympus"},
                    {"signatory_nip": "1972"}):
        response = post(client, "/courses/KSP-KUTIM-2024/edit", {**course_form, **changes})
        assert response.status_code == 200, changes
        assert "invalid-feedback" in response.get_data(as_text=True), changes
    response = post(client, "/courses/KSP-KUTIM-2024/sessions",
                    session_form(**{"new-jp": "99999999999"}), headers=HTMX)
    assert response.headers["HX-Retarget"] == "#session-form-new"
    with app.app_context():
        course = services.find_course("KSP-KUTIM-2024")
        assert course.host_institution_id is None and course.capacity == 400
    # A spaced NIP is what people type; it is kept without the spaces.
    post(client, "/courses/KSP-KUTIM-2024/edit",
         {**course_form, "signatory_nip": "19720601 200501 1 008"})
    with app.app_context():
        assert services.find_course("KSP-KUTIM-2024").signatory_nip == "197206012005011008"


def test_a_move_past_midnight_is_explained_in_the_form(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    with app.app_context():
        session_id = db.session.query(Session.id).scalar()
    response = post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/move",
                    {f"m{session_id}-day": "2024-10-28", f"m{session_id}-starts_at": "23:00"},
                    headers=HTMX)
    assert response.headers["HX-Retarget"] == f"#move-form-{session_id}"
    assert "Sesi akan melewati tengah malam." in response.get_data(as_text=True)


def test_sessions_left_outside_shortened_dates_stay_editable(app, client, make_user,
                                                           course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    with app.app_context():
        course = services.find_course("KSP-KUTIM-2024")
        course.starts_on = course.ends_on = date(2024, 10, 29)
        db.session.commit()
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/KSP-KUTIM-2024/agenda/builder").get_data(as_text=True)
    assert "Di luar tanggal kursus (1)" in page
    page = client.get("/courses/KSP-KUTIM-2024/agenda/builder?day=outside").get_data(
        as_text=True)
    assert 'data-testid="day-outside"' in page and "Mitigasi konflik sosial" in page


def test_a_failed_copy_leaves_nothing_behind(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-SINTANG-2024")
    with app.app_context():
        kutim = services.find_course("KSP-KUTIM-2024")
        save_room(kutim, None, name="Ballroom", capacity=400, is_plenary=True)
        add_session(kutim, SessionInput(
            day=date(2024, 11, 1), starts_at=time(8, 0), ends_at=time(9, 0), title="Hari 5",
            kind=SessionKind.MATERIAL))
        sintang = services.find_course("KSP-SINTANG-2024")
        sintang.ends_on = date(2024, 10, 29)
        db.session.commit()
        kutim_id, sintang_id = kutim.id, sintang.id
    login(client, "organiser@bimtek.test")
    post(client, "/courses/KSP-SINTANG-2024/agenda/copy", {"copy-source_id": kutim_id})
    with app.app_context():
        from bimtek.courses.models import Room

        assert db.session.query(Room).filter_by(course_id=sintang_id).count() == 0
        assert db.session.query(Session).filter_by(course_id=sintang_id).count() == 0


def test_only_readable_agendas_can_be_copied(app, client, make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-SINTANG-2024")
    with app.app_context():
        kutim_id = services.find_course("KSP-KUTIM-2024").id
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/KSP-SINTANG-2024/agenda/builder").get_data(as_text=True)
    assert "KSP-KUTIM-2024" not in page
    response = post(client, "/courses/KSP-SINTANG-2024/agenda/copy",
                    {"copy-source_id": kutim_id})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.query(Session).filter_by(course_id=kutim_id).count() == 1
        assert db.session.query(Session).count() == 1


def test_deleting_a_session_with_attendance_is_refused_with_a_reason(app, client, make_user,
                                                                    course_id):
    from datetime import datetime

    from bimtek.attendance.scanning import check_in
    from bimtek.institutions.services import save_institution
    from bimtek.registration import services as registration_services
    from tests.registration.factories import participant

    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    with app.app_context():
        course = services.find_course("KSP-KUTIM-2024")
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        badge = registration_services.register(course, participant(1, ppk)).badge_code
        session_id = db.session.query(Session.id).scalar()
        # 08.05 WITA on the session's day is 00.05 UTC.
        check_in(course, badge, scanned_at=datetime(2024, 10, 28, 0, 5))
    login(client, "organiser@bimtek.test")
    response = post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/delete",
                    headers=HTMX)
    assert "sudah memiliki catatan kehadiran" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Session, session_id) is not None


def published_course(app, code: str, starts_on: date, declared_jp: int | None = None) -> None:
    with app.app_context():
        course = make_course(code, starts_on=starts_on, declared_jp=declared_jp)
        add_session(course, SessionInput(
            day=starts_on, starts_at=time(8, 0), ends_at=time(9, 30),
            title="Wawasan kebangsaan", kind=SessionKind.MATERIAL, jp=2))
        services.advance_status(course, accept_warnings=True)


def status_of(app, code: str) -> CourseStatus:
    with app.app_context():
        return services.find_course(code).status


@time_machine.travel(datetime(2026, 3, 3, 2, 0, tzinfo=UTC), tick=False)  # Tue 10.00 WITA
def test_finishing_before_the_last_day_needs_a_reason_and_reopening_always(
        app, client, make_user):
    published_course(app, "KSP-KUKAR-2026", date(2026, 3, 2))  # Monday to Friday
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-KUKAR-2026")
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/KSP-KUKAR-2026").get_data(as_text=True)
    assert "Kursus berlangsung sampai Jumat, 6 Maret 2026" in page and 'data-confirm="' in page
    response = post(client, "/courses/KSP-KUKAR-2026/status", follow_redirects=True)
    assert "Untuk menyelesaikannya lebih awal, tulis alasannya." in response.get_data(
        as_text=True)
    assert status_of(app, "KSP-KUKAR-2026") == CourseStatus.PUBLISHED
    post(client, "/courses/KSP-KUKAR-2026/status", {"reason": "Ditunda karena banjir"})
    assert status_of(app, "KSP-KUKAR-2026") == CourseStatus.FINISHED
    # Reopening asks for its reason too; both are on the course page with who and when.
    response = post(client, "/courses/KSP-KUKAR-2026/reopen", {"reason": " "},
                    follow_redirects=True)
    assert "Tulis alasan membuka kembali kursus." in response.get_data(as_text=True)
    post(client, "/courses/KSP-KUKAR-2026/reopen", {"reason": "Koreksi presensi hari 1"})
    assert status_of(app, "KSP-KUKAR-2026") == CourseStatus.PUBLISHED
    page = client.get("/courses/KSP-KUKAR-2026").get_data(as_text=True)
    history = page[page.index('data-testid="status-history"'):]
    assert "3 Mar 2026 10.00 WITA</time> · Selesai: Ditunda karena banjir" in history
    assert "Dibuka kembali: Koreksi presensi hari 1" in history and "(Organiser)" in history


def test_a_course_past_its_last_day_finishes_without_a_reason_and_only_its_organiser_reopens(
        app, client, make_user):
    published_course(app, "KSP-SINTANG-2024", date(2024, 10, 28))
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-SINTANG-2024")
    staff(app, make_user, "desk@bimtek.test", Role.DESK, "KSP-SINTANG-2024")
    login(client, "organiser@bimtek.test")
    post(client, "/courses/KSP-SINTANG-2024/status")
    assert status_of(app, "KSP-SINTANG-2024") == CourseStatus.FINISHED
    post(client, "/logout")
    login(client, "desk@bimtek.test")
    assert post(client, "/courses/KSP-SINTANG-2024/reopen",
                {"reason": "Saya mau"}).status_code == 403
    assert status_of(app, "KSP-SINTANG-2024") == CourseStatus.FINISHED


def test_publishing_with_warnings_needs_the_box_ticked_and_the_jp_gap_stays_in_numbers(
        app, client, make_user):
    with app.app_context():
        course = make_course("KSP-KUKAR-2026", starts_on=date(2026, 3, 2), declared_jp=40)
        add_session(course, SessionInput(
            day=date(2026, 3, 2), starts_at=time(8, 0), ends_at=time(9, 30),
            title="Wawasan kebangsaan", kind=SessionKind.MATERIAL, jp=2))
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-KUKAR-2026")
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/KSP-KUKAR-2026").get_data(as_text=True)
    assert "Agenda berjumlah 2 JP, tetapi kursus menetapkan 40 JP." in page
    assert 'name="accept_warnings" value="1" id="accept-warnings" required' in page
    post(client, "/courses/KSP-KUKAR-2026/status")
    assert status_of(app, "KSP-KUKAR-2026") == CourseStatus.DRAFT
    post(client, "/courses/KSP-KUKAR-2026/status", {"accept_warnings": "1"})
    assert status_of(app, "KSP-KUKAR-2026") == CourseStatus.PUBLISHED
    # Published, the shortfall is still said.
    page = client.get("/courses/KSP-KUKAR-2026").get_data(as_text=True)
    assert "Agenda berisi 2 JP dari 40 JP yang dinyatakan kursus: kurang 38 JP." in page
    assert 'data-testid="publish-warnings"' not in page


def test_an_empty_slot_of_the_timetable_prefills_the_new_session(app, client, make_user):
    with app.app_context():
        course = make_course("KSP-KUKAR-2025", starts_on=date(2025, 3, 10))
        room_id = save_room(course, None, name="Ruang Mahakam", capacity=40,
                            is_plenary=False).id
        other_room_id = save_room(make_course("KSP-SINTANG-2024"), None, name="Aula",
                                  capacity=None, is_plenary=False).id
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-KUKAR-2025")
    login(client, "organiser@bimtek.test")
    builder = client.get("/courses/KSP-KUKAR-2025/agenda/builder?day=2025-03-11").get_data(
        as_text=True)
    assert f"/courses/KSP-KUKAR-2025/sessions/new?day=2025-03-11&amp;room={room_id}" \
           "&amp;start=13:00" in builder
    assert 'aria-label="Tambah sesi di Ruang Mahakam pukul 13.00"' in builder
    form = client.get(f"/courses/KSP-KUKAR-2025/sessions/new?day=2025-03-11&room={room_id}"
                      "&start=13:00").get_data(as_text=True)
    assert '<option selected value="2025-03-11">' in form
    assert f'<option selected value="{room_id}">Ruang Mahakam</option>' in form
    assert 'value="13:00"' in form and 'value="14:30"' in form
    # Another course's room, a day outside the course and a time past midnight are ignored.
    form = client.get(f"/courses/KSP-KUKAR-2025/sessions/new?day=2025-04-01"
                      f"&room={other_room_id}&start=23:00").get_data(as_text=True)
    assert '<option selected value="2025-03-10">' in form
    assert 'value="23:00"' in form and "Aula" not in form
    assert client.get("/courses/KSP-KUKAR-2025/sessions/new?start=jam+satu").status_code == 200


def test_the_timetable_moves_a_session_to_another_room_and_resizes_it(app, client,
                                                                       make_user, course_id):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER)
    with app.app_context():
        course = services.find_course("KSP-KUTIM-2024")
        hall = save_room(course, None, name="Ballroom", capacity=400, is_plenary=True).id
        session_id = db.session.query(Session.id).scalar()
    login(client, "organiser@bimtek.test")
    response = post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/move?from=grid",
                    {f"m{session_id}-day": "2024-10-29", f"m{session_id}-starts_at": "10:00",
                     f"m{session_id}-room_id": str(hall)}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert 'data-testid="day-2024-10-29"' in html and "10.00–11.30" in html
    post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/resize",
         {f"r{session_id}-ends_at": "12:15"}, headers=HTMX)
    with app.app_context():
        session = db.session.get(Session, session_id)
        # The JP were the default for 90 minutes, so they follow the new length.
        assert (session.day, session.starts_at, session.ends_at, session.room_id,
                session.jp) == (date(2024, 10, 29), time(10, 0), time(12, 15), hall, 3)
    # A drag past midnight is refused where the timetable shows it, and nothing moves.
    response = post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/move?from=grid",
                    {f"m{session_id}-day": "2024-10-29", f"m{session_id}-starts_at": "23:00",
                     f"m{session_id}-room_id": str(hall)}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert html.strip().startswith('<div id="agenda"') and "melewati tengah malam" in html
    response = post(client, f"/courses/KSP-KUTIM-2024/sessions/{session_id}/resize",
                    {f"r{session_id}-ends_at": "09:00"}, headers=HTMX)
    assert "Sesi harus berakhir setelah dimulai." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Session, session_id).ends_at == time(12, 15)
