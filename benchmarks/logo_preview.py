"""How long a certificate preview takes with the largest logos the checks accept, next to
an ordinary PNG logo measured in the same run, and how quickly a logo that would stall the
renderer is refused.

Every certificate of a batch draws the logo, so the aim (issue 18) is: any accepted logo
renders a preview in under 1 s. The reference is the same preview with an ordinary
1200 × 600 PNG logo. Prints figures; never fails a build.

    .venv/bin/python benchmarks/logo_preview.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from _harness import run_without_failing

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS = 3
AIM_SECONDS = 1.0


def _best_of(action) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    from flask_migrate import upgrade

    from bimtek import create_app
    from bimtek.certificates import logos, rendering
    from bimtek.errors import ValidationError
    from tests.factories import make_course
    from tests.support import hostile_files

    accepted = {
        "PNG 1200 × 600 (reference)": hostile_files.png((1200, 600), "navy"),
        f"SVG of {logos.MAX_SVG_ELEMENTS:,} elements": hostile_files.svg_of_elements(
            logos.MAX_SVG_ELEMENTS),
        f"SVG drawing one shape {logos.MAX_SVG_USES} times by <use>":
            hostile_files.svg_of_uses(logos.MAX_SVG_USES),
        f"SVG {logos.MAX_SVG_DEPTH} levels deep": hostile_files.deep_svg(
            logos.MAX_SVG_DEPTH),
    }
    refused = {"SVG with <use> nested 4 levels of 10 (1.2 KB)": hostile_files.nested_use_svg(4),
               "SVG of 15,000 elements (under 1 MB)": hostile_files.svg_of_elements(15_000)}
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                          "SECRET_KEY": "benchmark", "FILES_DIR": f"{folder}/files"},
                         instance_path=folder)
        with app.app_context():
            upgrade()
            course = make_course("BENCH-LOGO-2026")
            rendering.preview_pdf(course)  # WeasyPrint's fonts and caches loaded
            print(f"Certificate preview with each logo, best of {ROUNDS}:")
            reference = None
            for label, data in accepted.items():
                logos.save_logo(course, "logo", data)
                seconds = _best_of(lambda: rendering.preview_pdf(course))
                reference = reference or seconds
                verdict = "meets" if seconds < AIM_SECONDS else "MISSES"
                print(f"  {label:48} {seconds * 1000:7.0f} ms  {seconds / reference:4.2f}× "
                      f"the reference; {verdict} the aim of {AIM_SECONDS:.0f} s")
            print("Refused at upload:")
            for label, data in refused.items():
                started = time.perf_counter()
                try:
                    logos.logo_format(data)
                    outcome = "ACCEPTED"
                except ValidationError as error:
                    outcome = f"refused: {error.message[:60]}…"
                print(f"  {label:48} {(time.perf_counter() - started) * 1000:7.1f} ms  "
                      f"{outcome}")


if __name__ == "__main__":
    run_without_failing("logo_preview", main)
