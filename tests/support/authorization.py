"""Who gets what from every endpoint.

One world is built per module: a finished course (THIS) with participants, attendance,
issued certificates and a running exercise with teams, injects and a report, and a second
course (OTHER) built the same way. Every endpoint of `app.url_map` has a row in MATRIX with
the answer each role gets; an endpoint without a row fails `test_every_endpoint_has_a_row`.

The roles (columns) and the objects their URLs name:
- anonymous, desk, facilitator, hr, hr_other, organiser, organiser_other, admin: THIS
  course and its objects. `facilitator` facilitates and evaluates THIS course's exercise;
  `hr` is scoped to the participants' institution, `hr_other` to another one;
  `organiser_other` organises OTHER.
- participant: a participant of THIS course with an account, member of an exercise team,
  asking for their own objects.
- participant_others: the same participant asking for OTHER's objects (course, exercise,
  tokens of OTHER's people).
- foreign_ids: THIS course's organiser with THIS course's code and OTHER's ids in the rest
  of the URL: `/courses/THIS/participants/<OTHER's participant>` must be 404.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import time, timedelta

from sqlalchemy import select

from bimtek.attendance import devices as attendance_services
from bimtek.auth.models import Role, User
from bimtek.certificates import demo_keys, signatories, tasks
from bimtek.certificates.models import Certificate
from bimtek.courses import services as course_services
from bimtek.courses.agenda import SessionInput, add_session, save_room
from bimtek.courses.models import SessionKind
from bimtek.exercises import access as exercise_access
from bimtek.exercises import msel as exercise_msel
from bimtek.exercises import report
from bimtek.exercises import running as exercise_running
from bimtek.exercises import setup as exercise_setup
from bimtek.exercises import teams as exercise_teams
from bimtek.exercises.models import Exercise, StaffRole
from bimtek.extensions import db, init_task_queue, limiter
from bimtek.mail import services as mail
from bimtek.mail.models import MessageKind, OutgoingMessage
from bimtek.registration import services as registration_services
from bimtek.registration import tasks as registration_tasks
from bimtek.registration.models import PendingRegistration
from bimtek.speakers.models import SessionSpeaker
from bimtek.timeutil import utcnow
from tests.certificates.factories import institution
from tests.exercises.factories import account, finished_course_with_accounts, staff_user
from tests.registration.factories import participant
from tests.support.apps import empty_database
from tests.support.web import csrf_token, login

THIS, OTHER = "BIMTEK-PKS-2024", "KSP-SINTANG-2024"

ROLES = ("anonymous", "participant", "participant_others", "desk", "facilitator", "hr",
         "hr_other", "organiser", "organiser_other", "foreign_ids", "admin")

# Expected answers. LOGIN: 302 to the login page. DONE: an allowed POST, whatever it then
# does with the (empty) form: anything but 403, 404, a login redirect or a server error.
OK, DENIED, MISSING, UNAUTHORIZED = 200, 403, 404, 401
LOGIN, DONE, REDIRECT = "302 to login", "done", "302 elsewhere"


def answers(*allowed, ok=OK, anonymous=LOGIN, **special):
    """`allowed` roles get `ok`, the other logged-in roles 403, anonymous visitors `anonymous`."""
    row = {role: (ok if role in allowed else DENIED) for role in ROLES}
    return row | {"anonymous": anonymous} | special


def posted(row):
    """The same row for a POST: allowed roles get DONE instead of 200."""
    return {role: DONE if answer == OK else answer for role, answer in row.items()}


def by_id(row):
    """The row of a course endpoint that also names an object: OTHER's object is 404."""
    return row | {"foreign_ids": MISSING}


# --- common patterns -----------------------------------------------------------------------
PUBLIC = answers(*ROLES, anonymous=OK)
ANY_ACCOUNT = answers(*ROLES[1:])
ADMIN_ONLY = answers("admin")
ORGANISERS = answers("organiser", "organiser_other", "foreign_ids", "admin")  # any course
COURSE_STAFF_ANYWHERE = answers("desk", "facilitator", "organiser", "organiser_other",
                                "foreign_ids", "admin")
HR_ONLY = answers("hr", "hr_other", "admin")
PARTICIPANTS_ONLY = answers("participant", "participant_others", "admin")
# Course endpoints: `foreign_ids` is THIS course's organiser, so allowed unless by_id().
ORGANISER_ONLY = answers("organiser", "foreign_ids", "admin")
DESK_AND_ORGANISER = answers("desk", "organiser", "foreign_ids", "admin")
COURSE_STAFF = answers("desk", "facilitator", "organiser", "foreign_ids", "admin")
AGENDA_READERS = answers("participant", "desk", "facilitator", "organiser", "foreign_ids",
                         "admin")
EXERCISE_STAFF = answers("facilitator", "organiser", "foreign_ids", "admin")
EXERCISE_EVALUATORS = by_id(answers("facilitator"))
TEAM_MEMBERS = answers("participant")
# THIS course is finished: its self-registration page is gone for everyone.
CLOSED = dict.fromkeys(ROLES, MISSING)
DEVICE_ONLY = dict.fromkeys(ROLES, UNAUTHORIZED)  # bearer tokens only, see test_routes

MATRIX = {
    # site, api
    "GET site.healthz": PUBLIC,
    "GET site.favicon": PUBLIC,
    "POST site.set_language": posted(PUBLIC) | {"anonymous": DONE},
    "GET api.openapi": PUBLIC,
    "POST api.check_in": DEVICE_ONLY,
    "GET reports.home": ANY_ACCOUNT,
    # auth
    "GET auth.login": answers(*ROLES, ok=REDIRECT, anonymous=OK),
    "POST auth.login": answers(*ROLES, ok=DONE, anonymous=DONE),
    "POST auth.logout": dict.fromkeys(ROLES, LOGIN),  # where logging out leads
    "GET auth.change_password": ANY_ACCOUNT,
    "POST auth.change_password": posted(ANY_ACCOUNT),
    "GET auth.users": ADMIN_ONLY,
    "GET auth.new_user": ADMIN_ONLY,
    "POST auth.new_user": posted(ADMIN_ONLY),
    "GET auth.edit_user": ADMIN_ONLY,
    "POST auth.edit_user": posted(ADMIN_ONLY),
    "POST auth.assign_course": posted(ADMIN_ONLY),
    "POST auth.unassign_course": posted(ADMIN_ONLY),
    # regions
    "GET regions.choices": ORGANISERS,
    # speakers and institutions
    "GET speakers.institutions": ADMIN_ONLY,
    "GET speakers.new_institution": ADMIN_ONLY,
    "POST speakers.new_institution": posted(ADMIN_ONLY),
    "GET speakers.edit_institution": ADMIN_ONLY,
    "POST speakers.edit_institution": posted(ADMIN_ONLY),
    "POST speakers.merge_institution": posted(ADMIN_ONLY),
    # Adding an institution in place, under the course and speaker forms' lists.
    "GET speakers.add_institution": ORGANISERS,
    "POST speakers.add_institution": posted(ORGANISERS),
    "GET speakers.speakers": ORGANISERS,
    "GET speakers.new_speaker": ORGANISERS,
    "POST speakers.new_speaker": posted(ORGANISERS),
    "GET speakers.speaker": ORGANISERS,
    # A speaker is changed only by the organisers of every course the speaker is in.
    "GET speakers.edit_speaker": answers("organiser", "admin"),
    "POST speakers.edit_speaker": posted(answers("organiser", "admin")),
    "POST speakers.rotate_agenda_link": posted(answers("organiser", "admin")),
    "GET speakers.speaker_agenda": PUBLIC,
    "GET speakers.speaker_agenda_ics": PUBLIC,
    # courses and agenda
    "GET courses.index": COURSE_STAFF_ANYWHERE,
    "GET courses.new": ORGANISERS,
    "POST courses.new": posted(ORGANISERS),
    "GET courses.detail": COURSE_STAFF,
    "GET courses.edit": ORGANISER_ONLY,
    "GET courses.exports_log": ORGANISER_ONLY,
    "POST courses.edit": posted(ORGANISER_ONLY),
    "POST courses.add_room": posted(ORGANISER_ONLY),
    "POST courses.update_room": posted(by_id(ORGANISER_ONLY)),
    "POST courses.delete_room": posted(by_id(ORGANISER_ONLY)),
    "GET courses.builder": ORGANISER_ONLY,
    "GET courses.new_session": ORGANISER_ONLY,
    "POST courses.add_session": posted(ORGANISER_ONLY),
    "GET courses.edit_session": by_id(ORGANISER_ONLY),
    "POST courses.update_session": posted(by_id(ORGANISER_ONLY)),
    "GET courses.move_session": by_id(ORGANISER_ONLY),
    "POST courses.move_session": posted(by_id(ORGANISER_ONLY)),
    "POST courses.resize_session": posted(by_id(ORGANISER_ONLY)),
    # The session form's speaker picker: search, and a new speaker added in place.
    "GET courses.speaker_choices": ORGANISER_ONLY,
    "GET courses.add_speaker": ORGANISER_ONLY,
    "POST courses.add_speaker": posted(ORGANISER_ONLY),
    "POST courses.delete_session": posted(by_id(ORGANISER_ONLY)),
    "POST courses.duplicate_day": posted(ORGANISER_ONLY),
    "POST courses.copy_agenda": posted(by_id(ORGANISER_ONLY)),  # copy-source_id in FORMS
    "GET courses.agenda": AGENDA_READERS,
    "GET courses.agenda_pdf": AGENDA_READERS,
    "GET courses.agenda_ics": AGENDA_READERS,
    "GET courses.import_agenda": ORGANISER_ONLY,
    "POST courses.import_agenda": posted(ORGANISER_ONLY),
    "POST courses.confirm_import": posted(ORGANISER_ONLY),
    "POST courses.advance_status": posted(ORGANISER_ONLY),
    "POST courses.reopen": posted(ORGANISER_ONLY),
    # registration
    "GET registration.participants": ORGANISER_ONLY,
    "GET registration.new_participant": ORGANISER_ONLY,
    "POST registration.new_participant": posted(ORGANISER_ONLY),
    "GET registration.participant": by_id(ORGANISER_ONLY),
    "GET registration.edit_participant": by_id(ORGANISER_ONLY),
    "POST registration.edit_participant": posted(by_id(ORGANISER_ONLY)),
    "POST registration.cancel": posted(by_id(ORGANISER_ONLY)),
    "POST registration.reissue_badge": posted(by_id(ORGANISER_ONLY)),
    "POST registration.settings": posted(ORGANISER_ONLY),
    "POST registration.set_quota": posted(ORGANISER_ONLY),
    "GET registration.import_participants": ORGANISER_ONLY,
    "POST registration.import_participants": posted(ORGANISER_ONLY),
    "POST registration.confirm_import": posted(ORGANISER_ONLY),
    "POST registration.review_import": posted(ORGANISER_ONLY),
    "GET registration.participant_template": ORGANISER_ONLY,
    "GET registration.export_participants": ORGANISER_ONLY,
    "POST registration.start_badges": posted(ORGANISER_ONLY),
    "GET registration.badge_job": by_id(ORGANISER_ONLY),
    "GET registration.badge_job_pdf": by_id(ORGANISER_ONLY),
    "POST registration.send_link": posted(by_id(ORGANISER_ONLY)),
    "POST registration.rotate_link": posted(by_id(ORGANISER_ONLY)),
    "POST registration.send_links": posted(ORGANISER_ONLY),
    "GET registration.whatsapp": ORGANISER_ONLY,
    "GET registration.slips": ORGANISER_ONLY,
    "GET registration.registration_sent": PUBLIC,
    "GET registration.confirm_registration": CLOSED,
    "POST registration.confirm_registration": CLOSED,
    "POST registration.approve": posted(by_id(ORGANISER_ONLY)),
    "GET registration.lost_link": PUBLIC,
    "POST registration.lost_link": posted(PUBLIC) | {"anonymous": DONE},
    "GET registration.lost_link_sent": PUBLIC,
    "GET registration.self_register": CLOSED,
    "POST registration.self_register": CLOSED,
    "GET registration.my_registration": PUBLIC,
    "POST registration.my_check_in": posted(PUBLIC) | {"anonymous": DONE},
    # mail
    "GET mail.course_mail": ORGANISER_ONLY,
    "GET mail.message": by_id(ORGANISER_ONLY),
    "GET mail.job": by_id(ORGANISER_ONLY),
    "POST mail.retry": posted(by_id(ORGANISER_ONLY)),
    # attendance
    "GET attendance.desk": DESK_AND_ORGANISER,
    "POST attendance.scan": posted(DESK_AND_ORGANISER),
    "GET attendance.desk_count": DESK_AND_ORGANISER,
    "GET attendance.desk_search": DESK_AND_ORGANISER,
    "GET attendance.devices": ORGANISER_ONLY,
    "POST attendance.issue_device": posted(ORGANISER_ONLY),
    "POST attendance.revoke_device": posted(by_id(ORGANISER_ONLY)),
    "POST attendance.extend_device": posted(by_id(ORGANISER_ONLY)),
    "POST attendance.mark": posted(by_id(DESK_AND_ORGANISER)),
    "GET attendance.attendance_matrix": ORGANISER_ONLY,
    "GET attendance.attendance_matrix_xlsx": ORGANISER_ONLY,
    "GET attendance.live": ORGANISER_ONLY,
    "GET attendance.screen": by_id(DESK_AND_ORGANISER),
    "GET attendance.session_attendance": by_id(DESK_AND_ORGANISER),
    "POST attendance.session_attendance": posted(by_id(DESK_AND_ORGANISER)),
    "GET attendance.sign_in_sheet": by_id(DESK_AND_ORGANISER),
    "GET attendance.self_check_in": PARTICIPANTS_ONLY,
    "POST attendance.self_check_in": posted(PARTICIPANTS_ONLY),
    # certificates
    "GET certificates.settings": ORGANISER_ONLY,
    "POST certificates.settings": posted(ORGANISER_ONLY),
    "GET certificates.example_number": ORGANISER_ONLY,
    "GET certificates.logo": answers("organiser", "foreign_ids", "admin", ok=MISSING),  # none
    "POST certificates.upload_logo": posted(ORGANISER_ONLY),
    "POST certificates.remove_logo": posted(ORGANISER_ONLY),
    "GET certificates.preview": ORGANISER_ONLY,
    "GET certificates.eligibility": ORGANISER_ONLY,
    "POST certificates.override": posted(by_id(ORGANISER_ONLY)),
    "POST certificates.clear_override": posted(by_id(ORGANISER_ONLY)),
    "POST certificates.revoke": posted(by_id(ORGANISER_ONLY)),
    "GET certificates.download": by_id(ORGANISER_ONLY),
    "POST certificates.issue": posted(ORGANISER_ONLY),
    "GET certificates.batch": by_id(ORGANISER_ONLY),
    "GET certificates.combined": ORGANISER_ONLY,
    "GET certificates.zip_file": ORGANISER_ONLY,
    "GET certificates.verify_form": PUBLIC,
    "GET certificates.verify": PUBLIC,
    "POST certificates.verify_upload": posted(PUBLIC),
    "GET certificates.my_certificate": PUBLIC,
    "GET certificates.staff": HR_ONLY,
    "GET certificates.staff_download": HR_ONLY | {"hr_other": MISSING},
    "GET certificates.staff_zip": HR_ONLY | {"hr_other": MISSING},
    "GET certificates.staff_recap": HR_ONLY,
    "GET certificates.staff_transcript": HR_ONLY,
    "GET certificates.staff_transcript_xlsx": HR_ONLY,
    "GET certificates.signatory_list": ADMIN_ONLY,
    "GET certificates.new_signatory": ADMIN_ONLY,
    "POST certificates.new_signatory": posted(ADMIN_ONLY),
    "POST certificates.deactivate_signatory": posted(ADMIN_ONLY),
    # exercises: staff pages
    "GET exercises.index": EXERCISE_STAFF,
    "GET exercises.new": EXERCISE_STAFF,
    "POST exercises.new": posted(EXERCISE_STAFF),
    "GET exercises.detail": by_id(EXERCISE_STAFF),
    "GET exercises.edit": by_id(EXERCISE_STAFF),
    "POST exercises.edit": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.delete": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.change_status": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.add_objective": posted(by_id(EXERCISE_STAFF)),
    "GET exercises.edit_objective": by_id(EXERCISE_STAFF),
    "POST exercises.edit_objective": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.remove_objective": posted(by_id(EXERCISE_STAFF)),
    "GET exercises.teams": by_id(EXERCISE_STAFF),
    "POST exercises.confirm_teams": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.move_member": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.member_role": posted(by_id(EXERCISE_STAFF)),
    "GET exercises.msel_list": by_id(EXERCISE_STAFF),
    "GET exercises.inject_form": by_id(EXERCISE_STAFF),
    "POST exercises.inject_form": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.delete_inject": posted(by_id(EXERCISE_STAFF)),
    "GET exercises.export_msel": by_id(EXERCISE_STAFF),
    "GET exercises.import_msel": by_id(EXERCISE_STAFF),
    "POST exercises.import_msel": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.confirm_msel_import": posted(by_id(EXERCISE_STAFF)),
    "GET exercises.console": by_id(EXERCISE_STAFF),
    "GET exercises.console_live": by_id(EXERCISE_STAFF),
    "POST exercises.release": posted(by_id(EXERCISE_STAFF)),
    "GET exercises.evaluation": EXERCISE_EVALUATORS,
    "POST exercises.evaluation": posted(EXERCISE_EVALUATORS),
    "GET exercises.ratings": by_id(EXERCISE_STAFF),
    "GET exercises.report_page": by_id(EXERCISE_STAFF),
    "GET exercises.report_pdf": by_id(EXERCISE_STAFF),
    "GET exercises.report_ratings_xlsx": by_id(EXERCISE_STAFF),
    "POST exercises.report_analysis": posted(by_id(EXERCISE_STAFF)),
    "GET exercises.report_action": by_id(EXERCISE_STAFF),
    "POST exercises.report_action": posted(by_id(EXERCISE_STAFF)),
    "POST exercises.report_action_delete": posted(by_id(EXERCISE_STAFF)),
    # exercises: the team's own pages
    "GET exercises.team_page": TEAM_MEMBERS,
    "GET exercises.team_feed": TEAM_MEMBERS,
    "POST exercises.respond": posted(TEAM_MEMBERS),
}

# Requests that change what later rows rely on run last, in this order.
LAST = ("POST exercises.confirm_teams", "POST exercises.change_status",
        "POST attendance.session_attendance", "POST certificates.issue",
        "POST courses.advance_status", "POST auth.logout",
        "POST exercises.edit")  # an empty form leaves the exercise without staff

# Parameters that mean another object on some endpoints: {endpoint: {parameter: world key}}.
PARAMETERS = {
    "registration.my_registration": {"token": "personal_token"},
    "registration.my_check_in": {"token": "personal_token"},
    "registration.confirm_registration": {"token": "pending_token"},
    "certificates.my_certificate": {"token": "personal_token"},
    "speakers.speaker_agenda": {"token": "speaker_token"},
    "speakers.speaker_agenda_ics": {"token": "speaker_token"},
    "registration.cancel": {"registration_id": "spare_registration_id"},
    "registration.rotate_link": {"registration_id": "spare_registration_id"},
    "certificates.revoke": {"certificate_id": "spare_certificate_id"},
    "registration.badge_job": {"job_id": "badge_job_id"},
    "registration.badge_job_pdf": {"job_id": "badge_job_id"},
}

# Form fields that name objects: {endpoint: {field: world key}}, from the role's values.
FORMS = {
    "attendance.mark": {"session_id": "session_id"},
    "courses.copy_agenda": {"copy-source_id": "course_id"},
}

# Allowed requests that delete their object get a new one each: {endpoint: builder}.
FRESH = {}


def fresh(endpoint):
    def register(builder):
        FRESH[endpoint] = builder
        return builder
    return register


# --- the world ---------------------------------------------------------------------------

_serials = itertools.count(100)


def this_exercise() -> Exercise:
    course = course_services.find_course(THIS)
    return exercise_setup.exercises_of(course)[0]


@fresh("POST courses.delete_session")
def _fresh_session():
    course = course_services.find_course(THIS)
    session = add_session(course, SessionInput(
        day=course.days[4], starts_at=time(20, 0), ends_at=time(21, 0), title="Cadangan",
        kind=SessionKind.MATERIAL, jp=0))
    return {"session_id": session.id}


@fresh("POST courses.delete_room")
def _fresh_room():
    room = save_room(course_services.find_course(THIS), None, name=f"Cadangan {next(_serials)}",
                     capacity=None, is_plenary=False)
    return {"room_id": room.id}


@fresh("POST exercises.delete")
def _fresh_exercise():
    facilitators = [u.id for u in exercise_access.staff_of(this_exercise(),
                                                           StaffRole.FACILITATOR)]
    exercise = exercise_setup.create_exercise(course_services.find_course(THIS),
                                              title="Simulasi cadangan",
                                              facilitator_ids=facilitators)
    return {"exercise_id": exercise.id}


@fresh("POST exercises.delete_inject")
def _fresh_inject():
    exercise = this_exercise()
    inject = exercise_msel.add_inject(exercise, exercise_msel.InjectInput(
        number=exercise_msel.next_inject_number(exercise), message="Cadangan"))
    return {"inject_id": inject.id}


@fresh("POST exercises.remove_objective")
def _fresh_objective():
    objective = exercise_setup.add_objective(
        this_exercise(), exercise_setup.ObjectiveInput(title="Cadangan"))
    return {"objective_id": objective.id}


@fresh("POST exercises.report_action_delete")
def _fresh_action():
    action = report.save_action(this_exercise(), None, report.ActionInput(
        action="Cadangan", responsible="Kesbangpol"))
    return {"action_id": action.id}


def pending_registration(course, number: int, institution_id: int) -> PendingRegistration:
    pending = PendingRegistration(
        course_id=course.id, details=asdict(participant(number, institution_id)),
        name=f"Peserta {number}", email=f"peserta{number}@example.go.id",
        expires_at=utcnow() + timedelta(hours=48))
    db.session.add(pending)
    db.session.commit()
    return pending


@fresh("POST registration.approve")
def _fresh_pending():
    pending = pending_registration(course_services.find_course(THIS), next(_serials),
                                   institution("Kesbangpol Kutim").id)
    return {"pending_id": pending.id}


@fresh("POST registration.cancel")
def _fresh_registration():
    course = course_services.find_course(THIS)
    registration = registration_services.register(
        course, participant(next(_serials), institution("Kesbangpol Kutim").id))
    return {"registration_id": registration.id}


def job_message(job) -> OutgoingMessage:
    return db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.job_id == job.id))


def build_course(code: str, tag: str, institution_name: str, staff: dict[str, User]) -> dict:
    """A finished course with four participants (accounts peserta<n>@<tag>.test, three
    eligible), issued certificates, its staff and a running exercise; returns the values
    its URLs take."""
    course, people, course_staff = finished_course_with_accounts(code, tag)
    organiser, facilitator = course_staff["organiser"], course_staff["facilitator"]
    spare = staff_user(f"cadangan@{tag}.test", course, Role.DESK)
    staff.update(course_staff)
    batch = tasks.start_batch(course)
    certificates = {c.registration_id: c for c in db.session.scalars(
        select(Certificate).where(Certificate.course_id == course.id))}
    simulation = next(s for s in course.sessions if s.kind == SessionKind.SIMULATION)
    exercise = exercise_setup.create_exercise(
        course, title="Simulasi Penanganan Konflik", scenario="Kampanye akbar.",
        session_id=simulation.id, facilitator_ids=[facilitator.id],
        evaluator_ids=[facilitator.id], actor=organiser)
    objective = exercise_setup.add_objective(exercise, exercise_setup.ObjectiveInput(
        title="Koordinasi pengamanan"), actor=organiser)
    proposal = exercise_teams.propose_teams(exercise, 2)
    exercise_teams.confirm_teams(exercise, [[r.id for r in group] for group in proposal],
                                 actor=organiser)
    inject = exercise_msel.add_inject(exercise, exercise_msel.InjectInput(
        number=1, message="Dua pasangan calon berkampanye di hari yang sama.",
        objective_id=objective.id), actor=organiser)
    exercise_running.start(exercise, actor=organiser)
    exercise_running.release(inject, actor=organiser)
    action = report.save_action(exercise, None, report.ActionInput(
        action="Menyusun SOP", responsible="Kesbangpol", objective_id=objective.id),
        actor=organiser)
    pending = pending_registration(course, next(_serials), institution(institution_name).id)
    signatory = signatories.register(
        name=f"Penanda Tangan {tag}", nip="", position="Sekretaris",
        institution_id=course.host_institution_id, passphrase="rahasia",
        key_data=demo_keys.signatory_pkcs12(f"Penanda Tangan {tag}", "rahasia"))
    job = mail.start_job(MessageKind.PERSONAL_LINK, [mail.message(
        MessageKind.PERSONAL_LINK, f"peserta@{tag}.test", "Tautan", "Isi",
        course_id=course.id, registration_id=people[0].id)], course_id=course.id)
    device, _token = attendance_services.issue_device_token(course, "Meja 1")
    room = save_room(course, None, name=f"Ruang {tag}", capacity=40, is_plenary=False)
    badge_job = registration_tasks.start_badge_job(course, by=organiser)
    speaker = db.session.scalar(select(SessionSpeaker).where(
        SessionSpeaker.session_id.in_([s.id for s in course.sessions]))).speaker
    return {
        "course_code": code, "course_id": course.id, "user_id": spare.id, "role": "desk",
        "registration_id": people[0].id, "spare_registration_id": people[2].id,
        "personal_token": people[0].personal_token,
        "certificate_id": certificates[people[0].id].id,
        "spare_certificate_id": certificates[people[1].id].id,
        "code": certificates[people[0].id].verification_code, "batch_id": batch.id,
        "session_id": simulation.id, "exercise_id": exercise.id, "inject_id": inject.id,
        "objective_id": objective.id, "action_id": action.id, "speaker_id": speaker.id,
        "job_id": job.id, "message_id": job_message(job).id, "device_id": device.id,
        "badge_job_id": badge_job.id,
        "pending_id": pending.id, "pending_token": pending.token, "room_id": room.id,
        "speaker_token": speaker.agenda_token,
        "institution_id": institution(institution_name).id, "signatory_id": signatory.id,
        "which": "logo", "fmt": "xlsx", "action": "start",
        "participant": people[0].user_id,
    }


def build_url(rule, values: dict, extra: dict | None = None) -> str:
    """The path of `rule` naming the objects in `values` (a course's URL values, as
    `build_course` returns them), or in `extra` first."""
    names = PARAMETERS.get(rule.endpoint, {})
    extra = extra or {}
    return rule.build({name: extra.get(name, values[names.get(name, name)])
                       for name in rule.arguments})[1]


class World:
    """Both courses, a logged-in client per role and the URL values of each role."""

    def __init__(self, app):
        self.app = app
        this_staff, other_staff = {}, {}
        with app.app_context():
            self.this = build_course(THIS, "this", "Kesbangpol Kutim", this_staff)
            self.other = build_course(OTHER, "other", "Satpol PP Kutim", other_staff)
            hr = account("hr@bimtek.test", Role.HR)
            hr.institutions = [institution("Kesbangpol Kutim")]
            hr_other = account("hr2@bimtek.test", Role.HR)
            hr_other.institutions = [institution("Satpol PP Kutim")]
            admin = account("admin@bimtek.test", Role.ADMIN)
            db.session.commit()
            emails = {
                "participant": db.session.get(User, self.this["participant"]).email,
                "desk": this_staff["desk"].email,
                "facilitator": this_staff["facilitator"].email,
                "hr": hr.email, "hr_other": hr_other.email,
                "organiser": this_staff["organiser"].email,
                "organiser_other": other_staff["organiser"].email, "admin": admin.email}
        emails |= {"participant_others": emails["participant"],
                   "foreign_ids": emails["organiser"]}
        self.emails = emails
        self.values = {role: self.this for role in ROLES} | {
            "participant_others": self.other,
            "foreign_ids": self.other | {"course_code": THIS}}
        self.clients = {role: app.test_client() for role in ROLES}
        self.tokens = {}
        for role in ROLES:
            self.log_in(role)

    def log_in(self, role):
        client = self.clients[role]
        limiter.reset()
        if role != "anonymous":
            login(client, self.emails[role])
        self.tokens[role] = csrf_token(client)

    def url(self, rule, endpoint, role, extra):
        return build_url(rule, self.values[role], extra)

    def request(self, method, key, rule, role, expected):
        extra = {}
        if expected == DONE and key in FRESH and self.values[role] is self.this:
            with self.app.app_context():
                extra = FRESH[key]()
        url = self.url(rule, rule.endpoint, role, extra)
        client = self.clients[role]
        try:
            if method == "GET":
                response = client.get(url)
            else:
                form = {field: self.values[role][name]
                        for field, name in FORMS.get(rule.endpoint, {}).items()}
                response = client.post(url, data={"csrf_token": self.tokens[role], **form})
        except Exception as error:  # a server error (propagated in tests) is an answer too
            return url, f"{type(error).__name__}: {error}"
        if key == "POST auth.logout":
            self.log_in(role)
        return url, response


@contextmanager
def world_of(app, tmp_path_factory) -> Iterator[World]:
    """A World for one test module, its files in a folder of their own; every table is
    emptied afterwards. Modules that use it override `_clean_state` as above."""
    init_task_queue(app)  # certificates are issued at once, whatever app a test built last
    files_dir = app.config["FILES_DIR"]
    app.config["FILES_DIR"] = str(tmp_path_factory.mktemp("matrix-files"))
    yield World(app)
    app.config["FILES_DIR"] = files_dir
    empty_database(app)


def endpoint_keys(app) -> dict[str, list]:
    """`METHOD endpoint` → its rules, for every endpoint but static files."""
    keys: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("bootstrap."):
            continue
        for method in ("GET", "POST"):
            if method in rule.methods:
                keys.setdefault(f"{method} {rule.endpoint}", []).append(rule)
    return keys


def refused_for_csrf(response) -> bool:
    """The form-expired page, which would mean the request never reached the view. Other
    400s are the view's own answer to the empty form."""
    text = response.get_data(as_text=True)
    return response.status_code == 400 and ("Formulir kedaluwarsa" in text
                                            or "Form expired" in text)
