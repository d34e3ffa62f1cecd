"""Forged and foreign requests change nothing.

In the world of the authorization matrix (THIS and OTHER course, each with participants,
attendance, certificates and a running exercise), two kinds of abuse are tried:

- Every POST endpoint of the app, asked by someone allowed to use it, with no CSRF token,
  a made-up token and another session's valid token: the answer is the "form expired"
  page and no table changes. The scanner API alone goes without a CSRF token: it takes a
  device's bearer token, not a cookie, so it answers 401 instead.
- THIS course's organiser posts THIS course's forms with the id of one of OTHER's objects
  in a form field (a session, room, participant, team, objective, facilitator, badge,
  kecamatan of its region, stashed upload): the answer is 404 or a message saying what is
  wrong, and no table changes. Speakers and institutions are shared by every course, and
  only admins assign staff to courses, so their ids belong to no course in particular.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import url_for
from sqlalchemy import select

from bimtek.auth.models import User
from bimtek.courses import services as course_services
from bimtek.courses import views as course_views
from bimtek.courses.agenda import save_room
from bimtek.exercises import msel as exercise_msel
from bimtek.exercises import setup as exercise_setup
from bimtek.exercises.models import Exercise
from bimtek.exercises.views import msel as msel_views
from bimtek.extensions import db, limiter
from bimtek.regions.services import find_area
from bimtek.registration import file_views as registration_views
from bimtek.registration.models import Registration
from tests.certificates.factories import STARTS_ON
from tests.factories import seed_regions
from tests.registration.factories import nik
from tests.support.authorization import (
    DONE,
    MATRIX,
    MISSING,
    OTHER,
    THIS,
    UNAUTHORIZED,
    endpoint_keys,
    refused_for_csrf,
    world_of,
)


@pytest.fixture(autouse=True)
def _clean_state():
    """Replaces the suite's per-test emptying: the world lives for the whole module."""
    yield


@pytest.fixture(scope="module")
def world(app, tmp_path_factory):
    with world_of(app, tmp_path_factory) as built:
        yield built


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, committed."""
    with app.app_context(), db.engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
            select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- CSRF on every POST --------------------------------------------------------------------

# Takes a device's bearer token, not a session cookie: there is nothing to forge.
TOKEN_FREE = {"POST api.check_in"}
POSTS = [key for key in MATRIX if key.startswith("POST ")]
# Who asks: the first of these the matrix lets through, so that only the token is missing.
# Logging out and the closed self-registration let no one through; admin asks for those.
ASKERS = ("admin", "organiser", "facilitator", "desk", "participant", "hr", "anonymous")
ATTACKER = "organiser_other"  # reads a valid token from their own session


def asker(key: str) -> str:
    return next((role for role in ASKERS if MATRIX[key][role] == DONE), "admin")


def forged_bodies(world) -> dict[str, dict]:
    return {"no token": {}, "made-up token": {"csrf_token": "bm90LWEtdG9rZW4.Zm9yZ2Vk"},
            "another session's token": {"csrf_token": world.tokens[ATTACKER]}}


def asks_for_a_device_token(response) -> bool:
    return response.status_code == UNAUTHORIZED and response.json["error"] == "unauthorized"


def test_every_post_endpoint_is_tried(app):
    assert sorted(key for key in endpoint_keys(app) if key.startswith("POST ")) == \
        sorted(POSTS)


@pytest.mark.parametrize("key", POSTS)
def test_a_post_without_its_own_csrf_token_is_refused_and_changes_nothing(app, world, key):
    """A new exemption from the CSRF check fails its endpoint's row here."""
    refused = asks_for_a_device_token if key in TOKEN_FREE else refused_for_csrf
    role = asker(key)
    with app.app_context():
        limiter.reset()
    before = snapshot(app)
    accepted = []
    for rule in endpoint_keys(app)[key]:
        url = world.url(rule, rule.endpoint, role, {})
        for variant, body in forged_bodies(world).items():
            response = world.clients[role].post(url, data=body)
            if not refused(response):
                accepted.append(f"{role}, {variant}: POST {url} → {response.status_code}")
    assert accepted == []
    assert changed_tables(before, snapshot(app)) == []


# --- ids of OTHER's objects in THIS course's forms -------------------------------------------

def team_values(values: dict) -> dict:
    """The exercise's first team, one of its members and the participant's badge."""
    exercise = db.session.get(Exercise, values["exercise_id"])
    team = min(exercise.teams, key=lambda t: t.number)
    return {"team_id": team.id, "member_id": team.members[0].registration_id,
            "badge_code": db.session.get(Registration, values["registration_id"]).badge_code}


def this_values(values: dict) -> dict:
    """THIS course in Kutai Timur, with a draft exercise to confirm teams in and an inject
    not released yet, which can still be edited."""
    course = course_services.find_course(THIS)
    course.region = find_area("64.08")
    registration = db.session.get(Registration, values["registration_id"])
    exercise = db.session.get(Exercise, values["exercise_id"])
    draft = exercise_setup.create_exercise(course, title="Simulasi susulan",
                                           session_id=values["session_id"])
    unreleased = exercise_msel.add_inject(exercise, exercise_msel.InjectInput(
        number=exercise_msel.next_inject_number(exercise), message="Cadangan",
        planned_offset_minutes=exercise_msel.MAX_OFFSET_MINUTES))
    return values | team_values(values) | {
        "name": registration.name, "nik": registration.nik,
        "agenda_version": course.agenda_version, "draft_exercise_id": draft.id,
        "unreleased_inject_id": unreleased.id, "unreleased_number": unreleased.number}


def other_values(values: dict) -> dict:
    """OTHER course in Sintang, with a room and an upload stashed by each importer."""
    course = course_services.find_course(OTHER)
    course.region = find_area("61.05")
    room = save_room(course, None, name="Aula Kapuas", capacity=40,
                     is_plenary=True)
    exercise = db.session.get(Exercise, values["exercise_id"])
    return values | team_values(values) | {
        "room_id": room.id, "kecamatan_id": course.region.kecamatan[0].id,
        "facilitator_id": db.session.scalar(select(User.id).where(
            User.email == "fasilitator@other.test")),
        "agenda_upload": course_views._stash(course).keep("agenda.csv", b""),
        "participant_upload": registration_views._stash(course).keep("peserta.csv", b""),
        "msel_upload": msel_views._stash(exercise).keep("msel.csv", b"")}


@pytest.fixture(scope="module")
def ids(app, world):
    """THIS's and OTHER's values, with what the form cases name beyond the matrix's."""
    with app.app_context():
        seed_regions()
        sides = {"this": this_values(world.this), "other": other_values(world.other)}
        db.session.commit()
    return sides


@dataclass
class Case:
    endpoint: str
    refusal: int | str  # MISSING, or what the page then says
    form: Callable[[dict, dict], dict]  # (THIS's values, OTHER's values) → the body
    url: Callable[[dict, dict], dict] = lambda this, other: {}  # beyond THIS's code


def session_form(prefix: str, room_id: int) -> dict:
    fields = {"day": STARTS_ON.isoformat(), "starts_at": "20:00", "ends_at": "21:00",
              "title": "Diskusi malam", "kind": "material", "room_id": room_id}
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def participant_form(this: dict, kecamatan_id: int, name: str, nik_digits: str) -> dict:
    return {"name": name, "nik": nik_digits, "gender": "L", "unit": "Kesbangpol",
            "institution_id": this["institution_id"], "kecamatan_id": kecamatan_id}


def inject_form(number: int, **fields) -> dict:
    return {"number": number, "message": "Massa berkumpul di depan kantor KPU.",
            "planned_offset_minutes": 0, "delivery": "message", **fields}


def exercise_form(session_id: int, **staff) -> dict:
    return {"title": "Simulasi Penanganan Konflik", "session_id": session_id, **staff}


def report_action_form(objective_id: int) -> dict:
    return {"action": "Menyusun SOP pengamanan", "responsible": "Kesbangpol",
            "objective_id": objective_id}


def on_exercise(key: str = "exercise_id") -> Callable[[dict, dict], dict]:
    return lambda this, other: {"exercise_id": this[key]}


NO_LONGER_AVAILABLE = "Berkas yang diperiksa sudah tidak tersedia; unggah ulang."
NOT_THIS_EXERCISES_OBJECTIVE = "Pilih sasaran dari latihan ini."
NOT_THIS_COURSES_FACILITATOR = "Pilih hanya fasilitator kursus ini."
NOT_THIS_COURSES_SESSION = "Pilih sesi dari agenda kursus ini."
NOT_THIS_EXERCISES_TEAM = "Inject ditujukan ke tim yang tidak ada dalam latihan ini."
NOT_THIS_COURSES_REGION = "Kecamatan ini tidak termasuk wilayah kursus."

FOREIGN_IDS = {
    # attendance
    "desk scan: OTHER's session": Case(
        "attendance.scan", "Tidak ada sesi sekarang",
        lambda this, other: {"badge": this["badge_code"], "session_id": other["session_id"]}),
    "desk scan: OTHER's participant's badge": Case(
        "attendance.scan", "Kartu kursus lain",
        lambda this, other: {"badge": other["badge_code"], "session_id": this["session_id"]}),
    "mark one participant: OTHER's session": Case(
        "attendance.mark", MISSING,
        lambda this, other: {"session_id": other["session_id"], "status": "hadir"},
        lambda this, other: {"registration_id": this["registration_id"]}),
    "mark many in a session: OTHER's participant": Case(
        "attendance.session_attendance", "Bukan peserta terdaftar kursus ini",
        lambda this, other: {"registration_id": other["registration_id"], "status": "hadir"},
        lambda this, other: {"session_id": this["session_id"]}),
    # agenda
    "new session: OTHER's room": Case(
        "courses.add_session", "Ruang tidak dikenal.",
        lambda this, other: session_form("new", other["room_id"])),
    "edit session: OTHER's room": Case(
        "courses.update_session", "Ruang tidak dikenal.",
        lambda this, other: session_form(f"s{this['session_id']}", other["room_id"]),
        lambda this, other: {"session_id": this["session_id"]}),
    "copy agenda: OTHER's course": Case(
        "courses.copy_agenda", MISSING,
        lambda this, other: {"copy-source_id": other["course_id"]}),
    "confirm agenda import: OTHER's upload": Case(
        "courses.confirm_import", NO_LONGER_AVAILABLE,
        lambda this, other: {"upload": other["agenda_upload"],
                             "expected_version": this["agenda_version"]}),
    # participants
    "new participant: kecamatan of OTHER's region": Case(
        "registration.new_participant", NOT_THIS_COURSES_REGION,
        lambda this, other: participant_form(this, other["kecamatan_id"], "Peserta Baru",
                                             nik(99))),
    "edit participant: kecamatan of OTHER's region": Case(
        "registration.edit_participant", NOT_THIS_COURSES_REGION,
        lambda this, other: participant_form(this, other["kecamatan_id"], this["name"],
                                             this["nik"]),
        lambda this, other: {"registration_id": this["registration_id"]}),
    "confirm participant import: OTHER's upload": Case(
        "registration.confirm_import", NO_LONGER_AVAILABLE,
        lambda this, other: {"upload": other["participant_upload"]}),
    "check participant import again: OTHER's upload": Case(
        "registration.review_import", NO_LONGER_AVAILABLE,
        lambda this, other: {"upload": other["participant_upload"]}),
    # exercises
    "new exercise: OTHER's session": Case(
        "exercises.new", NOT_THIS_COURSES_SESSION,
        lambda this, other: exercise_form(other["session_id"])),
    "new exercise: OTHER's facilitator as facilitator": Case(
        "exercises.new", NOT_THIS_COURSES_FACILITATOR,
        lambda this, other: exercise_form(this["session_id"],
                                          facilitator_ids=other["facilitator_id"])),
    "new exercise: OTHER's facilitator as evaluator": Case(
        "exercises.new", NOT_THIS_COURSES_FACILITATOR,
        lambda this, other: exercise_form(this["session_id"],
                                          evaluator_ids=other["facilitator_id"])),
    "edit exercise: OTHER's session": Case(
        "exercises.edit", NOT_THIS_COURSES_SESSION,
        lambda this, other: exercise_form(other["session_id"]), on_exercise()),
    "edit exercise: OTHER's facilitator as facilitator": Case(
        "exercises.edit", NOT_THIS_COURSES_FACILITATOR,
        lambda this, other: exercise_form(this["session_id"],
                                          facilitator_ids=other["facilitator_id"]),
        on_exercise()),
    "edit exercise: OTHER's facilitator as evaluator": Case(
        "exercises.edit", NOT_THIS_COURSES_FACILITATOR,
        lambda this, other: exercise_form(this["session_id"],
                                          evaluator_ids=other["facilitator_id"]),
        on_exercise()),
    "confirm teams: OTHER's participant in the plan": Case(
        "exercises.confirm_teams", "Susunan tim memuat orang yang tidak hadir di sesi ini.",
        lambda this, other: {"plan": f"{this['registration_id']};{other['registration_id']}"},
        on_exercise("draft_exercise_id")),
    "move member: into OTHER's team": Case(
        "exercises.move_member", "Pilih tim dari latihan ini.",
        lambda this, other: {"registration_id": this["member_id"],
                             "team_id": other["team_id"]}, on_exercise()),
    "move member: OTHER's team member": Case(
        "exercises.move_member", "Hanya peserta yang hadir di sesi ini yang bisa masuk tim.",
        lambda this, other: {"registration_id": other["member_id"],
                             "team_id": this["team_id"]}, on_exercise()),
    "team role: OTHER's team member": Case(
        "exercises.member_role", "Peserta ini tidak berada di tim mana pun dalam latihan ini.",
        lambda this, other: {"registration_id": other["member_id"], "role": "ketua"},
        on_exercise()),
    "new inject: to OTHER's team": Case(
        "exercises.inject_form", NOT_THIS_EXERCISES_TEAM,
        lambda this, other: inject_form(99, target_team_ids=other["team_id"]),
        on_exercise()),
    "new inject: OTHER's objective": Case(
        "exercises.inject_form", NOT_THIS_EXERCISES_OBJECTIVE,
        lambda this, other: inject_form(99, to_all_teams="y",
                                        objective_id=other["objective_id"]), on_exercise()),
    "edit inject: to OTHER's team": Case(
        "exercises.inject_form", NOT_THIS_EXERCISES_TEAM,
        lambda this, other: inject_form(this["unreleased_number"],
                                        target_team_ids=other["team_id"]),
        lambda this, other: {"exercise_id": this["exercise_id"],
                             "inject_id": this["unreleased_inject_id"]}),
    "edit inject: OTHER's objective": Case(
        "exercises.inject_form", NOT_THIS_EXERCISES_OBJECTIVE,
        lambda this, other: inject_form(this["unreleased_number"], to_all_teams="y",
                                        objective_id=other["objective_id"]),
        lambda this, other: {"exercise_id": this["exercise_id"],
                             "inject_id": this["unreleased_inject_id"]}),
    "confirm MSEL import: OTHER's upload": Case(
        "exercises.confirm_msel_import", NO_LONGER_AVAILABLE,
        lambda this, other: {"upload": other["msel_upload"]}, on_exercise()),
    "new improvement action: OTHER's objective": Case(
        "exercises.report_action", NOT_THIS_EXERCISES_OBJECTIVE,
        lambda this, other: report_action_form(other["objective_id"]), on_exercise()),
    "edit improvement action: OTHER's objective": Case(
        "exercises.report_action", NOT_THIS_EXERCISES_OBJECTIVE,
        lambda this, other: report_action_form(other["objective_id"]),
        lambda this, other: {"exercise_id": this["exercise_id"],
                             "action_id": this["action_id"]}),
}


@pytest.mark.parametrize("name", FOREIGN_IDS)
def test_an_id_of_another_course_in_a_form_is_refused_and_changes_nothing(app, world, ids,
                                                                          name):
    case = FOREIGN_IDS[name]
    this, other = ids["this"], ids["other"]
    with app.test_request_context():
        url = url_for(case.endpoint, course_code=THIS, **case.url(this, other))
    client = world.clients["organiser"]
    before = snapshot(app)
    response = client.post(url, data={"csrf_token": world.tokens["organiser"],
                                      **case.form(this, other)},
                           follow_redirects=case.refusal != MISSING)
    if case.refusal == MISSING:
        assert response.status_code == MISSING
    else:
        assert response.status_code in (200, 400)
        assert case.refusal in html.unescape(response.get_data(as_text=True))
    assert changed_tables(before, snapshot(app)) == []
