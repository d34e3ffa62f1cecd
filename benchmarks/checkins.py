"""How fast the scanner API takes the morning rush, next to a bare insert over HTTP.

Seeds the demo data into a temporary SQLite database built by the migrations (the finished
reference course with its week of attendance, and the live batch of 400 participants), adds
a session in progress now to the live batch and issues a scanner token. Then serves the app
with gunicorn as `make run` does (one worker, 8 threads; then one worker per core) and
sends the 400 badges to POST /api/v1/checkins from 8 clients at once, each over one
keep-alive connection. In the
same run, the same 400 requests go to benchmarks/reference_insert_app.py, a bare WSGI app
doing one SQLite insert, served the same way. Prints throughput and latency of both, their
ratio against the aim, and the attendance records the database holds; never fails a build.

    .venv/bin/python benchmarks/checkins.py      (or: make bench)
"""
from __future__ import annotations

import http.client
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from _harness import run_without_failing

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import served  # noqa: E402

CLIENTS = 8
# `make run`'s server settings.
GUNICORN_OPTIONS = ("--threads", "8", "--access-logfile", "-")
AIM_RATIO = 0.5  # of the reference's throughput
AIM_P95_MS = 25


@dataclass
class Rush:
    seconds: float
    latencies: list[float]  # seconds, one per request
    answers: Counter  # (HTTP status, result) → requests

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile_ms(self, percent: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[percent - 1] \
            * 1000

    def line(self, label: str) -> str:
        return (f"  {label:<34}{self.throughput:8.0f} check-ins/s   p50 "
                f"{self.percentile_ms(50):6.1f} ms   p95 {self.percentile_ms(95):6.1f} ms")


def rush(port: int, path: str, bodies: list[bytes], headers: dict) -> Rush:
    """Every body POSTed once, CLIENTS at a time, each client on its own connection."""
    barrier = threading.Barrier(CLIENTS)
    latencies, answers, started, finished = [], Counter(), [], []
    lock = threading.Lock()

    def client(share: list[bytes]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/healthz")  # connect before the clock starts
        connection.getresponse().read()
        mine = []
        barrier.wait()
        started.append(time.perf_counter())
        for body in share:
            before = time.perf_counter()
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            answer = json.loads(response.read())
            mine.append((time.perf_counter() - before, (response.status, answer["result"])))
        finished.append(time.perf_counter())
        connection.close()
        with lock:
            latencies.extend(latency for latency, _answer in mine)
            answers.update(answer for _latency, answer in mine)

    threads = [threading.Thread(target=client, args=(bodies[n::CLIENTS],))
               for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Rush(max(finished) - min(started), latencies, answers)


def prepare_app(database_url: str, instance: Path) -> tuple[str, list[str]]:
    """The demo data, a session in progress now in the live batch, and a scanner token.
    Returns the token and the live batch's badges."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from bimtek import create_app
    from bimtek.attendance.devices import issue_device_token
    from bimtek.courses import services as course_services
    from bimtek.courses.agenda import SessionInput, add_session
    from bimtek.courses.models import SessionKind
    from bimtek.demo.data.courses import DEMO_COURSE_CODE
    from bimtek.demo.seed import seed
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "benchmark"},
                     instance_path=instance)
    with app.app_context():
        upgrade()
        seed(app.config["DEMO_PASSWORD"])
        course = course_services.find_course(DEMO_COURSE_CODE)
        now = datetime.now(ZoneInfo(course.timezone))
        add_session(course, SessionInput(
            day=now.date(), starts_at=max(clock(0), (now - timedelta(minutes=10)).time()),
            ends_at=clock(23, 59), title="Sesi uji beban", kind=SessionKind.MATERIAL, jp=2))
        _device, token = issue_device_token(course, "Meja 1")
        badges = list(db.session.scalars(select(Registration.badge_code).where(
            Registration.course_id == course.id).order_by(Registration.number)))
        db.engine.dispose()
    return token, badges


def attendance_counts(database_url: str, instance: Path) -> tuple[int, int]:
    """Attendance records of the live batch, and in the whole database."""
    from sqlalchemy import func, select

    from bimtek import create_app
    from bimtek.attendance.models import Attendance
    from bimtek.courses.models import Course, Session
    from bimtek.demo.data.courses import DEMO_COURSE_CODE
    from bimtek.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "benchmark"},
                     instance_path=instance)
    with app.app_context():
        live = db.session.scalar(select(func.count()).select_from(Attendance).join(
            Session).join(Course).where(Course.code == DEMO_COURSE_CODE))
        everything = db.session.scalar(select(func.count()).select_from(Attendance))
        db.engine.dispose()
    return live, everything


def measure(workers: int) -> tuple[Rush, Rush, int, int, int]:
    """Both servers with `workers` gunicorn workers of 8 threads, on fresh databases."""
    options = ("--workers", str(workers))
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        database_url = f"sqlite:///{folder / 'bimtek.db'}"
        token, badges = prepare_app(database_url, folder / "instance")
        bodies = [json.dumps({"badge": badge, "nonce": f"bench-{number}"}).encode()
                  for number, badge in enumerate(badges)]
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

        reference_database = folder / "reference.db"
        with sqlite3.connect(reference_database) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE checkin (id INTEGER PRIMARY KEY, badge TEXT "
                               "NOT NULL, nonce TEXT NOT NULL UNIQUE, received_at TEXT NOT NULL)")
        with served("reference_insert_app:app",
                    {"REFERENCE_DATABASE": str(reference_database)}, *GUNICORN_OPTIONS,
                    "--pythonpath", str(ROOT / "benchmarks"), *options) as port:
            reference = rush(port, "/checkins", bodies, headers)
        with served("app:app", {"DATABASE_URL": database_url, "SECRET_KEY": "benchmark"},
                    *GUNICORN_OPTIONS, *options) as port:
            bimtek = rush(port, "/api/v1/checkins", bodies, headers)
        live, everything = attendance_counts(database_url, folder / "instance")
    return bimtek, reference, len(bodies), live, everything


def main() -> None:
    # The demo batch is in WITA, and a session ends on the day it starts.
    if datetime.now(ZoneInfo("Asia/Makassar")).time() >= clock(23, 50):
        print("checkins: too close to midnight WITA for a session in progress; run again "
              "after it")
        return
    # `make run`'s one worker, then one worker per core (WEB_CONCURRENCY in the README).
    for workers in dict.fromkeys((1, os.cpu_count() or 1)):
        bimtek, reference, sent, live, everything = measure(workers)
        ratio = bimtek.throughput / reference.throughput
        met = ratio >= AIM_RATIO and bimtek.percentile_ms(95) < AIM_P95_MS
        print(f"checkins: {sent} badges from {CLIENTS} clients "
              f"at once, gunicorn {workers} worker(s) × 8 threads, SQLite "
              f"({time.strftime('%Y-%m-%d %H:%M')})")
        print(bimtek.line("POST /api/v1/checkins (Bimtek)"))
        print(reference.line("bare WSGI + 1 insert (reference)"))
        print(f"  throughput Bimtek / reference {ratio:6.2f}; aim ≥ {AIM_RATIO} and p95 < "
              f"{AIM_P95_MS} ms: {'met' if met else 'NOT met'}")
        print(f"  answers: {dict(bimtek.answers)}; attendance records: {live} in the live "
              f"batch (expected {sent}), {everything} in the database")


if __name__ == "__main__":
    run_without_failing("checkins", main)
