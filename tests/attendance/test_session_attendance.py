"""One session: marking many participants at once, and the paper sign-in sheet."""
from datetime import date, datetime, time
from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from bimtek import audit
from bimtek.attendance import marking as attendance_services
from bimtek.attendance.marking import mark_many
from bimtek.attendance.models import Attendance, AttendanceMethod, AttendanceStatus
from bimtek.attendance.scanning import check_in
from bimtek.attendance.sign_in_sheet import sign_in_sheet_pdf
from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session, save_room
from bimtek.courses.models import Session, SessionKind
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from bimtek.registration.models import Registration
from tests.factories import make_course
from tests.registration.factories import participant
from tests.support.web import login, post

HOSTILE_NAME = '<img src="file:///etc/passwd">'
PAGE = "/courses/KSP-KUTIM-2024/sessions/{}/attendance"
SHEET = "/courses/KSP-KUTIM-2024/sessions/{}/sign-in-sheet.pdf"


def add_people(course, institution_id, specs, *, first_serial=1, unit="PPK"):
    return services.register_many(course, [services.check_participant(course, participant(
        serial, institution_id, unit=unit, front_titles=front, name=name, back_titles=back))
        for serial, (front, name, back) in enumerate(specs, start=first_serial)])


@pytest.fixture
def roll(app, make_user):
    """Monday's opening in Ballroom A; three registered participants, one cancelled, one
    of another course; the course's desk and organiser, and those of another course."""
    with app.app_context():
        course = make_course("KSP-KUTIM-2024", title="Bimbingan Teknis Mitigasi dan "
                             "Penanganan Konflik Sosial pada Penyelenggaraan Pilkada 2024")
        room = save_room(course, None, name="Ballroom A", capacity=400,
                         is_plenary=True)
        opening = add_session(course, SessionInput(
            day=date(2024, 10, 28), starts_at=time(8, 0), ends_at=time(9, 30),
            title="Pembukaan dan kebijakan tahapan Pilkada", kind=SessionKind.MATERIAL,
            room_id=room.id))
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        kesbangpol = save_institution(None, name="Badan Kesatuan Bangsa dan Politik",
                                      short_name="Kesbangpol Kutim").id
        people = add_people(course, kesbangpol, [("Drs. H.", "Syahrani Noor", "M.Si."),
                                                 ("Hj.", "Siti Rahmah", "S.Sos.")],
                            unit="Kesbangpol")
        people += add_people(course, ppk, [("", "Awang Ferdian", "S.IP.")], first_serial=3)
        (cancelled,) = add_people(course, ppk, [("", "Yang Batal", "")], first_serial=4)
        services.cancel(cancelled)
        sintang = make_course("KSP-SINTANG-2024")
        (stranger,) = add_people(sintang, ppk, [("", "Peserta Sintang", "")])
        foreign = add_session(sintang, SessionInput(
            day=sintang.starts_on, starts_at=time(8, 0), ends_at=time(9, 0), title="Lain",
            kind=SessionKind.MATERIAL))
        for email, role, which in [("organiser@bimtek.test", Role.ORGANISER, course),
                                   ("desk@bimtek.test", Role.DESK, course),
                                   ("organiser2@bimtek.test", Role.ORGANISER, sintang),
                                   ("desk2@bimtek.test", Role.DESK, sintang)]:
            user_id = make_user(email, role.value)
            course_staff.assign_course(db.session.get(User, user_id), which, role)
        make_user("peserta@bimtek.test", "participant")
        return {"session": opening.id, "foreign_session": foreign.id,
                "people": [r.id for r in people], "cancelled": cancelled.id,
                "stranger": stranger.id}


def in_english(client, email):
    login(client, email)
    post(client, "/language", {"locale": "en", "next": "/"})


def statuses(session_id) -> dict[int, tuple[AttendanceStatus, str]]:
    return {a.registration_id: (a.status, a.reason) for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.session_id == session_id))}


def marked_events() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(
        audit.AuditEvent.action == "attendance.marked"))


# --- the service -----------------------------------------------------------------------

def test_mark_many_sets_one_status_and_audits_every_change(app_context, roll):
    session = db.session.get(Session, roll["session"])
    first, second, third = (db.session.get(Registration, i) for i in roll["people"])
    check_in(session.course, first.badge_code, session_id=session.id,
             scanned_at=datetime(2024, 10, 28, 0, 0))
    marked = mark_many(session, [first.id, second.id, first.id], "izin",
                       reason="  Rapat   pleno KPU ")
    assert [a.registration_id for a in marked] == [first.id, second.id]
    assert statuses(session.id) == {first.id: (AttendanceStatus.IZIN, "Rapat pleno KPU"),
                                    second.id: (AttendanceStatus.IZIN, "Rapat pleno KPU")}
    # The desk's record is changed, not doubled, and the audit says what it was.
    scanned = db.session.scalar(sa.select(Attendance).where(
        Attendance.registration_id == first.id))
    assert scanned.method == AttendanceMethod.DESK
    events = {event.subject_id: event.details for event in db.session.scalars(
        sa.select(audit.AuditEvent).where(audit.AuditEvent.action == "attendance.marked"))}
    assert events[first.id]["previous"] == "hadir" and events[second.id]["previous"] is None
    assert events[second.id]["status"] == "izin"
    assert third.id not in statuses(session.id)


@pytest.mark.parametrize("case", ["stranger", "cancelled", "unknown"])
def test_mark_many_changes_nothing_when_any_id_is_not_a_registered_participant(
        app_context, roll, case):
    session = db.session.get(Session, roll["session"])
    bad = {"stranger": roll["stranger"], "cancelled": roll["cancelled"], "unknown": 999999}
    with pytest.raises(ValidationError) as error:
        mark_many(session, [*roll["people"], bad[case]], "hadir")
    assert str(bad[case]) in error.value.message
    assert str(roll["people"][0]) not in error.value.message
    assert statuses(session.id) == {} and marked_events() == 0


def test_mark_many_needs_a_choice_and_a_reason_for_excused_or_sick(app_context, roll):
    session = db.session.get(Session, roll["session"])
    with pytest.raises(ValidationError) as error:
        mark_many(session, [], "hadir")
    assert error.value.field == "registration_id"
    for status in ("izin", "sakit"):
        with pytest.raises(ValidationError) as error:
            mark_many(session, roll["people"], status, reason="   ")
        assert error.value.field == "reason"
    assert statuses(session.id) == {} and marked_events() == 0


def test_a_scan_during_the_batch_leaves_nothing_of_it(app, app_context, roll, monkeypatch):
    """A desk scans the second participant between the batch's read and its commit: the
    database refuses the batch's second row, and the first row goes with it."""
    session = db.session.get(Session, roll["session"])
    first, second = roll["people"][:2]
    original = attendance_services._set_status

    def scan_meanwhile(registration, *args):
        if registration.id == first:
            with db.engine.begin() as connection:
                connection.execute(sa.insert(Attendance).values(
                    registration_id=second, session_id=session.id,
                    status=AttendanceStatus.HADIR, reason="", happened_at=datetime.now(),
                    received_at=datetime.now(), method=AttendanceMethod.DESK, device=""))
        return original(registration, *args)

    monkeypatch.setattr(attendance_services, "_set_status", scan_meanwhile)
    with pytest.raises(ValidationError):
        mark_many(session, [first, second], "sakit", reason="Demam")
    db.session.rollback()  # as the page does with a refusal
    assert statuses(session.id) == {second: (AttendanceStatus.HADIR, "")}
    assert marked_events() == 0


# --- the page --------------------------------------------------------------------------

def test_desk_marks_many_from_the_session_page(app, client, roll):
    first, second, third = roll["people"]
    in_english(client, "desk@bimtek.test")
    url = PAGE.format(roll["session"])
    page = client.get(url).get_data(as_text=True)
    assert "Drs. H. Syahrani Noor, M.Si." in page and "Awang Ferdian, S.IP." in page
    assert "Yang Batal" not in page and "Peserta Sintang" not in page
    assert "Monday, 28 October 2024" in page and "08.00–09.30 WITA" in page
    assert "Ballroom A" in page
    assert SHEET.format(roll["session"]) in page
    response = post(client, url, {"registration_id": [first, third], "status": "sakit",
                                  "reason": "Demam"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Participants marked Sick: 2." in html
    assert '<td data-testid="status-1">Sick</td>' in html
    assert '<td data-testid="status-2"></td>' in html
    with app.app_context():
        assert statuses(roll["session"]) == {first: (AttendanceStatus.SAKIT, "Demam"),
                                             third: (AttendanceStatus.SAKIT, "Demam")}
        assert marked_events() == 2


def test_bad_choices_on_the_page_change_nothing_and_keep_the_choice(app, client, roll):
    first, second, _third = roll["people"]
    in_english(client, "organiser@bimtek.test")
    url = PAGE.format(roll["session"])
    nobody = post(client, url, {"status": "hadir"}).get_data(as_text=True)
    assert "Choose at least one participant." in nobody
    no_reason = post(client, url, {"registration_id": [first, second], "status": "izin"})
    html = no_reason.get_data(as_text=True)
    assert "Write the reason for Excused." in html
    assert f'value="{first}" id="registration-{first}" checked' in html
    assert '<option value="izin" selected>' in html
    foreign = post(client, url, {"registration_id": [first, roll["stranger"]],
                                 "status": "hadir"}).get_data(as_text=True)
    assert f"Not a registered participant of this course: {roll['stranger']}." in foreign
    assert post(client, url, {"registration_id": ["satu"], "status": "hadir"}).status_code \
        == 400
    assert post(client, url, {"registration_id": [first], "status": "bolos"}).status_code \
        == 400
    with app.app_context():
        assert statuses(roll["session"]) == {} and marked_events() == 0


def test_only_the_course_desk_and_organisers_reach_a_session(app, client, roll):
    page, sheet = PAGE.format(roll["session"]), SHEET.format(roll["session"])
    first = roll["people"][0]
    for url in (page, sheet):
        assert client.get(url).location.startswith("/login")
    assert post(client, page, {"registration_id": [first], "status": "hadir"}) \
        .location.startswith("/login")
    for email in ("desk2@bimtek.test", "organiser2@bimtek.test", "peserta@bimtek.test"):
        login(client, email)
        assert client.get(page).status_code == 403, email
        assert client.get(sheet).status_code == 403, email
        assert post(client, page, {"registration_id": [first], "status": "hadir"}) \
            .status_code == 403, email
        post(client, "/logout")
    login(client, "desk@bimtek.test")
    # Another course's session under this course's address is not found.
    assert client.get(PAGE.format(roll["foreign_session"])).status_code == 404
    assert client.get(SHEET.format(roll["foreign_session"])).status_code == 404
    assert post(client, PAGE.format(roll["foreign_session"]),
                {"registration_id": [first], "status": "hadir"}).status_code == 404
    with app.app_context():
        assert statuses(roll["session"]) == {} and marked_events() == 0


# --- the paper sign-in sheet -----------------------------------------------------------

def pdf_pages(document: bytes) -> list[str]:
    """Each page's text with runs of whitespace made one space."""
    return [" ".join(page.extract_text().split())
            for page in PdfReader(BytesIO(document)).pages]


def test_sign_in_sheet_lists_the_registered_participants_by_number(app_context, roll):
    document = sign_in_sheet_pdf(db.session.get(Session, roll["session"]))
    page = PdfReader(BytesIO(document)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    (text,) = pdf_pages(document)
    assert "Bimbingan Teknis Mitigasi dan Penanganan Konflik Sosial" in text
    assert "Pembukaan dan kebijakan tahapan Pilkada" in text
    assert "Senin, 28 Oktober 2024" in text and "08.00–09.30 WITA" in text
    assert "Ballroom A" in text
    names = ["Drs. H. Syahrani Noor, M.Si.", "Hj. Siti Rahmah, S.Sos.", "Awang Ferdian, S.IP."]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert "Kesbangpol Kutim" in text and "PPK" in text
    assert "Yang Batal" not in text and "Peserta Sintang" not in text


def test_sign_in_sheet_repeats_its_header_on_every_page(english, roll):
    course = course_services.find_course("KSP-KUTIM-2024")
    ppk = db.session.scalar(sa.select(Registration.institution_id).where(
        Registration.unit == "PPK"))
    add_people(course, ppk, [("", f"Anggota PPK {n}", "") for n in range(60)], first_serial=10)
    pages = pdf_pages(sign_in_sheet_pdf(db.session.get(Session, roll["session"])))
    assert len(pages) >= 2
    for text in pages:
        assert "No. Name Institution Unit (unsur) Signature" in text
    assert "Anggota PPK 59" in pages[-1] and "Anggota PPK 59" not in pages[0]


def test_person_supplied_text_is_printed_not_interpreted(app_context, roll, fetched):
    course = course_services.find_course("KSP-KUTIM-2024")
    ppk = db.session.scalar(sa.select(Registration.institution_id).where(
        Registration.unit == "PPK"))
    add_people(course, ppk, [("", HOSTILE_NAME, "")], first_serial=30)
    text = "".join(pdf_pages(sign_in_sheet_pdf(db.session.get(Session, roll["session"]))))
    # A line may break after a slash, so compare without the whitespace.
    assert "".join(HOSTILE_NAME.split()) in "".join(text.split())
    assert not any("passwd" in url for url in fetched)


def test_desk_and_organiser_download_the_sign_in_sheet(client, roll):
    for email in ("desk@bimtek.test", "organiser@bimtek.test"):
        login(client, email)
        response = client.get(SHEET.format(roll["session"]))
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert "Awang Ferdian, S.IP." in " ".join(pdf_pages(response.data))
        post(client, "/logout")
