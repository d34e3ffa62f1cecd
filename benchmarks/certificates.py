"""How long issuing a full course's certificates takes, next to two ways of not batching.

Seeds the demo data (the 400-participant reference course) into a temporary SQLite
database, makes all 400 participants eligible and numbers their certificates, then
measures, each in a fresh subprocess so that its memory peak is its own:

  (a) batch   the real renderer (bimtek.certificates.rendering.render_course): builds the
              HTML, renders chunks on all CPU cores, stores one PDF/A per certificate, the
              combined PDF and the ZIP;
  (s) signed  the same batch, each certificate signed (PAdES B-B, visible stamp) in the
              render workers with the demo signatory's key;
  (b) naive   one WeasyPrint call per certificate on the same certificate HTML;
  (c) single  one WeasyPrint document of all 400 certificates in this one process.

The aims (issue 6): (a) at least 5× faster than (b) and no slower than (c); (issue 19)
(s) at most 1.3× as long as (a). Peak memory is
the largest sum of resident memory over the subprocess and its descendants (the render
workers), and CPU the CPU time they used while timed, both sampled from /proc: unlike the
times, CPU hardly changes when other work shares the machine. Prints figures; never fails
a build.

    .venv/bin/python benchmarks/certificates.py
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _harness import run_without_failing

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MEASURES = ("batch", "signed", "single", "naive")
TIMING = "timing starts"  # what a measurement prints as its clock starts
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _app(directory: Path, files: str = "files"):
    from bimtek import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.db",
                       "SECRET_KEY": "benchmark", "FILES_DIR": str(directory / files)},
                      instance_path=directory)


def seed(directory: Path) -> int:
    """The reference course with every registered participant eligible and numbered."""
    from flask_migrate import upgrade

    from bimtek.certificates import services
    from bimtek.certificates.eligibility import eligibility, override_eligibility
    from bimtek.demo.seed import seed as seed_demo

    app = _app(directory)
    with app.app_context():
        upgrade()
        course = seed_demo(app.config["DEMO_PASSWORD"])
        for row in eligibility(course):
            if not row.eligible:
                override_eligibility(row.registration, True, "benchmark")
        return len(services.assign_certificates(course))


def measure(kind: str, directory: Path) -> dict:
    """Runs in its own subprocess: one of the three ways, timed."""
    from bimtek import pdf
    from bimtek.certificates import rendering, services, signatories, storage
    from bimtek.courses.services import find_course
    from bimtek.demo.data.courses import REFERENCE_COURSE_CODE
    from bimtek.extensions import db

    app = _app(directory, files=f"files-{kind}")
    with app.app_context():
        course = find_course(REFERENCE_COURSE_CODE)
        certificates = services.valid_certificates(course)
        root = storage.logo_root(course)
        out = Path(app.config["FILES_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        if kind in ("batch", "signed"):
            key = None
            if kind == "signed":
                # The demo signatory's key file, as the seed stored it.
                shutil.copytree(directory / "files" / "signatories", out / "signatories")
                key = signatories.signing_key(course)
            for certificate in certificates:
                certificate.content_hash = ""
            db.session.commit()
            print(TIMING, flush=True)
            started = time.perf_counter()
            issued = rendering.render_course(course, key=key)
            seconds = time.perf_counter() - started
            count = issued.rendered
        elif kind == "single":
            html = rendering.certificate_html(certificates)
            print(TIMING, flush=True)
            started = time.perf_counter()
            (out / "all.pdf").write_bytes(pdf.render_pdf(html, logo_root=root,
                                                         **rendering.PDF_OPTIONS))
            seconds = time.perf_counter() - started
            count = len(certificates)
        else:
            documents = [rendering.certificate_html([c]) for c in certificates]
            print(TIMING, flush=True)
            started = time.perf_counter()
            for number, html in enumerate(documents):
                (out / f"{number}.pdf").write_bytes(pdf.render_pdf(html, logo_root=root,
                                                                   **rendering.PDF_OPTIONS))
            seconds = time.perf_counter() - started
            count = len(documents)
        db.engine.dispose()
    return {"seconds": seconds, "certificates": count}


def _processes(root_pid: int) -> dict[int, tuple[int, int]]:
    """Resident memory (KiB) and CPU time used so far (clock ticks) of a process and each
    of its descendants, by pid, from /proc."""
    stats: dict[int, tuple[int, int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            # After the command name: state, ppid, …, utime (12th), stime, …, rss (22nd).
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), int(fields[21]) * PAGE_KIB,
                                  int(fields[11]) + int(fields[12]))
    children: dict[int, list[int]] = {}
    for pid, (parent, _rss, _ticks) in stats.items():
        children.setdefault(parent, []).append(pid)
    tree, stack = {}, [root_pid]
    while stack:
        pid = stack.pop()
        if pid in stats:
            tree[pid] = stats[pid][1:]
        stack.extend(children.get(pid, []))
    return tree


def run_measure(kind: str, directory: Path) -> dict:
    """Runs one measurement in a subprocess, sampling the memory and CPU time of it and
    its descendants (the render workers) every 50 ms."""
    process = subprocess.Popen([sys.executable, __file__, "measure", kind, str(directory)],
                               stdout=subprocess.PIPE, text=True)
    peak, ticks, lock, finished = 0, {}, threading.Lock(), threading.Event()

    def sample() -> None:
        nonlocal peak
        while not finished.wait(0.05):
            tree = _processes(process.pid)
            peak = max(peak, sum(rss for rss, _cpu in tree.values()))
            with lock:
                for pid, (_rss, cpu) in tree.items():
                    ticks[pid] = max(ticks.get(pid, 0), cpu)

    def cpu_ticks() -> int:
        with lock:
            return sum(ticks.values())

    sampler = threading.Thread(target=sample)
    sampler.start()
    lines, timed_from = [], 0
    for line in process.stdout:
        if line.strip() == TIMING:
            timed_from = cpu_ticks()
        else:
            lines.append(line)
    process.wait()
    finished.set()
    sampler.join()
    if process.returncode:
        raise RuntimeError(f"the {kind} measurement failed")
    return {**json.loads(lines[-1]), "peak_mib": peak / 1024,
            "cpu_seconds": (cpu_ticks() - timed_from) / os.sysconf("SC_CLK_TCK")}


LABELS = {"batch": "(a) batch, all cores", "signed": "(s) batch, signed (PAdES B-B)",
          "naive": "(b) one call per certificate",
          "single": "(c) one document, 1 core"}


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        started = time.perf_counter()
        count = seed(directory)
        print(f"certificates: demo seed and numbering of {count} certificates "
              f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} CPU cores, load "
              f"average {os.getloadavg()[0]:.1f} (other work on the machine slows the "
              "batch most, as it needs every core)")
        seconds = {}
        for kind in MEASURES:
            result = run_measure(kind, directory)
            seconds[kind] = result["seconds"]
            print(f"certificates: {LABELS[kind]:<30} {result['seconds']:7.2f} s  "
                  f"{result['seconds'] / result['certificates'] * 1000:6.1f} ms/certificate  "
                  f"CPU {result['cpu_seconds']:6.1f} s  peak {result['peak_mib']:5.0f} MiB",
                  flush=True)
    batch, naive, single = seconds["batch"], seconds["naive"], seconds["single"]
    signed = seconds["signed"]
    print(f"certificates: the signed batch takes {signed / batch:.2f}× as long as the "
          f"unsigned one (aim ≤ 1.3×: {'met' if signed <= 1.3 * batch else 'NOT met'})")
    print(f"certificates: the batch is {naive / batch:.1f}× as fast as the naive loop "
          f"(aim ≥ 5×: {'met' if naive / batch >= 5 else 'NOT met'}) and "
          f"{single / batch:.2f}× as fast as one document "
          f"(aim ≥ 1×: {'met' if batch <= single else 'NOT met'}); load average now "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]))))
        sys.exit(0)
    run_without_failing("certificates", main)
