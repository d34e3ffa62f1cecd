"""The scanner API: every answer it documents, its token rule, and its OpenAPI document."""
from datetime import date, datetime, time

import jsonschema
import pytest

from bimtek.attendance import devices as attendance_services
from bimtek.attendance.openapi import OPENAPI
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.attendance.factories import scanner_token
from tests.factories import make_course
from tests.registration.factories import participant

# 07.55 WITA on Monday 28 October 2024.
BEFORE_START = "2024-10-28T07:55:00+08:00"


@pytest.fixture
def scanner(app):
    with app.app_context():
        course = make_course("KSP-KUTIM-2024", capacity=2)
        other = make_course("KSP-SINTANG-2024")
        add_session(course, SessionInput(
            day=date(2024, 10, 28), starts_at=time(8, 0), ends_at=time(9, 30),
            title="Kebijakan tahapan Pilkada", kind=SessionKind.MATERIAL))
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        first, second, waiting = (services.register(course, participant(n, ppk))
                                  for n in (1, 2, 3))
        stranger = services.register(other, participant(9, ppk))
        device_id, token = scanner_token(course, "Meja 1")
        return {"token": token, "device_id": device_id, "first": first.badge_code,
                "second": second.badge_code, "waiting": waiting.badge_code,
                "stranger": stranger.badge_code}


def scan(client, token, **body):
    return client.post("/api/v1/checkins", json=body,
                       headers={"Authorization": f"Bearer {token}"} if token else {})


def conforms(response):
    """The answer matches what openapi.json promises for its status code."""
    documented = OPENAPI["paths"]["/checkins"]["post"]["responses"][str(response.status_code)]
    jsonschema.validate(response.json, documented["content"]["application/json"]["schema"])
    return response


def test_every_documented_answer(client, scanner):
    token = scanner["token"]
    ok = conforms(scan(client, token, badge=scanner["first"], nonce="n1",
                       scanned_at=BEFORE_START))
    assert ok.status_code == 201 and ok.json["result"] == "ok"
    assert ok.json["participant"]["number"] == 1 and ok.json["status"] == "hadir"
    again = conforms(scan(client, token, badge=scanner["first"], nonce="n2",
                          scanned_at="2024-10-28T08:20:00+08:00"))
    assert again.status_code == 200 and again.json["result"] == "already_checked_in"
    assert again.json["checked_in_at"] == "2024-10-27T23:55:00+00:00"
    cases = [({"badge": "nope"}, 404, "unknown_badge"),
             ({"badge": scanner["stranger"]}, 409, "wrong_course"),
             ({"badge": scanner["waiting"]}, 409, "waitlisted"),
             ({"badge": scanner["second"], "scanned_at": "2024-10-28T13:00:00+08:00"}, 409,
              "no_session")]
    for number, (body, status, result) in enumerate(cases):
        response = conforms(scan(client, token, nonce=f"c{number}",
                                 **{"scanned_at": BEFORE_START, **body}))
        assert (response.status_code, response.json["result"]) == (status, result), body


def test_a_late_scan_sent_later_is_still_judged_by_its_scan_time(client, scanner):
    response = scan(client, scanner["token"], badge=scanner["second"], nonce="late",
                    scanned_at="2024-10-28T08:16:00+08:00")
    assert response.json["status"] == "terlambat"


def test_resending_a_nonce_changes_nothing(app, client, scanner):
    body = {"badge": scanner["first"], "nonce": "same", "scanned_at": BEFORE_START}
    first, second = scan(client, scanner["token"], **body), scan(client, scanner["token"],
                                                                 **body)
    assert first.status_code == 201 and second.json == first.json
    with app.app_context():
        from bimtek.attendance.models import Attendance

        assert db.session.query(Attendance).count() == 1


@pytest.mark.parametrize("body, field", [
    ({"nonce": "x"}, "badge"), ({"badge": "", "nonce": "x"}, "badge"),
    ({"badge": "b"}, "nonce"), ({"badge": "b", "nonce": "x", "session_id": "1"}, "session_id"),
    ({"badge": "b", "nonce": "x", "scanned_at": "kemarin"}, "scanned_at"),
])
def test_malformed_requests_name_the_field(client, scanner, body, field):
    response = conforms(scan(client, scanner["token"], **body))
    assert response.status_code == 400 and response.json["field"] == field


def test_a_body_that_is_not_json_is_refused(client, scanner):
    response = client.post("/api/v1/checkins", data="badge=1",
                           headers={"Authorization": f"Bearer {scanner['token']}"})
    assert response.status_code == 400 and response.json["field"] == "body"


def test_missing_wrong_and_revoked_tokens(app, client, scanner):
    for token in (None, "not-a-token"):
        assert conforms(scan(client, token, badge=scanner["first"], nonce="t")
                        ).status_code == 401
    with app.app_context():
        from bimtek.attendance.models import DeviceToken

        attendance_services.revoke_device_token(db.session.get(DeviceToken,
                                                               scanner["device_id"]))
    assert scan(client, scanner["token"], badge=scanner["first"], nonce="t").status_code == 401


def test_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    responses = document["paths"]["/checkins"]["post"]["responses"]
    assert set(responses) == {"200", "201", "400", "401", "404", "409"}


def test_create_device_token_command(app):
    with app.app_context():
        make_course("KSP-KUTIM-2024")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-device-token", "KSP-KUTIM-2024", "Meja 2"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with app.app_context():
        assert attendance_services.device_for_token(token, now=datetime(2024, 10, 28)).name \
            == "Meja 2"
    assert runner.invoke(args=["create-device-token", "NOPE", "Meja"]).exit_code != 0


def test_a_finished_course_answers_course_closed(app, client, scanner):
    from bimtek.courses.models import CourseStatus

    with app.app_context():
        course_services.find_course("KSP-KUTIM-2024").status = CourseStatus.FINISHED
        db.session.commit()
    response = conforms(scan(client, scanner["token"], badge=scanner["first"], nonce="late",
                             scanned_at=BEFORE_START))
    assert (response.status_code, response.json) == (409, {"result": "course_closed"})


def test_a_typed_code_and_a_typo(client, scanner):
    code = scanner["first"]
    typed = conforms(scan(client, scanner["token"], badge=f" {code[:5].lower()} {code[5:]}",
                          nonce="typed", scanned_at=BEFORE_START))
    assert typed.status_code == 201 and typed.json["participant"]["number"] == 1
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    answer = conforms(scan(client, scanner["token"], badge=typo, nonce="typo",
                           scanned_at=BEFORE_START))
    assert (answer.status_code, answer.json) == (404, {"result": "mistyped_badge"})


def test_a_nonce_belongs_to_its_scanner_and_never_answers_for_another_course(app, client,
                                                                             scanner):
    """Two scanners of the course and one of another course all send nonce "1": three
    independent scans, each answered with its own participant."""
    with app.app_context():
        course = course_services.find_course("KSP-KUTIM-2024")
        _device, second_desk = scanner_token(course, "Meja 2")
        other = course_services.find_course("KSP-SINTANG-2024")
        add_session(other, SessionInput(
            day=date(2024, 10, 28), starts_at=time(8, 0), ends_at=time(9, 30),
            title="Pemetaan intelijen keamanan", kind=SessionKind.MATERIAL))
        _device, sintang_desk = scanner_token(other, "Meja Sintang")
    answers = [conforms(scan(client, token, badge=badge, nonce="1", scanned_at=BEFORE_START))
               for token, badge in ((scanner["token"], scanner["first"]),
                                    (second_desk, scanner["second"]),
                                    (sintang_desk, scanner["stranger"]))]
    assert [(a.status_code, a.json["participant"]["number"], a.json["session"]["title"])
            for a in answers] == [(201, 1, "Kebijakan tahapan Pilkada"),
                                  (201, 2, "Kebijakan tahapan Pilkada"),
                                  (201, 1, "Pemetaan intelijen keamanan")]
    assert answers[2].json["participant"]["name"] != answers[0].json["participant"]["name"]
    again = scan(client, sintang_desk, badge=scanner["stranger"], nonce="1",
                 scanned_at=BEFORE_START)
    assert again.json == answers[2].json
    with app.app_context():
        from bimtek.attendance.models import Attendance

        assert db.session.query(Attendance).count() == 3


def test_tokens_expire_the_day_after_the_course_ends_unless_extended(app, client, scanner):
    """The course ends on Friday 1 November 2024 (WITA): the token works on Saturday,
    not on Sunday, and again once extended."""
    from datetime import datetime

    from bimtek.attendance.devices import DeviceState, device_for_token, device_state
    from bimtek.attendance.models import DeviceToken
    from bimtek.errors import ValidationError

    saturday_night = datetime(2024, 11, 2, 15, 59)  # 23.59 WITA
    sunday_morning = datetime(2024, 11, 2, 16, 0)  # 00.00 WITA
    with app.app_context():
        device = db.session.get(DeviceToken, scanner["device_id"])
        device.valid_until = None  # as issued
        db.session.commit()
        assert device_for_token(scanner["token"], saturday_night).id == device.id
        assert device_for_token(scanner["token"], sunday_morning) is None
        assert device_state(device, sunday_morning) == DeviceState.EXPIRED
        with pytest.raises(ValidationError):
            attendance_services.extend_device_token(device, date(2024, 11, 1),
                                                    now=sunday_morning)
        attendance_services.extend_device_token(device, date(2024, 11, 8), now=sunday_morning)
        assert device_for_token(scanner["token"], sunday_morning).id == device.id
        device.valid_until = date(2024, 11, 2)
        db.session.commit()
    # Today is long after November 2024: the scanner is refused.
    response = conforms(scan(client, scanner["token"], badge=scanner["first"], nonce="x"))
    assert response.status_code == 401


def test_organisers_list_issue_extend_and_revoke_tokens(app, client, make_user, scanner):
    from bimtek.auth.models import Role, User
    from tests.support.web import login, post

    organiser = make_user("organiser@bimtek.test", "organiser")
    with app.app_context():
        course_staff.assign_course(db.session.get(User, organiser),
                                    course_services.find_course("KSP-KUTIM-2024"),
                                    Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/KSP-KUTIM-2024/devices").get_data(as_text=True)
    assert "Meja 1" in page and "Kamis, 31 Desember 2099" in page and "Aktif" in page
    issued = post(client, "/courses/KSP-KUTIM-2024/devices", {"name": "Meja 2"})
    # The course ended on Friday 1 November 2024: a new token is already expired.
    assert "Sabtu, 2 November 2024" in issued.get_data(as_text=True)
    assert "Kedaluwarsa" in issued.get_data(as_text=True)
    token = issued.get_data(as_text=True).split('user-select-all text-break">')[1].split("<")[0]
    assert "hanya ditampilkan sekali" in issued.get_data(as_text=True)
    with app.app_context():
        from bimtek.attendance.models import DeviceToken

        second = db.session.query(DeviceToken).filter_by(name="Meja 2").one()
        assert second.token_hash != token and len(token) > 30
    far = date.today().replace(year=date.today().year + 1).isoformat()
    post(client, f"/courses/KSP-KUTIM-2024/devices/{second.id}/extend", {"valid_until": far})
    assert scan(client, token, badge=scanner["first"], nonce="x").status_code == 409
    refused = post(client, f"/courses/KSP-KUTIM-2024/devices/{second.id}/extend",
                   {"valid_until": "2024-11-01"}, follow_redirects=True)
    assert "Pilih hari mulai hari ini" in refused.get_data(as_text=True)
    post(client, f"/courses/KSP-KUTIM-2024/devices/{second.id}/revoke")
    assert scan(client, token, badge=scanner["first"], nonce="y").status_code == 401
    page = client.get("/courses/KSP-KUTIM-2024/devices").get_data(as_text=True)
    assert "Dicabut" in page


def test_revoke_device_token_command(app, scanner):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["revoke-device-token", "ksp-kutim-2024", "Meja 1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from bimtek.attendance.models import DeviceToken

        assert db.session.get(DeviceToken, scanner["device_id"]).revoked_at is not None
    again = runner.invoke(args=["revoke-device-token", "KSP-KUTIM-2024", "Meja 1"])
    assert again.exit_code != 0 and "no active device named" in again.output
    assert runner.invoke(args=["revoke-device-token", "NOPE", "Meja 1"]).exit_code != 0


MALFORMED = [  # (raw JSON body, the field named)
    ('{"badge": "b", "nonce": "x", "session_id": 18446744073709551616}', "session_id"),
    ('{"badge": "b", "nonce": "x", "session_id": 2147483648}', "session_id"),
    ('{"badge": "b", "nonce": "x", "session_id": -1}', "session_id"),
    ('{"badge": "b", "nonce": "x", "session_id": 1.5}', "session_id"),
    ('{"badge": "b", "nonce": "x", "session_id": true}', "session_id"),
    ('{"badge": "\\ud800", "nonce": "x"}', "badge"),
    ('{"badge": "b", "nonce": "\\udfff"}', "nonce"),
    ('{"badge": "K7Q4M-9XD\\u00c9P", "nonce": "x"}', "badge"),
    ('{"badge": "b\\u0000", "nonce": "x"}', "badge"),
    ('{"badge": ["K7Q4M9XD2P"], "nonce": "x"}', "badge"),
    ('{"badge": {"code": 1}, "nonce": "x"}', "badge"),
    ('{"badge": 12345, "nonce": "x"}', "badge"),
    ('{"badge": "b", "nonce": 7}', "nonce"),
    ('{"badge": "b", "nonce": "' + "n" * 65 + '"}', "nonce"),
    ('{"badge": "b", "nonce": "x", "scanned_at": 5}', "scanned_at"),
    ('{"badge": "b", "nonce": "x", "scanned_at": "0001-01-01T00:00:00+14:00"}', "scanned_at"),
    ('{"badge": "b", "nonce": "x", "scanned_at": "2024-10-28T08:00:00\\ud800"}', "scanned_at"),
    ("[" * 100_000 + "]" * 100_000, "body"),
    ('{"a":' * 100_000 + "1" + "}" * 100_000, "body"),
    ('["badge", "nonce"]', "body"),
    ('"badge"', "body"),
    ("{\"badge\": \"b\", \"nonce\": ", "body"),
]


@pytest.mark.parametrize("body, field", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_input_answers_400_json_naming_the_field(app, client, scanner, body, field):
    response = client.post("/api/v1/checkins", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {scanner['token']}"})
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert conforms(response).json["field"] == field
    with app.app_context():
        from bimtek.attendance.models import Attendance

        assert db.session.query(Attendance).count() == 0


def test_the_openapi_document_says_what_is_refused(client):
    request_schema = OPENAPI["paths"]["/checkins"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["properties"]
    assert request_schema["session_id"]["maximum"] == 2**31 - 1
    assert request_schema["badge"]["pattern"] == request_schema["nonce"]["pattern"]
    refused = OPENAPI["paths"]["/checkins"]["post"]["responses"]["400"]["description"]
    assert "lone surrogate" in refused and "nested too deep" in refused
