"""What judging a hostile upload costs, next to reading an ordinary one.

Builds the hostile files that tests/test_abuse_uploads.py checks the messages of (their
builders are in tests/support/hostile_files.py): a 250 MB zip bomb, a workbook packed some 300 to 1,
a zip declaring 4 KB for a sheet of 250 MB, a workbook with one row numbered 5,000,000,
one of 100,000 one-cell rows, 400 rows above 20,000 formatted but empty rows, 10,000 rows
with a cell in column XFD, a 15.5 MB CSV of too many rows, and two PNG logos: one with a
50 MB compressed comment, one declaring 30000 × 30000 pixels. Each is judged as the app
judges an upload, by bimtek.spreadsheets.read_table or
bimtek.certificates.logos.logo_format, in a fresh Python process of its own, which
reports:

  seconds   wall time, the best of ROUNDS judgements;
  peak RSS  how far the process's resident memory rose above what it was just before the
            first judgement (Linux's high-water mark, VmHWM, reset beforehand through
            /proc/self/clear_refs, else the growth of ru_maxrss): unlike tracemalloc it
            counts what zlib, expat and Pillow allocate in C;
  heap      the peak of Python's own allocations during one more judgement (tracemalloc,
            which slows the judgement down, so it is not timed).

Reference, same run, same way: the largest ordinary files the limits allow, read_table
reading 9,999 participants as XLSX (built by benchmarks/import_participants.py's builder)
and as CSV, and logo_format judging an ordinary 1200 × 600 PNG logo. Each hostile file's
time and peak RSS are given as a ratio to the reference of its kind. The aim: no hostile
file costs more than AIM_RATIO times the largest honest file, which is what the limits are
for. For scale, not for the aim: the course-sized file, 400 participants. Prints figures;
never fails a build.

    .venv/bin/python benchmarks/hostile_uploads.py      (or: make bench)
"""
from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _harness import run_without_failing

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUNDS = 3
AIM_RATIO = 2  # of the largest honest file's time and peak memory
# Below this, a reference's memory growth is noise (a page here, an arena there): memory
# ratios are taken against at least this much.
MEMORY_FLOOR_MIB = 1.0
TIMEOUT_SECONDS = 300


# --- in the measuring process ------------------------------------------------------------

def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Sets the process's resident-memory high-water mark to what it holds now (Linux 4.0
    and later); False where that cannot be done."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def _judge(kind: str):
    """The function the app judges an upload of `kind` with, and a tiny ordinary file of
    that kind to warm it with (imports done, first-call caches filled)."""
    from bimtek.certificates.logos import logo_format
    from bimtek.spreadsheets import read_table
    from tests.support import hostile_files

    if kind == "logo":
        return logo_format, hostile_files.png()
    filename = f"upload.{kind}"
    tiny = (hostile_files.sheet_of([["Nama", "NIK"], ["Peserta", "6408012810860001"]])
            if kind == "xlsx" else b"Nama;NIK\nPeserta;6408012810860001\n")
    return (lambda data: read_table(filename, data)), tiny


def _outcome(judge, data: bytes) -> str:
    from bimtek.errors import ValidationError

    try:
        result = judge(data)
    except ValidationError as error:
        return f"refused: {error.message}"
    if isinstance(result, str):
        return f"accepted as {result}"
    return f"read: {len(result)} rows"


def measure(kind: str, path: str) -> dict:
    """Runs in a process of its own: the file at `path` judged as an upload of `kind`."""
    import tracemalloc

    judge, tiny = _judge(kind)
    data = Path(path).read_bytes()
    _outcome(judge, tiny)
    gc.collect()
    resettable = _reset_peak()
    rss_before = _status_kib("VmRSS") if resettable else None
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outcome = _outcome(judge, data)
    times = [time.perf_counter() - started]
    if resettable:
        peak_kib = _status_kib("VmHWM") - rss_before
    else:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss_before
    for _round in range(ROUNDS - 1):
        started = time.perf_counter()
        _outcome(judge, data)
        times.append(time.perf_counter() - started)
    gc.collect()
    tracemalloc.start()
    _outcome(judge, data)
    heap = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"outcome": outcome, "seconds": min(times), "first_seconds": times[0],
            "peak_rss_mib": max(peak_kib, 0) / 1024, "heap_mib": heap / 2**20,
            "memory_by": "VmHWM" if resettable else "ru_maxrss"}


# --- in the benchmark's own process ------------------------------------------------------

@dataclass
class Case:
    label: str
    kind: str  # xlsx, csv or logo: how it is judged, and which reference it is held to
    data: bytes
    expected: str  # the start of the outcome the tests hold it to
    reference: bool = True  # the reference of its kind; else shown for scale only


def ordinary_files() -> list[Case]:
    import io

    from PIL import Image, ImageDraw

    from bimtek.regions.services import read_region_data
    from bimtek.spreadsheets import MAX_ROWS
    from tests.support.hostile_files import csv_bytes

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from import_participants import HEADER, REGION, ROWS, participant_rows, workbook_bytes

    kecamatan = [name for _code, _region, name in read_region_data(within=[REGION])[2]]
    rows = participant_rows(kecamatan)
    most = MAX_ROWS - 1  # and the header: the most rows a file may have
    many = [rows[serial % ROWS] for serial in range(most)]
    # Printed 10 cm wide at 300 dpi.
    logo = Image.new("RGBA", (1200, 600), (255, 255, 255, 0))
    drawing = ImageDraw.Draw(logo)
    drawing.ellipse((40, 40, 560, 560), fill=(180, 20, 30, 255), outline=(0, 0, 0, 255),
                    width=16)
    drawing.text((600, 260), "KPU Kabupaten Kutai Timur", fill=(0, 0, 0, 255))
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    return [
        Case(f"ordinary XLSX, {most:,} participants", "xlsx", workbook_bytes(many),
             f"read: {MAX_ROWS} rows"),
        Case(f"ordinary CSV, {most:,} participants", "csv", csv_bytes([HEADER, *many]),
             f"read: {MAX_ROWS} rows"),
        Case("ordinary logo, PNG 1200 × 600", "logo", buffer.getvalue(), "accepted as png"),
        Case(f"ordinary XLSX, {ROWS} participants", "xlsx", workbook_bytes(rows),
             f"read: {ROWS + 1} rows", reference=False),
        Case(f"ordinary CSV, {ROWS} participants", "csv",
             csv_bytes([HEADER, *rows]), f"read: {ROWS + 1} rows", reference=False),
    ]


def hostile_files() -> list[Case]:
    from bimtek.spreadsheets import MAX_ROWS
    from tests.support import hostile_files as built

    too_many = f"refused: The file has more than {MAX_ROWS} rows"
    return [
        Case("zip bomb, 250 MB unpacked", "xlsx", built.zip_bomb(250),
             "refused: The spreadsheet is too large when unpacked"),
        Case("workbook packed ~300:1, 40 MB unpacked", "xlsx", built.zip_bomb(40),
             "refused: The spreadsheet is packed far more tightly"),
        Case("zip declaring 4 KB for a 250 MB sheet", "xlsx", built.lying_zip_bomb(),
             "refused: The file could not be read as an Excel workbook"),
        Case("one row numbered 5,000,000", "xlsx", built.far_row_workbook(5_000_000),
             "refused: The sheet goes on below row"),
        Case("100,000 rows of one cell", "xlsx", built.workbook(
            [built.SHEET_HEAD, *(built.xml_row([f"Peserta {n}"], n) for n in range(1, 100_001)),
             built.SHEET_TAIL]), too_many),
        Case("400 rows, then 20,000 blank formatted", "xlsx",
             built.workbook_with_blank_rows(400, 20_000), "read: 401 rows"),
        Case(f"{MAX_ROWS:,} rows with a cell in column XFD", "xlsx",
             built.last_column_workbook(MAX_ROWS), f"read: {MAX_ROWS} rows"),
        Case("CSV of 15.5 MB, ~390,000 rows", "csv", built.long_csv(15.5), too_many),
        Case("PNG with a 50 MB compressed comment", "logo", built.png_with_comment(50),
             ""),  # accepted or refused as damaged, depending on a switch of Pillow's
        Case("PNG declaring 30000 × 30000 pixels", "logo", built.png_declaring(30000, 30000),
             "refused: The logo is 30000 × 30000 pixels"),
    ]


def run_measure(case: Case, folder: Path) -> dict:
    path = folder / f"{abs(hash(case.label))}.{case.kind}"
    path.write_bytes(case.data)
    process = subprocess.run([sys.executable, __file__, "measure", case.kind, str(path)],
                             capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                             cwd=ROOT)
    path.unlink()
    if process.returncode:
        raise RuntimeError(f"measuring {case.label!r} failed:\n{process.stderr[-2000:]}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def _size(data: bytes) -> str:
    return f"{len(data) / 2**20:.1f} MB" if len(data) >= 2**20 else f"{len(data) / 1024:.0f} KB"


def ratios(result: dict, reference: dict) -> tuple[float, float]:
    """Time and peak RSS as multiples of the reference's."""
    return (result["seconds"] / reference["seconds"],
            result["peak_rss_mib"] / max(reference["peak_rss_mib"], MEMORY_FLOOR_MIB))


def _line(case: Case, result: dict, reference: dict | None) -> str:
    outcome = result["outcome"]
    if case.expected and not outcome.startswith(case.expected):
        outcome = f"UNEXPECTED {outcome}"
    outcome = outcome if len(outcome) <= 60 else outcome[:57] + "..."
    multiples = ""
    if reference is not None:
        time_ratio, memory_ratio = ratios(result, reference)
        multiples = f"  {time_ratio:7.2f}×  {memory_ratio:6.2f}×"
    return (f"  {case.label:<40}{_size(case.data):>9}{result['seconds'] * 1000:9.2f} ms"
            f"{result['peak_rss_mib']:8.1f} MiB{result['heap_mib']:7.1f} MiB{multiples}\n"
            f"    {outcome}")


def main() -> None:
    references = ordinary_files()
    hostile = hostile_files()
    print(f"hostile_uploads: judging uploads, each file in a fresh process "
          f"({time.strftime('%Y-%m-%d %H:%M')}); time best of {ROUNDS}, peak RSS of the "
          f"first judgement, heap = tracemalloc peak")
    print(f"  {'file':<40}{'size':>9}{'time':>12}{'peak RSS':>12}{'heap':>11}"
          f"{'×time':>10}{'×RSS':>8}  (× = ratio to the reference of its kind)")
    measured: dict[str, dict] = {}  # the reference of each kind
    memory_by: set[str] = set()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print("Reference, same run")
        for case in references:
            result = run_measure(case, folder)
            if case.reference:
                measured[case.kind] = result
            memory_by.add(result["memory_by"])
            print(_line(case, result, None if case.reference else measured[case.kind]),
                  flush=True)
        print("Hostile files")
        beyond = []
        for case in hostile:
            try:
                result = run_measure(case, folder)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"  {case.label:<40}not measured: {error}", flush=True)
                beyond.append(f"{case.label} (not measured)")
                continue
            reference = measured[case.kind]
            memory_by.add(result["memory_by"])
            print(_line(case, result, reference), flush=True)
            time_ratio, memory_ratio = ratios(result, reference)
            if max(time_ratio, memory_ratio) > AIM_RATIO:
                beyond.append(f"{case.label} ({time_ratio:.1f}× time, "
                              f"{memory_ratio:.1f}× memory)")
    print(f"hostile_uploads: aim: every hostile file is judged within {AIM_RATIO}× the time "
          f"and peak memory of the largest ordinary file of its kind (memory ratios against "
          f"at least {MEMORY_FLOOR_MIB:.0f} MiB; peak RSS from {', '.join(sorted(memory_by))})"
          f": {'met' if not beyond else 'NOT met'}")
    for label in beyond:
        print(f"  beyond the aim: {label}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
        sys.exit(0)
    run_without_failing("hostile_uploads", main)
