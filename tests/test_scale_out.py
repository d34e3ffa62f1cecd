"""Bimtek run as it is at scale: two gunicorn instances on two ports over one PostgreSQL
database and one Redis, and a Huey consumer rendering certificates from the Redis queue.

The morning rush goes through both instances at once: every badge is scanned once at one
of them, the desk's retry of the same scan (same nonce) reaches the other, and a second
desk scans the same badge again at the other. Meanwhile an organiser, logged in on the
first instance, issues a finished course's certificates and watches the batch on the second.
The records must be exact and the batch must complete in the consumer. Then password
guesses spread over both instances are stopped by the one login limit kept in Redis.

Needs the PostgreSQL server of TEST_DATABASE_URL and the Redis server of TEST_REDIS_URL
(default redis://127.0.0.1:6379/13, a database this test empties): it is collected in the
PostgreSQL run only (marked `postgresql`, see conftest.py), where a missing Redis fails it.
"""
from __future__ import annotations

import hashlib
import http.client
import http.cookiejar
import io
import itertools
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import redis
from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import select

from bimtek.attendance.devices import issue_device_token
from bimtek.attendance.models import Attendance
from bimtek.auth import services as auth_services
from bimtek.auth.models import Role
from bimtek.certificates import storage
from bimtek.certificates.models import BatchStatus, Certificate, CertificateBatch
from bimtek.courses import staff as course_staff
from bimtek.extensions import db
from tests.attendance.factories import course_running_today
from tests.certificates.factories import finished_course
from tests.support.apps import build_app
from tests.support.servers import BIN, running, served
from tests.support.web import TEST_PASSWORD

pytestmark = pytest.mark.postgresql

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
LIVE, FINISHED = "KSP-KUTIM-2024", "BIMTEK-PKS-2024"
BADGES = 400  # the morning queue
CERTIFICATE_PARTICIPANTS = 24  # the last one is below 80%: 23 certificates
CLIENTS_PER_INSTANCE = 4
ORGANISER = "organiser@bimtek.test"
# Each instance as a small production host would run it: two workers of four threads.
GUNICORN_OPTIONS = ("--workers", "2", "--threads", "4")
BATCH_SECONDS = 240
CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
BATCH_STATUS = re.compile(r'data-testid="batch-status" data-status="(\w+)"')


class Deployment:
    """The shared database, Redis, files folder and secret of both instances."""

    def __init__(self, database_url: str, folder: Path):
        self.database_url, self.files = database_url, folder / "files"
        self.app = build_app(database_url, folder / "seed-instance", FILES_DIR=str(self.files))
        self.environment = {
            "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "scale-out-secret", "BIMTEK_FILES_DIR": str(self.files),
            "BIMTEK_TASKS_IMMEDIATE": "0",
        }

    def seed(self) -> tuple[str, int, list[str]]:
        """The live course with BADGES participants and a scanner token, the finished course
        and its organiser. Returns the token, the live session and the badges."""
        with self.app.app_context():
            upgrade()
            _course, session, registrations = course_running_today(
                LIVE, [f"Peserta {n}" for n in range(1, BADGES + 1)], capacity=BADGES)
            _device, token = issue_device_token(registrations[0].course, "Meja 1")
            course = finished_course(CERTIFICATE_PARTICIPANTS, code=FINISHED)
            organiser = auth_services.save_user(None, email=ORGANISER, name="Panitia",
                                                roles=[Role.ORGANISER], password=TEST_PASSWORD)
            course_staff.assign_course(organiser, course, Role.ORGANISER)
            organiser.issuing_institutions = [course.host_institution]  # may issue for it
            db.session.commit()
            scanned = (token, session.id,
                       [registration.badge_code for registration in registrations])
            db.session.remove()
        return scanned

    def query(self, statement):
        with self.app.app_context():
            try:
                return db.session.execute(statement).all()
            finally:
                db.session.remove()


class Browser:
    """An organiser's browser: one cookie jar for every instance on 127.0.0.1, as behind a
    reverse proxy."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, port: int, path: str) -> tuple[str, str]:
        with self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.geturl(), response.read().decode()

    def submit(self, port: int, form_page: str, action: str, **fields) -> tuple[str, str]:
        """POST `fields` to `action` with the CSRF token of `form_page`."""
        _url, html = self.get(port, form_page)
        token = CSRF_FIELD.search(html).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        with self.opener.open(f"http://127.0.0.1:{port}{action}", body, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def log_in(self, port: int, password: str) -> int:
        """The organiser's login attempt: the HTTP status of the answer."""
        try:
            self.submit(port, "/login", "/login", email=ORGANISER, password=password)
        except urllib.error.HTTPError as error:
            return error.code
        return 200


def batch_status(page: str) -> str:
    return BATCH_STATUS.search(page).group(1)


def scan_through(port: int, token: str, scans: list[dict]) -> list[tuple[dict, int, dict]]:
    """POST every scan to the instance on `port`, over one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    answered = []
    for scan in scans:
        connection.request("POST", "/api/v1/checkins", json.dumps(scan), headers)
        response = connection.getresponse()
        answered.append((scan, response.status, json.loads(response.read())))
    connection.close()
    return answered


def rush(ports: tuple[int, int], token: str, scans_per_port: list[list[dict]]
         ) -> list[tuple[dict, int, dict]]:
    """The scans for each port sent by CLIENTS_PER_INSTANCE clients per instance at once."""
    answered, lock = [], threading.Lock()

    def client(port, scans):
        mine = scan_through(port, token, scans)
        with lock:
            answered.extend(mine)

    threads = [threading.Thread(target=client, args=(port, scans[n::CLIENTS_PER_INSTANCE]))
               for port, scans in zip(ports, scans_per_port, strict=True)
               for n in range(CLIENTS_PER_INSTANCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answered


@pytest.fixture
def redis_queue():
    """Redis database REDIS_URL, emptied before and after: the queue and the rate limits."""
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis at {REDIS_URL} is not reachable ({error}); the scale-out test "
                    "needs it: start redis-server or set TEST_REDIS_URL.")
    server.flushdb()
    yield server
    server.flushdb()
    server.close()


def test_two_instances_and_a_consumer_share_one_course(database_factory, tmp_path,
                                                       redis_queue):
    deployment = Deployment(database_factory.create(), tmp_path)
    token, live_session, badges = deployment.seed()
    environment = deployment.environment
    consumer_log = tmp_path / "consumer.log"
    consumer = [str(BIN / "huey_consumer"), "bimtek.worker.huey", "-k", "thread", "-w", "2"]

    with running(consumer, environment, log=consumer_log), \
            served("app:app", environment, *GUNICORN_OPTIONS) as first, \
            served("app:app", environment, *GUNICORN_OPTIONS) as second:
        organiser = Browser()
        assert organiser.log_in(first, TEST_PASSWORD) == 200
        batch_url, _html = organiser.submit(
            first, f"/courses/{FINISHED}/certificates", f"/courses/{FINISHED}/certificates/issue")
        batch_path = urllib.parse.urlsplit(batch_url).path
        assert re.fullmatch(rf"/courses/{FINISHED}/certificates/batches/\d+", batch_path)

        # The session named, as the desk page does: a run at 23:59 WITA still finds it.
        first_scans = [{"badge": badge, "nonce": f"desk-1-{n}", "session_id": live_session}
                       for n, badge in enumerate(badges)]
        answered = rush((first, second), token, [first_scans[0::2], first_scans[1::2]])
        # The desks' retries of those scans, and a second desk scanning every badge again,
        # each through the instance that did not take the first scan.
        second_scans = [{"badge": badge, "nonce": f"desk-2-{n}", "session_id": live_session}
                        for n, badge in enumerate(badges)]
        retried = rush((second, first), token, [first_scans[0::2] + second_scans[0::2],
                                                first_scans[1::2] + second_scans[1::2]])

        deadline = time.monotonic() + BATCH_SECONDS
        while (status := batch_status(organiser.get(second, batch_path)[1])) != "done":
            assert status != "failed", "the batch failed"
            assert time.monotonic() < deadline, f"the batch is still {status}"
            time.sleep(1)

        # Someone guessing the organiser's password at both instances: the failures are
        # counted in Redis, together, so the limit of 5 holds across every worker.
        guesser = Browser()
        guesses = [guesser.log_in(port, f"tebakan-{n}") for n, port in
                   zip(range(5), itertools.cycle((first, second)))]
        refused = [Browser().log_in(port, TEST_PASSWORD) for port in (first, second)]

    assert guesses == [200] * 5 and refused == [429, 429]
    first_answers = {scan["nonce"]: answer for scan, _status, answer in answered}
    assert Counter(status for _scan, status, _answer in answered) == {201: BADGES}
    assert Counter((status, answer["result"]) for _scan, status, answer in retried) == {
        (201, "ok"): BADGES, (200, "already_checked_in"): BADGES}
    for scan, _status, answer in retried:
        if scan["nonce"] in first_answers:
            assert answer == first_answers[scan["nonce"]], "a retry got a different answer"

    records = deployment.query(select(Attendance.registration_id, Attendance.nonce).where(
        Attendance.session_id == live_session))
    assert len(records) == BADGES
    assert len({registration for registration, _nonce in records}) == BADGES
    assert {nonce for _registration, nonce in records} == set(first_answers)

    [batch] = deployment.query(
        select(CertificateBatch.status, CertificateBatch.total, CertificateBatch.done))
    issued = CERTIFICATE_PARTICIPANTS - 1
    assert tuple(batch) == (BatchStatus.DONE, issued, issued)
    assert "run_batch" in consumer_log.read_text(), "the consumer did not run the batch"
    with deployment.app.app_context():
        certificates = db.session.scalars(select(Certificate)).all()
        assert len(certificates) == issued
        for certificate in certificates:
            pdf = (storage.certificate_folder(certificate.course) / certificate.pdf_file
                   ).read_bytes()
            assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
            assert certificate.number in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        db.session.remove()
