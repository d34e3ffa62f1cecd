"""Participants over HTTP: organisers of the course, the participant themself, nobody else."""
import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from sqlalchemy import select

from bimtek.audit import PERSONAL_DATA_EXPORT, AuditEvent
from bimtek.auth.models import User
from bimtek.courses import services as course_services
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.regions.services import find_area
from bimtek.registration import services
from bimtek.registration.models import Registration, RegistrationStatus
from tests.registration.factories import form_data, participant
from tests.support.csv_safety import assert_no_formula_opens
from tests.support.web import login, post


def test_organiser_lists_and_adds_participants(app, client, course_setup):
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/KSP-KUTIM-2024/participants").get_data(as_text=True)
    assert "Siti Rahmah" in page
    response = post(client, "/courses/KSP-KUTIM-2024/participants/new", form_data(course_setup))
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalar(select(Registration).where(Registration.name == "Budi Santoso"))
        assert added.number == 2 and added.phone == "+6281234567890"
        assert added.kecamatan.name == "Kombeng"
    page = client.get("/courses/KSP-KUTIM-2024/participants?q=budi").get_data(as_text=True)
    assert "Budi Santoso, S.Sos." in page and "Siti Rahmah" not in page
    # The filters side by side each say what they filter.
    empty_choices = re.findall(r'<option[^>]*value=""[^>]*>([^<]*)</option>', page)
    assert empty_choices == ["Semua instansi", "Semua unsur", "Semua kecamatan", "Semua status"]


def test_bad_participant_input_names_the_field_and_changes_nothing(app, client, course_setup):
    login(client, "organiser@bimtek.test")
    response = post(client, "/courses/KSP-KUTIM-2024/participants/new",
                    form_data(course_setup, nik="6408011234"))
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Registration).count() == 1


def test_other_people_cannot_see_participants(app, client, make_user, course_setup):
    registration_id = course_setup["registration_id"]
    urls = ["/courses/KSP-KUTIM-2024/participants",
            "/courses/KSP-KUTIM-2024/participants/new",
            f"/courses/KSP-KUTIM-2024/participants/{registration_id}"]
    login(client, "other@bimtek.test")
    for url in urls:
        assert client.get(url).status_code == 403, url
    # Naming one's own course does not reach another course's participant either.
    assert client.get(f"/courses/KSP-SINTANG-2024/participants/{registration_id}"
                      ).status_code == 404
    assert post(client, f"/courses/KSP-SINTANG-2024/participants/{registration_id}/cancel"
                ).status_code == 404
    post(client, "/logout")
    for role in ("desk", "facilitator", "participant"):
        make_user(f"{role}@bimtek.test", role)
        login(client, f"{role}@bimtek.test")
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
        post(client, "/logout")
    with app.app_context():
        assert db.session.get(Registration, registration_id).status == \
            RegistrationStatus.REGISTERED


def test_self_registration_leads_to_the_personal_page(app, client, smtp, course_setup):
    response = post(client, "/register/KSP-KUTIM-2024",
                    form_data(course_setup, email="budi@ppk.example.go.id"))
    assert response.status_code == 302 and response.location.endswith("/sent")
    link = re.search(r"/register/confirm/\S+", smtp.body_to("budi@ppk.example.go.id"))
    response = post(client, link.group(0))
    assert response.status_code == 302 and response.location.startswith("/me/")
    page = client.get(response.location).get_data(as_text=True)
    assert "Budi Santoso" in page and "<svg" in page
    assert client.get("/me/not-a-token").status_code == 404


def test_self_registration_only_while_open(app, client, course_setup):
    with app.app_context():
        course_services.find_course("KSP-KUTIM-2024").registration_open = False
        db.session.commit()
    page = client.get("/register/KSP-KUTIM-2024").get_data(as_text=True)
    assert "Pendaftaran ditutup." in page
    post(client, "/register/KSP-KUTIM-2024", form_data(course_setup))
    with app.app_context():
        assert db.session.query(Registration).count() == 1
    assert client.get("/register/NO-SUCH-COURSE").status_code == 404


def test_cancel_and_reissue_from_the_participant_page(app, client, course_setup):
    login(client, "organiser@bimtek.test")
    registration_id = course_setup["registration_id"]
    with app.app_context():
        old_code = db.session.get(Registration, registration_id).badge_code
    post(client, f"/courses/KSP-KUTIM-2024/participants/{registration_id}/badge")
    post(client, f"/courses/KSP-KUTIM-2024/participants/{registration_id}/cancel")
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        assert registration.badge_code != old_code
        assert registration.status == RegistrationStatus.CANCELLED
    page = client.get(f"/courses/KSP-KUTIM-2024/participants/{registration_id}").get_data(
        as_text=True)
    assert "Pendaftaran dibatalkan" in page
    assert "Kartu peserta baru diterbitkan; kartu lama (" in page


def test_the_history_reads_in_words_on_the_course_clock(app, client, course_setup):
    """Each event in Indonesian, at the course's local time (WITA), with who did it."""
    registration_id = course_setup["registration_id"]
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        session = add_session(course, SessionInput(
            day=course.starts_on, starts_at=time(8, 0), ends_at=time(9, 30),
            title="Wawasan kebangsaan", kind=SessionKind.MATERIAL))
        session_id = session.id
    with time_machine.travel(datetime(2026, 12, 7, 0, 45, tzinfo=UTC), tick=False):
        login(client, "organiser@bimtek.test")
        for status, reason in (("hadir", ""), ("izin", "Tugas kantor")):
            post(client, f"/courses/KSP-KUTIM-2024/participants/{registration_id}/attendance",
                 {"session_id": session_id, "status": status, "reason": reason})
        page = client.get(f"/courses/KSP-KUTIM-2024/participants/{registration_id}"
                          ).get_data(as_text=True)
    # Oldest first: the marks were made on a clock set back before the registration.
    lines = re.findall(r"<li><time[^>]*>([^<]*)</time> · ([^<]*)", page)
    assert lines[-1][1].strip() == "Terdaftar"
    assert lines[:2] == [
        ("7 Des 2026 08.45 WITA", "Wawasan kebangsaan: Hadir "),
        ("7 Des 2026 08.45 WITA", "Wawasan kebangsaan: Hadir diubah menjadi Izin (Tugas kantor) "),
    ]
    assert "(Organiser)" in page.split("Wawasan kebangsaan: Hadir")[1]
    assert "attendance.marked" not in page and "UTC" not in page


def test_registered_participant_reads_the_published_agenda(app, client, make_user,
                                                          course_setup):
    user_id = make_user("peserta@bimtek.test", "participant")
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        services.register(course, participant(9, course_setup["institution_id"]),
                          user_id=user_id)
    login(client, "peserta@bimtek.test")
    assert client.get("/courses/KSP-KUTIM-2024/agenda").status_code == 403, "still a draft"
    with app.app_context():
        course_services.advance_status(course_services.find_course("KSP-KUTIM-2024"), True)
    assert client.get("/courses/KSP-KUTIM-2024/agenda").status_code == 200
    assert client.get("/courses/KSP-SINTANG-2024/agenda").status_code == 403
    assert "KSP-KUTIM-2024" in client.get("/").get_data(as_text=True)


def test_the_participant_list_loads_in_a_constant_number_of_queries(app, client, course_setup,
                                                                    count_queries):
    login(client, "organiser@bimtek.test")

    def queries_for_list():
        with count_queries() as counter:
            response = client.get("/courses/KSP-KUTIM-2024/participants")
        assert response.status_code == 200
        return counter.count

    few = queries_for_list()
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        kecamatan = find_area("64.08").kecamatan
        institutions = [save_institution(None, name=f"Instansi {n}", short_name=f"I{n}").id
                        for n in range(5)]
        services.register_many(course, [services.check_participant(course, participant(
            n, institutions[n % 5], unit=f"Unsur {n % 7}", kecamatan_id=kecamatan[n % 18].id))
            for n in range(100, 199)])
    assert queries_for_list() == few


def test_only_the_course_organiser_imports_and_exports(app, client, make_user, course_setup):
    login(client, "other@bimtek.test")
    for url in ["/courses/KSP-KUTIM-2024/participants/import",
                "/courses/KSP-KUTIM-2024/participants/export.xlsx",
                "/courses/KSP-KUTIM-2024/participants/export.csv"]:
        assert client.get(url).status_code == 403, url
    assert post(client, "/courses/KSP-KUTIM-2024/participants/import/confirm",
                {"upload": "x.xlsx"}).status_code == 403
    post(client, "/logout")
    login(client, "organiser@bimtek.test")
    export = client.get("/courses/KSP-KUTIM-2024/participants/export.csv")
    assert export.mimetype == "text/csv" and "Siti Rahmah" in export.get_data(as_text=True)
    assert client.get("/courses/KSP-KUTIM-2024/participants/export.pdf").status_code == 404


def test_badges_for_the_organiser_only(app, client, course_setup, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
    registration_id = course_setup["registration_id"]
    login(client, "other@bimtek.test")
    assert post(client, "/courses/KSP-KUTIM-2024/participants/badges").status_code == 403
    post(client, "/logout")
    login(client, "organiser@bimtek.test")
    job = post(client, "/courses/KSP-KUTIM-2024/participants/badges", {"id": registration_id})
    pdf = client.get(f"{job.location}/badges.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "no-store"
    # A participant of another course is not printed: nothing left, so a message instead.
    response = post(client, "/courses/KSP-KUTIM-2024/participants/badges", {"id": 999999})
    assert response.status_code == 302 and response.location.endswith("/participants")


def test_organiser_corrects_a_participant(app, client, make_user, course_setup):
    registration_id = course_setup["registration_id"]
    login(client, "organiser@bimtek.test")
    page = client.get(f"/courses/KSP-KUTIM-2024/participants/{registration_id}/edit"
                      ).get_data(as_text=True)
    assert 'value="Siti Rahmah"' in page
    with app.app_context():
        current = db.session.get(Registration, registration_id)
        fields = {"front_titles": "", "name": "Siti Rahmah", "back_titles": "S.E.",
                  "gender": "P", "nik": current.nik, "nip": "", "rank": "",
                  "position": "Staf", "institution_id": current.institution_id,
                  "unit": "Kesbangpol", "kecamatan_id": "", "phone": "", "email": ""}
        other = services.register(current.course, participant(
            2, current.institution_id, name="Orang Kedua"))
        other_nik = other.nik
    response = post(client, f"/courses/KSP-KUTIM-2024/participants/{registration_id}/edit",
                    fields)
    assert response.status_code == 302
    # Another active participant's NIK is refused, naming their number.
    response = post(client, f"/courses/KSP-KUTIM-2024/participants/{registration_id}/edit",
                    {**fields, "nik": other_nik})
    assert "sebagai peserta nomor 2" in response.get_data(as_text=True)
    with app.app_context():
        corrected = db.session.get(Registration, registration_id)
        assert corrected.full_name == "Siti Rahmah, S.E." and corrected.nik != other_nik
    history = client.get(f"/courses/KSP-KUTIM-2024/participants/{registration_id}"
                         ).get_data(as_text=True)
    assert "Data diperbaiki: Gelar belakang" in history
    post(client, "/logout")
    login(client, "other@bimtek.test")
    assert post(client, f"/courses/KSP-KUTIM-2024/participants/{registration_id}/edit",
                fields).status_code == 403


def test_the_personal_page_shows_attendance_and_jp(app, client, course_setup):
    from datetime import date, datetime, time

    from bimtek.attendance.scanning import check_in
    from bimtek.courses.models import SessionKind

    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        for start, end in [((8, 0), (9, 30)), ((9, 45), (12, 0))]:
            add_session(course, SessionInput(
                day=date(2024, 10, 28), starts_at=time(*start), ends_at=time(*end),
                title=f"Materi {start[0]}", kind=SessionKind.MATERIAL))
        course_services.advance_status(course, True)
        registration = db.session.get(Registration, course_setup["registration_id"])
        check_in(course, registration.badge_code, scanned_at=datetime(2024, 10, 28, 0, 5))
    page = client.get(f"/me/{course_setup['token']}").get_data(as_text=True)
    assert "Kehadiran sejauh ini: 2 dari 5 JP (40%)" in page and "Hadir" in page


def test_no_cell_of_the_participant_csv_opens_as_a_formula(app, client, course_setup):
    with app.app_context():
        registration = db.session.get(Registration, course_setup["registration_id"])
        registration.name = "Siti,=1+1"  # a comma is a name's business; Excel splits on it
        registration.unit = "Kesbangpol;@SUM(A1)"
        db.session.commit()
    login(client, "organiser@bimtek.test")
    export = client.get("/courses/KSP-KUTIM-2024/participants/export.csv")
    assert_no_formula_opens(export.data)
    assert "Siti,'=1+1" in export.get_data(as_text=True)


@pytest.mark.parametrize("field", ["name", "front_titles", "back_titles"])
def test_a_semicolon_before_a_formula_is_refused_in_names(app, client, course_setup, field):
    response = post(client, "/register/KSP-KUTIM-2024",
                    form_data(course_setup, **{field: "Budi;=1+1;x"}))
    assert response.status_code == 200
    assert "Tanda “;” tidak boleh diikuti =, +, - atau @" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Registration).count() == 1


def test_pages_and_files_with_personal_data_are_never_cached(app, client, course_setup):
    """Desk laptops are shared: the next user must not find a participant in the cache."""
    registration_id = course_setup["registration_id"]
    assert client.get(f"/me/{course_setup['token']}").headers["Cache-Control"] == "no-store"
    login(client, "organiser@bimtek.test")
    for url in ["/courses/KSP-KUTIM-2024/participants",
                f"/courses/KSP-KUTIM-2024/participants/{registration_id}",
                "/courses/KSP-KUTIM-2024/participants/export.csv"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    assert "no-store" not in client.get("/static/js/app.js").headers.get("Cache-Control", "")


def test_lists_mask_the_nik_which_only_the_detail_page_and_exports_show(app, client,
                                                                          course_setup):
    with app.app_context():
        full = db.session.get(Registration, course_setup["registration_id"]).nik
    masked = full[:4] + "********" + full[-4:]
    login(client, "organiser@bimtek.test")
    listing = client.get("/courses/KSP-KUTIM-2024/participants").get_data(as_text=True)
    assert masked in listing and full not in listing
    detail = client.get(f"/courses/KSP-KUTIM-2024/participants/{course_setup['registration_id']}")
    assert full in detail.get_data(as_text=True)
    assert full in client.get("/courses/KSP-KUTIM-2024/participants/export.csv").get_data(
        as_text=True)


def test_every_export_of_personal_data_is_in_the_course_export_log(app, client, course_setup,
                                                                 tmp_path):
    login(client, "organiser@bimtek.test")
    log = client.get("/courses/KSP-KUTIM-2024/exports").get_data(as_text=True)
    assert "Belum ada yang diekspor." in log
    client.get("/courses/KSP-KUTIM-2024/participants/export.xlsx")
    client.get("/courses/KSP-KUTIM-2024/participants/export.csv")
    result = app.test_cli_runner().invoke(args=["export-participants", "KSP-KUTIM-2024",
                                                str(tmp_path / "peserta.csv")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == PERSONAL_DATA_EXPORT).order_by(AuditEvent.id)).all()
        organiser = db.session.scalar(select(User).where(User.email == "organiser@bimtek.test"))
        assert [(e.details["what"], e.details["rows"], e.actor_id) for e in events] == [
            ("participants.xlsx", "1", organiser.id), ("participants.csv", "1", organiser.id),
            ("participants.csv", "1", None)]
        assert {e.course_id for e in events} == {course_services.find_course(
            "KSP-KUTIM-2024").id}
    table = client.get("/courses/KSP-KUTIM-2024/exports").get_data(as_text=True)
    assert table.count("participants.csv") == 2 and "participants.xlsx" in table
    assert "Organiser" in table and "Baris perintah di server" in table
