"""Hostile text comes back as text: in pages, spreadsheets, PDFs and calendars.

One world is built for the module in which every text a person can type holds a hostile
value, saved through the services: course, room, sessions, speaker, institutions,
participants, accounts, attendance reasons, a cancellation, certificate wording, numbers
and signatory, an eligibility decision, a revocation, the exercise with its objective,
inject, response, ratings and report, a scanner's name, and a second course running today
for the desk. (Team names are "Tim n" and kecamatan are reference data: nobody types them.)
Each value carries a script tag or an attribute break-out with an `<img onerror>`, a Jinja
expression `{{7*7}}`, starts like a spreadsheet formula (`=HYPERLINK(…)`, `+1+1`, `-2+3`,
`@SUM(A1)`, `=cmd|…`, and after a tab or CR), and ends with a tag naming its field; texts
without a length limit also hold markup that would fetch a file or a stylesheet.

What is proven, one parametrised row per place a person reads those texts:
- every HTML page and htmx fragment (`test_every_get_endpoint_is_checked` keeps the tables
  complete), every page echoing a query string or a rejected form, and the previews of
  uploaded files show the texts they name escaped, none of the markup raw, and `{{7*7}}`
  as typed, never 49;
- the scanner API answers in JSON that holds the texts exactly;
- every spreadsheet export holds the texts exactly and no formula: XLSX cells are strings
  with Excel's quote prefix, CSV cells that would start a formula start with an apostrophe;
- every PDF prints the texts literally, and rendering them fetched nothing but the app's
  own static files: the markup was not interpreted;
- iCalendar files hold the texts as values: a line break in a description starts no event;
- text is marked safe, or put into the page as HTML by JavaScript, only in the reviewed
  places listed below; the desk script inserts only the fragments the server escaped
  (the `POST attendance.scan` rows);
- fields that refuse such text say so with a message and change nothing.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select

from bimtek import pdf
from bimtek.attendance import devices, marking, room_codes, scanning
from bimtek.attendance.models import AttendanceStatus
from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.certificates import demo_keys, signatories, tasks
from bimtek.certificates import services as certificate_services
from bimtek.certificates.eligibility import override_eligibility
from bimtek.certificates.models import Certificate, Signatory
from bimtek.certificates.settings import check_statement, save_settings
from bimtek.config import PROJECT_ROOT
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import save_room, session_input, update_session
from bimtek.courses.models import Course, Room, Session, SessionKind
from bimtek.errors import ValidationError
from bimtek.exercises import evaluation as exercise_evaluation
from bimtek.exercises import msel as exercise_msel
from bimtek.exercises import report
from bimtek.exercises import running as exercise_running
from bimtek.exercises import setup as exercise_setup
from bimtek.exercises import teams as exercise_teams
from bimtek.exercises.models import Delivery, Exercise, ImprovementAction, Inject, Objective
from bimtek.extensions import db, init_task_queue, limiter
from bimtek.institutions import services as institution_services
from bimtek.institutions.models import Institution
from bimtek.mail import services as mail
from bimtek.mail.models import MessageKind
from bimtek.registration import messages as registration_messages
from bimtek.registration import services as registration_services
from bimtek.registration import tasks as registration_tasks
from bimtek.registration.models import PendingRegistration, Registration
from bimtek.speakers import services as speaker_services
from bimtek.speakers.models import SessionSpeaker, Speaker
from bimtek.spreadsheet_writing import looks_like_formula
from bimtek.timeutil import utcnow
from tests.attendance.factories import course_running_today
from tests.certificates.factories import institution
from tests.exercises.factories import account, finished_course_with_accounts
from tests.registration.factories import nik, participant
from tests.support.apps import empty_database
from tests.support.authorization import (
    DONE,
    MATRIX,
    OK,
    build_url,
    endpoint_keys,
    job_message,
    pending_registration,
)
from tests.support.web import csrf_token, login

CODE, TODAY_CODE = "BIMTEK-XSS-2024", "BIMTEK-XSS-HARI-INI"

# --- hostile text ------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
FORMULAS = ('=HYPERLINK("http://evil.invalid","x")', "+1+1", "-2+3", "@SUM(A1)",
            "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1")
# For texts without a length limit: markup that fetches something wherever it is HTML.
FETCHING = ('<img src="file:///etc/passwd"><link rel=stylesheet href="http://evil.invalid/'
            'x.css"><style>@import "http://evil.invalid/y.css";</style>')
# In a description: lines that would start an event of their own in a naive iCalendar.
CALENDAR_BREAK = "\nEND:VEVENT\nBEGIN:VEVENT\nUID:disusupkan\nSUMMARY:Disusupkan"
# Markup that must never reach a page or a PDF as markup.
RAW_MARKUP = ("<script>alert", "<img src=x", '<img src="file:', "<link rel=stylesheet",
              "<style>@import")
EVALUATED = "49#"  # what `{{7*7}}#tag` would become if a template evaluated it


class Texts(dict):
    """The hostile texts of the world by tag, as the app stores them (spacing tidied)."""

    def payload(self, tag: str, column=None, *, fetching: bool = False,
                template: bool = True, lines: str = "") -> str:
        """A new hostile text for a field; `column` gives the field's length limit."""
        n = len(self)
        markup = (SCRIPT, IMG)[n % 2] + (FETCHING if fetching else "") + \
            (TEMPLATE if template else "")
        value = f"{FORMULAS[n % len(FORMULAS)]} {markup}#{tag}"
        limit = getattr(getattr(column, "type", None), "length", None)
        if limit and len(value) > limit:
            value = f"+1 {markup}#{tag}"
        assert not limit or len(value) <= limit, f"{tag} does not fit its column"
        self[tag] = (value + lines).strip() if lines else " ".join(value.split())
        return value + lines


# --- the world ---------------------------------------------------------------------------

@dataclass
class World:
    texts: Texts
    values: dict  # THIS course's URL values, as test_authorization_matrix builds them
    today: dict  # the same for the course running today
    emails: dict[str, str]  # by role
    fetched_while_building: list[str]
    clients: dict = field(default_factory=dict)

    def client(self, app, role: str):
        if role not in self.clients:
            client = app.test_client()
            if role != "anonymous":
                login(client, self.emails[role])
            self.clients[role] = client
        return self.clients[role]


def _rename_users(p: Texts, users: dict[str, User]) -> None:
    for role, user in users.items():
        auth_services.save_user(user, email=user.email, name=p.payload(f"user.{role}", User.name),
                                roles=user.roles,
                                institution_ids=[i.id for i in user.institutions])


def _poison_agenda(p: Texts, course: Course) -> Speaker:
    """Course, host, room, every session and the first material's speaker."""
    host = course.host_institution
    institution_services.save_institution(host, name=p.payload("host.name", Institution.name),
                                      short_name=p.payload("host.short",
                                                           Institution.short_name))
    course_services.save_course(
        course, code=course.code, title=p.payload("course.title", Course.title),
        programme=p.payload("course.programme", Course.programme),
        venue=p.payload("course.venue", Course.venue),
        city=p.payload("course.city", Course.city))
    room = save_room(course, None, name=p.payload("room.name", Room.name),
                     capacity=50, is_plenary=False)
    for number, session in enumerate(course.sessions, start=1):
        update_session(session, session_input(
            session, title=p.payload(f"session{number}.title", Session.title),
            description=p.payload(f"session{number}.description", fetching=True,
                                  lines=CALENDAR_BREAK), room_id=room.id))
    speaker = db.session.scalar(select(SessionSpeaker).where(
        SessionSpeaker.session_id == course.sessions[1].id)).speaker
    speaker_services.save_speaker(
        speaker, front_titles=p.payload("speaker.front", Speaker.front_titles),
        name=p.payload("speaker.name", Speaker.name),
        back_titles=p.payload("speaker.back", Speaker.back_titles),
        rank=p.payload("speaker.rank", Speaker.rank),
        position=p.payload("speaker.position", Speaker.position),
        institution_id=speaker.institution_id, bio=p.payload("speaker.bio", fetching=True))
    return speaker


def _poison_participants(p: Texts, course: Course, people: list[Registration],
                         institution_id: int) -> None:
    for number, registration in enumerate(people, start=1):
        tag = f"p{number}"
        registration_services.update_registration(registration, participant(
            number, institution_id, nik=registration.nik, nip=registration.nip or "",
            name=p.payload(f"{tag}.name", Registration.name),
            front_titles=p.payload(f"{tag}.front", Registration.front_titles),
            back_titles=p.payload(f"{tag}.back", Registration.back_titles),
            rank=p.payload(f"{tag}.rank", Registration.rank),
            position=p.payload(f"{tag}.position", Registration.position),
            unit=p.payload(f"{tag}.unit", Registration.unit),
            email=f"{tag}.{SCRIPT}@xss.test".lower()))
        p[f"{tag}.email"] = registration.email
    registration_services.set_unit_quota(course, people[0].unit, 10)


def _run_exercise(p: Texts, course: Course, organiser: User, facilitator: User,
                  member_account: User) -> dict:
    simulation = next(s for s in course.sessions if s.kind == SessionKind.SIMULATION)
    exercise = exercise_setup.create_exercise(
        course, title=p.payload("exercise.title", Exercise.title),
        scenario=p.payload("exercise.scenario", fetching=True), session_id=simulation.id,
        facilitator_ids=[facilitator.id], evaluator_ids=[facilitator.id], actor=organiser)
    objective = exercise_setup.add_objective(exercise, exercise_setup.ObjectiveInput(
        title=p.payload("objective.title", Objective.title),
        capability=p.payload("objective.capability", Objective.capability),
        evaluation_points=p.payload("objective.points")), actor=organiser)
    proposal = exercise_teams.propose_teams(exercise, 2)
    teams = exercise_teams.confirm_teams(
        exercise, [[r.id for r in group] for group in proposal], actor=organiser)
    inject = exercise_msel.add_inject(exercise, exercise_msel.InjectInput(
        number=1, scenario_time=p.payload("inject.time", Inject.scenario_time),
        delivery=Delivery.SOCIAL, sender=p.payload("inject.sender", Inject.sender),
        message=p.payload("inject.message", fetching=True),
        expected_actions=p.payload("inject.expected"), objective_id=objective.id),
        actor=organiser)
    exercise_running.start(exercise, actor=organiser)
    exercise_running.release(inject, actor=organiser)
    exercise_running.submit_response(
        inject, exercise_running.membership(exercise, member_account),
        p.payload("response.text", fetching=True))
    exercise_evaluation.save_ratings(exercise, facilitator, [
        exercise_evaluation.RatingInput(objective.id, team.id, "S",
                                        notes=p.payload(f"rating{team.number}.notes"))
        for team in teams])
    report.save_analysis(objective, strengths=p.payload("report.strengths"),
                         improvements=p.payload("report.improvements"), actor=organiser)
    action = report.save_action(exercise, None, report.ActionInput(
        action=p.payload("report.action"),
        responsible=p.payload("report.responsible", ImprovementAction.responsible),
        objective_id=objective.id), actor=organiser)
    return {"session_id": simulation.id, "exercise_id": exercise.id, "inject_id": inject.id,
            "objective_id": objective.id, "action_id": action.id}


def _issue_certificates(p: Texts, course: Course, people: list[Registration],
                        organiser: User) -> dict:
    """Wording, signatory and numbers hostile; the absent participant made eligible in
    writing; the second participant's certificate revoked with a reason."""
    save_settings(
        course, number_pattern=f"{FORMULAS[3]}{SCRIPT}#number/{{seq:03}}/{{course}}",
        izin_counts=False, heading=p.payload("certificate.heading", fetching=True),
        # The statement's braces are its placeholders: {{7*7}} is refused there.
        statement=p.payload("certificate.statement", fetching=True, template=False)
        + " {course} {dates} {place} {jp}",
        signing_place=p.payload("certificate.place", Course.city), signing_date=None,
        signatory_position=p.payload("signatory.position", Course.signatory_position),
        signatory_name=p.payload("signatory.name", Course.signatory_name),
        signatory_nip=course.signatory_nip)
    override_eligibility(people[-1], True, p.payload("override.reason"),
                         by=organiser)
    # A signatory an admin registered with hostile words (the course stays unsigned).
    signatories.register(
        name=p.payload("signatory.registered", Signatory.name), nip="",
        position=p.payload("signatory.registered_position", Signatory.position),
        institution_id=course.host_institution_id, passphrase="rahasia",
        key_data=demo_keys.signatory_pkcs12("Penanda Tangan", "rahasia"))
    batch = tasks.start_batch(course)
    certificates = {c.registration_id: c for c in db.session.scalars(
        select(Certificate).where(Certificate.course_id == course.id))}
    for number, registration in enumerate(people, start=1):
        p[f"number{number}"] = certificates[registration.id].number
    certificate_services.revoke(certificates[people[1].id], p.payload("revoke.reason"),
                                by=organiser)
    badge_job = registration_tasks.start_badge_job(course, by=organiser)
    return {"batch_id": batch.id, "badge_job_id": badge_job.id,
            "certificate_id": certificates[people[0].id].id,
            "code": certificates[people[1].id].verification_code}


def _course_today(p: Texts, desk: User, member_account: User) -> dict:
    """A course in session now, open for registration, with a hostile participant and
    session, where the desk scans and the participant checks in by code, and another one
    of the same name already checked in there (the finished course takes no scans)."""
    name = p.payload("today.name", Registration.name)
    course, session, (registration, arrived) = course_running_today(TODAY_CODE, [name, name])
    course_services.save_course(course, code=course.code,
                                title=p.payload("today.title", Course.title))
    update_session(session, session_input(
        session, title=p.payload("today.session", Session.title)))
    registration.user_id = member_account.id
    db.session.commit()
    registration_services.set_registration_open(course, True)
    course_staff.assign_course(desk, course, Role.DESK)
    scanning.check_in(course, arrived.badge_code)
    _device, token = devices.issue_device_token(course, "Meja 1")
    pending = pending_registration(course, 77, registration.institution_id)
    pending.name = p.payload("pending.name", PendingRegistration.name)
    db.session.commit()
    return {"course_code": course.code, "session_id": session.id,
            "badge": registration.badge_code, "arrived_badge": arrived.badge_code,
            "device_token": token, "pending_token": pending.token}


def build_world(p: Texts) -> tuple[dict, dict, dict]:
    course, people, staff = finished_course_with_accounts(CODE, "xss")
    organiser, facilitator, desk = staff["organiser"], staff["facilitator"], staff["desk"]
    kesbangpol = institution("Kesbangpol Kutim")
    hr = account("hr@xss.test", Role.HR)
    hr.institutions = [kesbangpol]
    admin = account("admin@xss.test", Role.ADMIN)
    db.session.commit()
    member = db.session.get(User, people[0].user_id)
    users = {"organiser": organiser, "facilitator": facilitator, "desk": desk, "hr": hr,
             "admin": admin, "participant": member}

    institution_services.save_institution(kesbangpol,
                                      name=p.payload("inst.name", Institution.name),
                                      short_name=p.payload("inst.short", Institution.short_name))
    speaker = _poison_agenda(p, course)
    _poison_participants(p, course, people, kesbangpol.id)
    _rename_users(p, users)
    absent = people[-1]
    marking.mark(absent, course.sessions[3], AttendanceStatus.IZIN,
                 reason=p.payload("attendance.izin"))
    marking.mark(absent, course.sessions[4], AttendanceStatus.SAKIT,
                 reason=p.payload("attendance.sakit"))
    cancelled = registration_services.register(course, participant(
        9, kesbangpol.id, name=p.payload("p9.name", Registration.name)))
    registration_services.cancel(cancelled, reason=p.payload("cancel.reason"), actor=organiser)
    exercise = _run_exercise(p, course, organiser, facilitator, member)
    certificates = _issue_certificates(p, course, people, organiser)
    # A scanner's name is stored with its scans and shown on no page; its token is used.
    _device, token = devices.issue_device_token(course, p.payload("device.name"))
    today = _course_today(p, desk, member)
    job = mail.start_job(MessageKind.PERSONAL_LINK, [
        registration_messages.personal_link_message(people[0])], course_id=course.id)
    values = {
        "course_code": course.code, "course_id": course.id, "user_id": desk.id,
        "role": "desk", "registration_id": people[0].id, "absent_registration_id": absent.id,
        "cancelled_registration_id": cancelled.id, "personal_token": people[0].personal_token,
        "speaker_id": speaker.id, "speaker_token": speaker.agenda_token,
        "institution_id": kesbangpol.id, "fmt": "xlsx", "which": "logo",
        "izin_session_id": course.sessions[3].id, "device_token": token,
        "badge": people[0].badge_code, "job_id": job.id,
        "message_id": job_message(job).id, **exercise, **certificates}
    emails = {role: user.email for role, user in users.items()}
    return values, values | today, emails


@pytest.fixture(autouse=True)
def _clean_state():
    """Replaces the suite's per-test emptying: the world lives for the whole module."""
    yield


@pytest.fixture(scope="module")
def world(app, tmp_path_factory):
    init_task_queue(app)  # certificates are issued at once
    files_dir = app.config["FILES_DIR"]
    app.config["FILES_DIR"] = str(tmp_path_factory.mktemp("abuse-files"))
    texts = Texts()
    # What the certificate batch's renderer asks for, recorded as conftest's `fetched` does
    # for the PDFs rendered within a test.
    fetched: list[str] = []
    original = pdf.StaticFilesOnly.fetch

    def recording_fetch(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setattr(pdf.StaticFilesOnly, "fetch", recording_fetch)
        values, today, emails = build_world(texts)
    yield World(texts, values, today, emails, fetched)
    app.config["FILES_DIR"] = files_dir
    empty_database(app)


# --- the places texts are read, one row each -------------------------------------------

def person(number: int) -> tuple[str, ...]:
    return tuple(f"p{number}.{part}" for part in ("front", "name", "back"))


def people(*numbers: int) -> tuple[str, ...]:
    return tuple(tag for number in numbers for tag in person(number))


SPEAKER = ("speaker.front", "speaker.name", "speaker.back", "speaker.position")
COURSE = ("course.title", "course.venue", "course.city")
SESSIONS = tuple(f"session{n}.title" for n in range(1, 8))
INSTITUTIONS = ("inst.name", "inst.short", "host.name", "host.short")
INJECT = ("inject.time", "inject.sender", "inject.message", "inject.expected")
OBJECTIVE = ("objective.title", "objective.capability", "objective.points")
NUMBERS = ("number1", "number3", "number4")
THIS, TODAY = "this", "today"


@dataclass
class Row:
    """A request and the texts its answer must show. `values` gives URL parameters other
    values ({parameter: world key, or the value itself}); `query`, `form` and `files` are
    sent as given, a '{key}' in the form standing for a world value or text."""

    key: str  # "METHOD endpoint"
    role: str
    shows: tuple[str, ...] = ()
    course: str = THIS
    values: dict = field(default_factory=dict)
    query: dict | None = None
    form: dict | None = None
    files: dict | None = None
    htmx: bool = False
    status: int = 200
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.key} as {self.role}" + (f" ({self.name})" if self.name else "")


def rows(*items: Row) -> list:
    return [pytest.param(row, id=row.id) for row in items]


PAGES = rows(
    Row("GET auth.change_password", "organiser", ("user.organiser",)),
    Row("GET auth.users", "admin", ("inst.short", "user.organiser", "user.facilitator",
                                    "user.desk", "user.hr", "user.participant")),
    Row("GET auth.new_user", "admin", INSTITUTIONS),
    Row("GET auth.edit_user", "admin", ("user.desk", "course.title", "inst.short")),
    Row("GET speakers.institutions", "admin", INSTITUTIONS),
    Row("GET certificates.signatory_list", "admin",
        ("signatory.registered", "signatory.registered_position", "host.short")),
    Row("GET certificates.new_signatory", "admin", INSTITUTIONS),
    Row("GET speakers.new_institution", "admin", ("user.admin",)),
    Row("GET speakers.edit_institution", "admin", ("inst.name", "inst.short")),
    Row("GET speakers.add_institution", "organiser", (), htmx=True,
        query={"field": "host_institution_id"}),
    Row("GET speakers.speakers", "organiser", SPEAKER),
    Row("GET speakers.new_speaker", "organiser", ("inst.short", "host.short")),
    Row("GET speakers.edit_speaker", "organiser", (*SPEAKER, "speaker.rank", "speaker.bio")),
    Row("GET speakers.speaker", "organiser", (*SPEAKER, "speaker.rank", "speaker.bio",
                                              "session2.title", "course.city")),
    Row("GET speakers.speaker_agenda", "anonymous", (*SPEAKER[:3], "session2.title",
                                                     "course.city")),
    Row("GET courses.index", "organiser", COURSE),
    Row("GET courses.new", "organiser", ("inst.short", "host.short")),
    Row("GET courses.edit", "organiser", (*COURSE, "course.programme", "signatory.name",
                                          "signatory.position")),
    Row("GET courses.detail", "organiser", (*COURSE, "course.programme", "host.name",
                                            "room.name")),
    # The builder shows one day at a time: the first day's, then each other day's sessions.
    Row("GET courses.builder", "organiser", (*SESSIONS[:3], "room.name", *SPEAKER[:3])),
    *(Row("GET courses.builder", "organiser", (SESSIONS[day + 2], "room.name"),
          query={"day": f"2024-10-{28 + day}" if day < 4 else "2024-11-01"},
          name=f"day {day + 1}") for day in range(1, 5)),
    Row("GET courses.add_speaker", "organiser", ("inst.short", "host.short"), htmx=True,
        query={"field": "new-speakers"}),
    Row("GET courses.new_session", "organiser", ("room.name", *SPEAKER[:3]), htmx=True),
    Row("GET courses.edit_session", "organiser", ("session6.title", "session6.description",
                                                  "room.name"), htmx=True),
    Row("GET courses.move_session", "organiser", ("session6.title",), htmx=True),
    Row("GET courses.agenda", "participant", (*COURSE, *SESSIONS, "room.name",
                                              *SPEAKER[:3])),
    Row("GET courses.import_agenda", "organiser", ("user.organiser",)),
    Row("GET courses.exports_log", "organiser", ("user.organiser",)),
    Row("GET registration.participants", "organiser", (*people(1, 2, 3, 4), "p1.unit",
                                                       "inst.short")),
    Row("GET registration.new_participant", "organiser", ("course.title", "inst.short",
                                                          "p1.unit")),
    Row("GET registration.badge_job", "organiser", ("course.title",),
        values={"job_id": "badge_job_id"}),
    Row("GET registration.participant", "organiser", (*person(1), "p1.rank", "p1.position",
                                                      "p1.unit", "p1.email", "inst.name",
                                                      *SESSIONS)),
    Row("GET registration.participant", "organiser", (
        *person(4), "attendance.izin", "attendance.sakit", "override.reason"),
        values={"registration_id": "absent_registration_id"}, name="absent"),
    Row("GET registration.participant", "organiser", ("p9.name", "cancel.reason"),
        values={"registration_id": "cancelled_registration_id"}, name="cancelled"),
    Row("GET registration.edit_participant", "organiser", (
        *person(1), "p1.rank", "p1.position", "p1.unit", "p1.email", "inst.short")),
    Row("GET registration.import_participants", "organiser", ("user.organiser",)),
    Row("GET registration.my_registration", "anonymous", (*person(1), "p1.unit",
                                                          "course.title", *SESSIONS)),
    Row("GET registration.self_register", "anonymous", ("today.title",), course=TODAY),
    Row("GET registration.registration_sent", "anonymous", ("today.title",), course=TODAY),
    Row("GET registration.confirm_registration", "anonymous", ("today.title", "pending.name"),
        course=TODAY, values={"token": "pending_token"}),
    Row("GET registration.whatsapp", "organiser", people(1, 2, 3, 4)),
    Row("GET mail.course_mail", "organiser", (*person(1), "course.title")),
    Row("GET mail.message", "organiser", (*person(1), "course.title", "course.venue")),
    Row("GET attendance.desk", "desk", ("today.session", "user.desk"), course=TODAY),
    Row("GET attendance.devices", "organiser", ("device.name",)),
    Row("GET attendance.desk_count", "desk", ("today.session",), course=TODAY, htmx=True),
    Row("GET attendance.desk_search", "desk", ("today.name",), course=TODAY, htmx=True,
        query={"q": "today.name"}),
    Row("GET attendance.attendance_matrix", "organiser", (*people(1, 2, 3, 4), *SESSIONS)),
    Row("GET attendance.screen", "desk", ("today.session", "today.title"), course=TODAY),
    Row("GET attendance.screen", "desk", (), course=TODAY, htmx=True, name="QR only"),
    Row("GET attendance.self_check_in", "participant", ("user.participant",)),
    Row("GET attendance.session_attendance", "organiser", (
        *people(1, 2, 3, 4), "p1.unit", "inst.short", "room.name", "session4.title",
        "attendance.izin"), values={"session_id": "izin_session_id"}),
    Row("GET attendance.live", "organiser", ("session1.title", "p1.unit", "inst.short")),
    Row("GET attendance.live", "organiser", ("session1.title", "p1.unit", "inst.short"),
        htmx=True),
    Row("GET certificates.settings", "organiser", (
        "certificate.heading", "certificate.statement", "certificate.place",
        "signatory.name", "signatory.position")),
    Row("GET certificates.eligibility", "organiser", (*people(1, 2, 3, 4), *NUMBERS,
                                                      "override.reason", "user.organiser")),
    Row("GET certificates.batch", "organiser", ("user.organiser",)),
    Row("GET certificates.batch", "organiser", (), htmx=True, name="progress only"),
    Row("GET certificates.verify", "anonymous", (*person(2), "course.title", "host.name",
                                                 "number2", "revoke.reason")),
    Row("GET certificates.staff", "hr", (*people(1, 3, 4), *NUMBERS, "course.title")),
    Row("GET certificates.staff_transcript", "hr", (*people(1, 3, 4), "course.title")),
    Row("GET exercises.index", "organiser", ("exercise.title", "session6.title")),
    Row("GET exercises.new", "organiser", ("session6.title", "user.facilitator")),
    Row("GET exercises.detail", "organiser", ("exercise.title", "exercise.scenario",
                                              *OBJECTIVE, "user.facilitator")),
    Row("GET exercises.edit", "organiser", ("exercise.title", "exercise.scenario",
                                            "user.facilitator")),
    Row("GET exercises.edit_objective", "organiser", OBJECTIVE),
    Row("GET exercises.teams", "organiser", (*people(1, 2, 3), "p1.unit")),
    Row("GET exercises.msel_list", "organiser", (*INJECT, "objective.title")),
    Row("GET exercises.inject_form", "organiser", (*INJECT, "objective.title")),
    Row("GET exercises.import_msel", "organiser", ("exercise.title",)),
    Row("GET exercises.console", "organiser", ("exercise.title", "inject.message",
                                               "response.text", *person(1))),
    Row("GET exercises.console_live", "organiser", ("inject.message", "response.text",
                                                    *person(1)), htmx=True),
    Row("GET exercises.evaluation", "facilitator", ("objective.title", "objective.points",
                                                    "rating1.notes", "rating2.notes")),
    Row("GET exercises.ratings", "organiser", ("objective.title", "rating1.notes",
                                               "rating2.notes", "user.facilitator")),
    Row("GET exercises.team_page", "participant", (
        "exercise.title", "exercise.scenario", *INJECT[:3], "response.text", *person(1))),
    Row("GET exercises.team_feed", "participant", (*INJECT[:3], "response.text"),
        htmx=True),
    Row("GET exercises.report_page", "organiser", (
        *COURSE, "exercise.title", "exercise.scenario", *INJECT[:3], *OBJECTIVE,
        *people(1, 2, 3), "response.text", "rating1.notes", "rating2.notes",
        "report.strengths", "report.improvements", "report.action", "report.responsible",
        "user.facilitator")),
    Row("GET exercises.report_action", "organiser", ("report.action", "report.responsible",
                                                     "objective.title")),
    Row("GET reports.home", "organiser", COURSE),
    Row("GET reports.home", "participant", ("course.title", "today.title")),
    Row("GET reports.home", "hr", ("course.title",)),
)

# Input a visitor sends, shown back in the answer: search boxes, codes, patterns.
ECHOED = f"{FORMULAS[0]} {SCRIPT}{IMG}{TEMPLATE}#echo"
NUMBER_PATTERN = ECHOED.replace(TEMPLATE, "") + "{seq}"
ECHOES = {
    "echo": ECHOED,
    "echo.code": IMG + TEMPLATE,  # a path segment: no slash
    "echo.number": NUMBER_PATTERN.replace("{seq}", "1"),
    "echo.field": "{" + SCRIPT + "}",  # an unknown field, named by the message
}
REFLECTED = rows(
    Row("GET registration.participants", "organiser", ("echo",), query={"q": ECHOED}),
    Row("GET speakers.speakers", "organiser", ("echo",), query={"q": ECHOED}),
    Row("GET regions.choices", "organiser", ("echo",), htmx=True, query={"q": ECHOED}),
    Row("GET courses.speaker_choices", "organiser", ("echo",), htmx=True,
        query={"q": ECHOED, "field": "new-speakers"}),
    Row("GET auth.users", "admin", ("echo",), query={"q": ECHOED}),
    Row("GET attendance.self_check_in", "participant", ("echo",), query={"code": ECHOED}),
    Row("GET attendance.desk_search", "desk", ("echo",), course=TODAY, htmx=True,
        query={"q": ECHOED}, name="nobody found"),
    Row("GET certificates.example_number", "organiser", ("echo.number",), htmx=True,
        query={"number_pattern": NUMBER_PATTERN}, name="number"),
    Row("GET certificates.example_number", "organiser", ("echo.field",), htmx=True,
        query={"number_pattern": "{seq}" + ECHOES["echo.field"]}, name="unknown field"),
    Row("GET certificates.verify", "anonymous", ("echo.code",), values={"code": "echo.code"},
        status=404),
)


IMPORTED = Texts()  # the hostile cells of the uploaded files below
_imported = IMPORTED.payload


def upload(header: list[str], *lines: list[str]):
    """A CSV file to upload, made anew for each request ('{key}' cells as in forms)."""
    def make(lookup: dict) -> tuple[io.BytesIO, str]:
        text = io.StringIO()
        csv.writer(text).writerows([header, *([_fill(cell, lookup) for cell in line]
                                               for line in lines)])
        return io.BytesIO(text.getvalue().encode()), "daftar.csv"
    return {"file": make}


POSTED = rows(
    # Import previews: the rows of a valid file, the messages about a wrong one.
    Row("POST registration.import_participants", "organiser",
        ("import.name", "import.unit", "inst.short"), name="valid", form={"waitlist": "y"},
        files=upload(["Nama", "NIK", "Jenis Kelamin", "Instansi", "Unsur"],
                     [_imported("import.name", Registration.name), nik(50), "L",
                      "{inst.short}", _imported("import.unit", Registration.unit)])),
    Row("POST registration.import_participants", "organiser", ("import.institution",),
        name="errors",
        files=upload(["Nama", "NIK", "Jenis Kelamin", "Instansi"],
                     ["Peserta", SCRIPT, "L", _imported("import.institution")])),
    Row("POST courses.import_agenda", "organiser",
        ("import.title", "import.room", "import.speaker"), name="valid",
        files=upload(["Tanggal", "Mulai", "Selesai", "Materi", "Jenis", "Ruang", "Narasumber"],
                     ["2024-10-28", "13:00", "14:00", _imported("import.title", Session.title),
                      "materi", _imported("import.room", Room.name),
                      _imported("import.speaker", Speaker.name)])),
    Row("POST courses.import_agenda", "organiser", ("import.kind",), name="errors",
        files=upload(["Tanggal", "Mulai", "Selesai", "Materi", "Jenis"],
                     ["2024-10-28", "13:00", "14:00", "Materi", _imported("import.kind")])),
    Row("POST exercises.import_msel", "organiser",
        ("import.time", "import.sender", "import.message"), name="valid",
        files=upload(["No", "Waktu skenario", "Media", "Dari", "Pesan"],
                     ["1", _imported("import.time", Inject.scenario_time), "Pesan",
                      _imported("import.sender", Inject.sender),
                      _imported("import.message")])),
    Row("POST exercises.import_msel", "organiser", ("import.delivery", "import.objective"),
        name="errors",
        files=upload(["No", "Media", "Pesan", "Sasaran"],
                     ["1", _imported("import.delivery"), "Pesan",
                      _imported("import.objective")])),
    # A session that ends before it starts: the form comes back with what was typed.
    Row("POST courses.add_session", "organiser", ("echo",), htmx=True,
        form={"new-csrf_token": "{csrf}", "new-day": "2024-10-28", "new-starts_at": "14:00",
              "new-ends_at": "13:00", "new-title": ECHOED, "new-kind": "material",
              "new-description": ECHOED}),
    # No participant chosen: the page comes back with the reason typed.
    Row("POST attendance.session_attendance", "organiser", ("echo",),
        form={"status": "izin", "reason": ECHOED}),
    # An institution's name taken already: the message names it.
    Row("POST speakers.new_institution", "admin", ("inst.name",),
        form={"name": "{inst.name}", "short_name": "{inst.short}"}),
    # The desk's scan answers, which desk.js puts into the page as they come.
    Row("POST attendance.scan", "desk", ("today.name",), course=TODAY,
        name="already checked in",
        form={"badge": "{arrived_badge}", "session_id": "{session_id}", "nonce": "abuse-1"}),
    Row("POST attendance.scan", "desk", ("today.name", "today.session"),
        course=TODAY, name="checked in", form={"badge": "{badge}", "nonce": "abuse-2"}),
    Row("POST attendance.self_check_in", "participant", ("today.session",), course=TODAY,
        form={"code": lambda values: room_codes.self_check_in_code(
            db.session.get(Session, values["session_id"]), utcnow(), "test-secret")}),
)

# GET endpoints whose answers hold no person-supplied text.
NOT_SHOWN = {
    "GET site.healthz": "JSON of the server's health",
    "GET site.favicon": "the app's fixed icon",
    "GET api.openapi": "the API's fixed description",
    "GET auth.login": "the login form; the page names no one",
    "GET certificates.verify_form": "the form to type a code into (echo: verify row)",
    "GET certificates.logo": "an uploaded image, checked when uploaded",
    "GET mail.job": "a sending job's counts and the server's reason",
    "GET registration.lost_link": "the form to type a NIK and a contact into; names no one",
    "GET registration.lost_link_sent": "the same fixed answer for everyone",
}

SPREADSHEET_TAGS = {
    "participants": (*people(1, 2, 3, 4), "p1.position", "p1.unit", "p1.rank", "inst.short"),
    "matrix": (*people(1, 2, 3, 4), "inst.short", "p1.unit", "session1.title"),
    "recap": (*people(1, 3, 4), "course.title", "host.name", *NUMBERS),
    "msel": (*INJECT, "objective.title"),
    "ratings": ("objective.title", "user.facilitator", "rating1.notes", "rating2.notes"),
}
EXPORTS = rows(
    Row("GET registration.export_participants", "organiser", SPREADSHEET_TAGS["participants"],
        values={"fmt": "xlsx"}, name="xlsx"),
    Row("GET registration.export_participants", "organiser", SPREADSHEET_TAGS["participants"],
        values={"fmt": "csv"}, name="csv"),
    Row("GET attendance.attendance_matrix_xlsx", "organiser", SPREADSHEET_TAGS["matrix"]),
    Row("GET registration.participant_template", "organiser", ("inst.short", "p1.unit")),
    Row("GET certificates.staff_recap", "hr", SPREADSHEET_TAGS["recap"],
        values={"fmt": "xlsx"}, name="xlsx"),
    Row("GET certificates.staff_recap", "hr", SPREADSHEET_TAGS["recap"],
        values={"fmt": "csv"}, name="csv"),
    Row("GET certificates.staff_transcript_xlsx", "hr", SPREADSHEET_TAGS["recap"]),
    Row("GET exercises.export_msel", "organiser", SPREADSHEET_TAGS["msel"]),
    Row("GET exercises.report_ratings_xlsx", "organiser", SPREADSHEET_TAGS["ratings"]),
)

CERTIFICATE = ("certificate.heading", "certificate.statement", "certificate.place",
               "signatory.name", "signatory.position", "course.title", "course.venue",
               "inst.name", "session2.title", *SPEAKER[:3])
# `stored`: rendered by the certificate batch while the world was built.
PDFS = rows(
    Row("GET courses.agenda_pdf", "participant", (*COURSE, *SESSIONS, "room.name",
                                                  "session2.description", *SPEAKER[:3])),
    Row("GET registration.badge_job_pdf", "organiser", (*people(1, 2, 3, 4), "p1.unit",
                                                        "inst.short", "course.title"),
        values={"job_id": "badge_job_id"}),
    Row("GET registration.slips", "organiser", (*people(1, 2, 3, 4), "course.title"),
        query={"all": "1"}),
    Row("GET attendance.sign_in_sheet", "desk", (*people(1, 2, 3, 4), "p1.unit",
                                                 "inst.short", "session6.title",
                                                 "room.name", "course.title")),
    Row("GET certificates.preview", "organiser", (*CERTIFICATE, *person(1), "p1.position")),
    Row("GET certificates.download", "organiser", (*CERTIFICATE, *person(1), "p1.position",
                                                   "number1"), name="stored"),
    Row("GET certificates.combined", "organiser", (*CERTIFICATE, *people(1, 3, 4), *NUMBERS),
        name="stored"),
    Row("GET certificates.my_certificate", "anonymous", (*CERTIFICATE, *person(1)),
        name="stored"),
    Row("GET certificates.staff_download", "hr", (*CERTIFICATE, *person(1)), name="stored"),
    Row("GET certificates.zip_file", "organiser", (*CERTIFICATE, *people(1, 3, 4)),
        name="stored"),
    Row("GET certificates.staff_zip", "hr", (*CERTIFICATE, *people(1, 3, 4)), name="stored"),
    Row("GET exercises.report_pdf", "organiser", (
        *COURSE, "exercise.title", "exercise.scenario", *INJECT[:3], *OBJECTIVE,
        *people(1, 2, 3), "response.text", "rating1.notes", "report.strengths",
        "report.improvements", "report.action", "report.responsible", "user.facilitator")),
)

CALENDARS = rows(
    Row("GET courses.agenda_ics", "organiser", ("course.title",)),
    Row("GET speakers.speaker_agenda_ics", "anonymous", SPEAKER[:3]),
)


# --- asking ------------------------------------------------------------------------------

def _fill(value, lookup: dict):
    """'{key}' in a form stands for a world value or text; a function is asked for it."""
    if callable(value):
        return value(lookup)
    if isinstance(value, str) and value.startswith("{") and value[1:-1] in lookup:
        return str(lookup[value[1:-1]])
    return value


def ask(app, world: World, row: Row):
    values = world.today if row.course == TODAY else world.values
    client = world.client(app, row.role)
    lookup = values | world.texts | ECHOES | {"csrf": csrf_token(client)}
    rule = endpoint_keys(app)[row.key][0]
    url = build_url(rule, values, {name: lookup.get(key, key)
                                   for name, key in row.values.items()})
    headers = {"HX-Request": "true"} if row.htmx else {}
    with app.app_context():
        limiter.reset()
        form = {name: _fill(value, lookup) for name, value in (row.form or {}).items()}
        files = {name: make(lookup) for name, make in (row.files or {}).items()}
    if row.key.startswith("GET "):
        return client.get(url, query_string=row.query, headers=headers)
    return client.post(url, data={"csrf_token": lookup["csrf"], **form, **files},
                       headers=headers, content_type="multipart/form-data")


def expected(world: World, tags) -> dict[str, str]:
    texts = world.texts | ECHOES | IMPORTED
    return {tag: texts[tag] for tag in tags}


def around(text: str, needle: str) -> str:
    at = text.find(needle)
    return text[max(at - 120, 0):at + 120]


def assert_escaped_page(response, world: World, row: Row) -> None:
    assert response.status_code == row.status, response.status_code
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    raw = [marker for marker in RAW_MARKUP if marker in body]
    assert raw == [], f"markup reached the page raw: {around(body, raw[0])}"
    assert EVALUATED not in body, f"a template evaluated {TEMPLATE}: {around(body, EVALUATED)}"
    missing = [tag for tag, text in expected(world, row.shows).items()
               if str(escape(text)) not in body]
    assert missing == [], "texts not shown (escaped) where expected"


# --- pages -------------------------------------------------------------------------------

@pytest.mark.parametrize("row", PAGES + REFLECTED + POSTED)
def test_html_shows_texts_escaped(app, world, row):
    assert_escaped_page(ask(app, world, row), world, row)


def test_scanner_api_answers_json_holding_the_texts(app, world):
    response = app.test_client().post(
        "/api/v1/checkins", headers={"Authorization": f"Bearer {world.today['device_token']}"},
        json={"badge": world.today["arrived_badge"], "nonce": "abuse-api",
              "session_id": world.today["session_id"]})
    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = json.loads(response.get_data(as_text=True))
    assert answer["participant"]["name"] == world.texts["today.name"]
    assert answer["session"]["title"] == world.texts["today.session"]


# --- spreadsheets ------------------------------------------------------------------------

def xlsx_cells(data: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for line in sheet.iter_rows()
            for cell in line]


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for line in csv.reader(io.StringIO(text, newline="")) for cell in line]


@pytest.mark.parametrize("row", EXPORTS)
def test_export_holds_texts_and_no_formula(app, world, row):
    response = ask(app, world, row)
    assert response.status_code == 200
    data = response.get_data()
    if response.mimetype == "text/csv":
        cells = csv_cells(data)
        formulas = [cell for cell in cells if looks_like_formula(cell)]
        assert formulas == [], "CSV cells a spreadsheet program would run"
        shown = [cell.removeprefix("'") for cell in cells]
    else:
        cells = xlsx_cells(data)
        formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert formulas == [], "XLSX cells stored as formulas"
        unmarked = [cell.coordinate for cell in cells
                    if looks_like_formula(cell.value) and not cell.quotePrefix]
        assert unmarked == [], "formula-like text without Excel's quote prefix"
        shown = [cell.value for cell in cells if isinstance(cell.value, str)]
    missing = [tag for tag, text in expected(world, row.shows).items()
               if not any(text in cell for cell in shown)]
    assert missing == [], "texts missing from the export"


# --- PDFs ----------------------------------------------------------------------------------

def squashed(text: str) -> str:
    """Text as compared with a PDF's: line breaks fall anywhere, titles may be capitals."""
    return "".join(text.split()).casefold()


def pdf_documents(response) -> list[bytes]:
    if response.mimetype != "application/zip":
        return [response.get_data()]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    # Member names come from NIP, name and number: nothing of the markup or a path is left.
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+\.pdf", name) for name in names), names
    return [archive.read(name) for name in names]


def own_resource(url: str) -> bool:
    return url.startswith((pdf.STATIC_URL_PREFIX, pdf.LOGO_URL_PREFIX, "data:image/"))


@pytest.mark.parametrize("row", PDFS)
def test_pdf_prints_markup_as_text(app, world, row, fetched):
    response = ask(app, world, row)
    assert response.status_code == 200
    documents = pdf_documents(response)
    text = squashed("\n".join(page.extract_text() for document in documents
                              for page in PdfReader(io.BytesIO(document)).pages))
    missing = [tag for tag, value in expected(world, row.shows).items()
               if squashed(value) not in text]
    assert missing == [], "texts not printed as typed"
    assert squashed(SCRIPT) in text and squashed(TEMPLATE) in text
    assert squashed(EVALUATED) not in text
    requested = fetched + (world.fetched_while_building if row.name == "stored" else [])
    assert [url for url in requested if not own_resource(url)] == [], \
        "the PDF renderer was asked for something the markup names"


# --- calendars -----------------------------------------------------------------------------

@pytest.mark.parametrize("row", CALENDARS)
def test_calendar_holds_texts_as_values(app, world, row):
    response = ask(app, world, row)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    events = calendar.walk("VEVENT")
    names = str(calendar.get("X-WR-CALNAME"))
    assert all(world.texts[tag] in names for tag in row.shows)
    assert all("disusupkan" not in str(event.get("UID")) for event in events)
    if row.key == "GET courses.agenda_ics":
        assert len(events) == 7, "a description's lines started events of their own"
        summaries = {str(event.get("SUMMARY")) for event in events}
        assert summaries == {world.texts[tag] for tag in SESSIONS}
        descriptions = "\n".join(str(event.get("DESCRIPTION")) for event in events)
        assert world.texts["session2.description"] in descriptions


# --- the tables are complete and honest ------------------------------------------------

ALL_ROWS = [param.values[0] for table in (PAGES, REFLECTED, POSTED, EXPORTS, PDFS, CALENDARS)
            for param in table]


def test_every_get_endpoint_is_checked(app):
    checked = {row.key for row in ALL_ROWS if row.key.startswith("GET ")} | set(NOT_SHOWN)
    gets = {key for key in endpoint_keys(app) if key.startswith("GET ")}
    assert sorted(gets - checked) == [], "GET endpoints without a row here"
    assert sorted(checked - gets) == [], "rows of endpoints that no longer exist"


def test_rows_ask_as_roles_the_matrix_allows():
    """The rows of THIS course read what their role may read (TODAY's desk, screen and
    registration form answer as on any course running now)."""
    refused = [row.id for row in ALL_ROWS if row.course == THIS
               and MATRIX[row.key][row.role] not in (OK, DONE)]
    assert refused == []


# --- fields that refuse such text, with a message ------------------------------------------

REFUSALS = {
    "course code": lambda course, registration: course_services.save_course(
        course, code=SCRIPT),
    "NIK": lambda course, registration: registration_services.update_registration(
        registration, participant(1, registration.institution_id, nik=SCRIPT)),
    "NIP": lambda course, registration: registration_services.update_registration(
        registration, participant(1, registration.institution_id, nik=nik(1), nip=SCRIPT)),
    "phone": lambda course, registration: registration_services.update_registration(
        registration, participant(1, registration.institution_id, nik=nik(1),
                                  phone=FORMULAS[0])),
    "e-mail": lambda course, registration: registration_services.update_registration(
        registration, participant(1, registration.institution_id, nik=nik(1), email=SCRIPT)),
    "certificate statement": lambda course, registration: check_statement(
        f"{SCRIPT}{TEMPLATE} {{course}}"),
    "signatory NIP": lambda course, registration: course_services.save_course(
        course, code=course.code, signatory_nip=FORMULAS[1]),
}


@pytest.mark.parametrize("what", REFUSALS)
def test_fields_refusing_markup(app, world, what):
    with app.app_context():
        course = course_services.find_course(CODE)
        registration = db.session.get(Registration, world.values["registration_id"])
        before = (course.code, registration.nik, registration.nip, registration.phone,
                  registration.email)
        with pytest.raises(ValidationError) as refusal:
            REFUSALS[what](course, registration)
        assert refusal.value.message
        db.session.rollback()
        assert (course.code, registration.nik, registration.nip, registration.phone,
                registration.email) == before


# --- where markup may be trusted: reviewed, and nowhere else -------------------------------

TEMPLATES = PROJECT_ROOT / "templates"
REVIEWED_SAFE = {  # `|safe` in templates: what is marked safe, and why that is sound
    "attendance/desk.html": "an empty <span> placeholder in the translated message",
    "attendance/_screen_code.html": "the QR code's SVG, made by segno from the code",
    "registration/me.html": "the badge QR code's SVG, made by segno from the badge code",
}
REVIEWED_MARKUP = {  # Markup(…) in the app's Python
    "bimtek/certificates/rendering.py": "the statement: its text and values are escaped",
    "bimtek/qr.py": "a QR code's SVG: numbers computed from the data, never its text",
}
REVIEWED_HTML_SINKS = {  # HTML put into the page by the app's own scripts
    "static/js/desk.js": "the scan answer, rendered and escaped by the server "
                         "(POST attendance.scan rows)",
    "static/js/timetable.js": "htmx swaps in the builder as the server rendered and "
                              "escaped it (the swap is named outerHTML)",
}


def _files_containing(root: Path, pattern: str, glob: str) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob(glob)
            if re.search(pattern, path.read_text(encoding="utf-8"))}


def test_markup_is_trusted_only_where_reviewed():
    assert _files_containing(TEMPLATES, r"\|\s*safe\b", "*.html") == set(REVIEWED_SAFE)
    app_code = PROJECT_ROOT / "bimtek"
    assert {f"bimtek/{name}" for name in _files_containing(app_code, r"\bMarkup\(", "*.py")} \
        == set(REVIEWED_MARKUP)
    assert _files_containing(app_code, r"render_template_string|from_string", "*.py") == set()
    scripts = PROJECT_ROOT / "static" / "js"
    assert {f"static/js/{name}" for name in _files_containing(
        scripts, r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", "*.js")} \
        == set(REVIEWED_HTML_SINKS)
