"""Check-in under the morning rush: 400 badges scanned at eight desks at once, and scanners
sending their queues again, on SQLite and PostgreSQL (CI runs this file on both). The
same badge at two desks at once is in test_check_in.py."""
import fcntl
import os
import threading
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bimtek.attendance.models import Attendance, AttendanceStatus
from bimtek.attendance.scanning import CheckInResult, check_in
from bimtek.courses import services as course_services
from bimtek.courses.agenda import SessionInput, add_session, add_sessions
from bimtek.courses.models import SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.attendance.factories import scanner_token as scanner_token_of
from tests.factories import make_course
from tests.registration.factories import participant

PARTICIPANTS = 400
DESKS = 8
COURSE_CODE = "KSP-KUTIM-2024"
# The opening session, 08.00–09.30 WITA on Monday 28 October 2024 (00.00 UTC).
STARTS = datetime(2024, 10, 28, 0, 0)


def scan_time(serial: int) -> datetime:
    """Scans from 07.50 to 08.16 WITA, four seconds apart: the last ones are late."""
    return STARTS - timedelta(minutes=10) + timedelta(seconds=4 * serial)


@pytest.fixture
def queue(app):
    """The scans of every registered participant: (badge, nonce, scan time)."""
    with app.app_context():
        course = make_course(COURSE_CODE, capacity=PARTICIPANTS)
        add_session(course, SessionInput(
            day=date(2024, 10, 28), starts_at=time(8, 0), ends_at=time(9, 30),
            title="Kebijakan tahapan Pilkada", kind=SessionKind.MATERIAL))
        ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK").id
        registrations = services.register_many(course, [
            services.check_participant(course, participant(n, ppk))
            for n in range(1, PARTICIPANTS + 1)])
        return [(r.badge_code, f"scan-{serial}", scan_time(serial))
                for serial, r in enumerate(registrations)]


def at_once(app, batches, scan) -> list:
    """Runs scan(course, item) for every item, one thread with its own app context per
    batch, all starting together; the answers come back in the batches' order."""
    barrier = threading.Barrier(len(batches))
    answers = [[] for _ in batches]
    errors = []

    def desk(number):
        with app.app_context():
            course = course_services.find_course(COURSE_CODE)
            db.session.commit()  # hand the connection back while waiting
            barrier.wait()
            try:
                answers[number] = [scan(course, item) for item in batches[number]]
                db.session.commit()  # as each request does at its end
            except Exception as error:  # noqa: BLE001 — collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return [answer for batch in answers for answer in batch]


def by_desk(items: list) -> list[list]:
    return [items[desk::DESKS] for desk in range(DESKS)]


def scanner_token(app) -> str:
    with app.app_context():
        return scanner_token_of(course_services.find_course(COURSE_CODE), "Meja 1")[1]


def records(app) -> dict[str, tuple]:
    """Every attendance record by nonce: who, which session, when and how."""
    with app.app_context():
        return {nonce: rest for nonce, *rest in db.session.execute(select(
            Attendance.nonce, Attendance.registration_id, Attendance.session_id,
            Attendance.happened_at, Attendance.status))}


def test_eight_desks_check_in_four_hundred_badges_at_once(app, queue):
    def scan(course, item):
        badge, nonce, scanned_at = item
        return check_in(course, badge, nonce=nonce, scanner="token:1",
                        scanned_at=scanned_at).result

    assert at_once(app, by_desk(queue), scan) == [CheckInResult.OK] * PARTICIPANTS
    stored = records(app)
    assert set(stored) == {nonce for _badge, nonce, _at in queue}
    assert len({registration for registration, *_ in stored.values()}) == PARTICIPANTS
    # Judged by each scan's own time, whichever desk got to the database first.
    assert {nonce: (happened_at, status) for nonce, (_r, _s, happened_at, status)
            in stored.items()} == {
        nonce: (at, AttendanceStatus.TERLAMBAT if at > STARTS + timedelta(minutes=15)
                else AttendanceStatus.HADIR) for _badge, nonce, at in queue}


def test_a_queue_sent_again_changes_nothing(app, queue):
    """A scanner that lost its connection sends its whole queue again while the first
    upload is still going, and once more later: every answer is the first outcome."""
    token = scanner_token(app)
    clients = {}

    def upload(_course, item):
        badge, nonce, scanned_at = item
        client = clients.setdefault(threading.get_ident(), app.test_client())
        response = client.post("/api/v1/checkins", headers={
            "Authorization": f"Bearer {token}"}, json={
            "badge": badge, "nonce": nonce, "scanned_at": f"{scanned_at.isoformat()}+00:00"})
        return response.status_code, response.json["result"], response.json["status"], \
            response.json["checked_in_at"]

    first_two = at_once(app, by_desk(queue) + by_desk(queue), upload)
    assert {status_code for status_code, *_ in first_two} == {201}
    assert {result for _code, result, *_ in first_two} == {"ok"}
    stored = records(app)
    assert len(stored) == PARTICIPANTS
    assert {status for *_, status in stored.values()} == {AttendanceStatus.HADIR,
                                                          AttendanceStatus.TERLAMBAT}

    again = at_once(app, by_desk(queue), upload)
    assert again == first_two[:PARTICIPANTS] == first_two[PARTICIPANTS:]
    assert records(app) == stored
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == PARTICIPANTS


@contextmanager
def scans_held_back(app, seconds: float):
    """On SQLite, the writers' lock file is held for `seconds` once the block starts, so
    the scans sent meanwhile wait and are then committed together."""
    with app.app_context():
        database = db.engine.url.database if db.engine.dialect.name == "sqlite" else None
    if database is None:
        yield
        return
    descriptor = os.open(f"{database}-scans.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    release = threading.Timer(seconds, fcntl.flock, (descriptor, fcntl.LOCK_UN))
    release.start()
    try:
        yield
    finally:
        release.join()
        os.close(descriptor)


def test_a_scan_the_database_refuses_fails_alone(app, queue):
    """Scans that arrive together are committed together on SQLite: one the database
    refuses (said to be recorded by a user who does not exist) fails on its own, and
    the others are recorded."""
    scans = queue[:DESKS]
    refused = scans[3]

    def scan(course, item):
        badge, nonce, scanned_at = item
        try:
            return check_in(course, badge, nonce=nonce, scanner="token:1",
                            scanned_at=scanned_at,
                            by=SimpleNamespace(id=10**6) if item == refused else None).result
        except IntegrityError:
            return "refused"

    with scans_held_back(app, 0.5):
        answers = at_once(app, [[item] for item in scans], scan)
    assert answers == [CheckInResult.OK] * 3 + ["refused"] + [CheckInResult.OK] * 4
    assert set(records(app)) == {nonce for _badge, nonce, _at in scans if _badge != refused[0]}


def test_a_scan_costs_the_same_few_queries_however_long_the_agenda(app, client, queue,
                                                                  count_queries):
    """One round trip for the scan itself: the device with its course, then one
    INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING that finds the participant and the
    session, records the scan and returns what the answer shows."""
    token = scanner_token(app)
    with app.app_context():
        course = course_services.find_course(COURSE_CODE)
        add_sessions(course, [SessionInput(
            day=day, starts_at=time(hour, 0), ends_at=time(hour, 45), title=f"Materi {hour}",
            kind=SessionKind.MATERIAL) for day in course.days for hour in range(10, 16)])
    (badge, nonce, scanned_at), *_ = queue
    with count_queries() as scan:
        response = client.post("/api/v1/checkins", headers={
            "Authorization": f"Bearer {token}"}, json={
            "badge": badge, "nonce": nonce, "scanned_at": f"{scanned_at.isoformat()}+00:00"})
    assert response.status_code == 201
    assert (response.json["session"]["title"], response.json["status"]) == (
        "Kebijakan tahapan Pilkada", "hadir")
    assert response.json["participant"]["number"] == 1
    assert scan.count <= 2
