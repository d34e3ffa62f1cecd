"""How long the badges of a full course take to print, next to WeasyPrint's own cost.

Seeds the demo data (a 400-participant course) into a temporary SQLite database, renders
all 400 badges (50 A4 sheets), and in the same run renders 50 pages of plain text of about
the same amount of text: what is left between the two is the cost of the badge layout and
its QR codes. Prints figures; never fails a build.

    .venv/bin/python benchmarks/badges.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from _harness import run_without_failing

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS = 3  # the best of these is reported: the first round also warms fonts and caches


def _best_of_both(first, second) -> tuple[tuple, tuple]:
    """Each render's best wall-clock and CPU time over ROUNDS rounds, the two taking turns,
    so that other work on a shared machine weighs on both alike. CPU time is this
    process's own: what the render costs, whatever else the cores are doing."""
    best = [[float("inf"), float("inf"), b""], [float("inf"), float("inf"), b""]]
    for _ in range(ROUNDS):
        for slot, render in enumerate((first, second)):
            wall, cpu = time.perf_counter(), time.process_time()
            document = render()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[slot] = [min(best[slot][0], wall), min(best[slot][1], cpu), document]
    return tuple(best[0]), tuple(best[1])


def _pages(document: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(document)).pages)


def _plain_text_html(course, registrations) -> str:
    """The badges' words as plain paragraphs, eight to a page: the same text, no layout."""
    from markupsafe import escape

    from bimtek.i18n import date_range
    from bimtek.registration.badges import BADGES_PER_SHEET

    dates = date_range(course.starts_on, course.ends_on)
    paragraphs = []
    for index, registration in enumerate(registrations):
        page_break = ' style="break-before: page"' if index and \
            index % BADGES_PER_SHEET == 0 else ""
        paragraphs.append(
            f"<p{page_break}>{escape(course.title)}<br>{dates} · {escape(course.city)}<br>"
            f"<b>{escape(registration.full_name)}</b><br>"
            f"{escape(registration.institution.short_name)}<br>{escape(registration.unit)} · "
            f"{escape(registration.kecamatan.name if registration.kecamatan else '')}<br>"
            f"Peserta · Nomor peserta {registration.number}</p>")
    return ('<!doctype html><html><head><meta charset="utf-8"><style>'
            '@page { size: A4 portrait; margin: 10mm }'
            'body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt }'
            '</style></head><body>' + "".join(paragraphs) + "</body></html>")


def main() -> None:
    from flask_migrate import upgrade

    from bimtek import create_app
    from bimtek.demo.seed import seed
    from bimtek.pdf import render_pdf
    from bimtek.registration.badges import badge_selection, badges_pdf

    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.db",
                          "SECRET_KEY": "benchmark"}, instance_path=Path(directory))
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            course = seed(app.config["DEMO_PASSWORD"])
            seeded = time.perf_counter() - started

            started = time.perf_counter()
            registrations = badge_selection(course)
            selected = time.perf_counter() - started
            plain_html = _plain_text_html(course, registrations)
            (badges_seconds, badges_cpu, badges), (plain_seconds, plain_cpu, plain) = \
                _best_of_both(lambda: badges_pdf(course, registrations),
                              lambda: render_pdf(plain_html))
            from bimtek.extensions import db

            db.engine.dispose()

    badge_pages, plain_pages = _pages(badges), _pages(plain)
    badge_per_page, plain_per_page = badges_seconds / badge_pages, plain_seconds / plain_pages
    print(f"badges: demo seed (2 courses × 400 participants, 6 accounts) {seeded:.2f} s; "
          f"selecting {len(registrations)} participants {selected * 1000:.0f} ms")
    print(f"badges: {len(registrations)} badges    {badges_seconds:6.2f} s  {badge_pages:3d} pages"
          f"  {badge_per_page * 1000:6.1f} ms/page  {len(badges) / 1024:7.0f} KiB")
    print(f"badges: plain text ref.  {plain_seconds:6.2f} s  {plain_pages:3d} pages"
          f"  {plain_per_page * 1000:6.1f} ms/page  {len(plain) / 1024:7.0f} KiB")
    cpu_ratio = (badges_cpu / badge_pages) / (plain_cpu / plain_pages)
    print(f"badges: a badge sheet costs {badge_per_page / plain_per_page:.1f}× a page of "
          f"plain text in wall-clock time, {cpu_ratio:.1f}× in CPU time (best of {ROUNDS} "
          "alternating rounds each)")


if __name__ == "__main__":
    run_without_failing("badges", main)
