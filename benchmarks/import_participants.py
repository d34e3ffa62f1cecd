"""How long importing the reference course's 400 participants from an XLSX file takes.

Builds a 400-row workbook in memory (PPK, Panwaslu, Kesbangpol and Satpol PP members over
the 18 kecamatan of Kutai Timur), then previews and applies it into fresh courses on a
temporary SQLite database built by the migrations. Beside it, measured in the same run:
reading the same workbook with openpyxl alone, and inserting 400 plain rows with one
executemany, so the figures can be compared across machines. Prints; never fails a build.

    .venv/bin/python benchmarks/import_participants.py      (or: make bench)
"""
from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bimtek import create_app  # noqa: E402
from bimtek.courses import services as course_services  # noqa: E402
from bimtek.courses.models import Course, CourseRegion  # noqa: E402
from bimtek.extensions import db  # noqa: E402
from bimtek.institutions.services import save_institution  # noqa: E402
from bimtek.regions.services import find_area  # noqa: E402
from bimtek.registration.spreadsheet import (  # noqa: E402
    apply_participants,
    preview_participants,
)
from tests.factories import seed_regions  # noqa: E402

ROWS = 400
ROUNDS = 3
REGION = "64.08"
HEADER = ["Gelar Depan", "Nama", "Gelar Belakang", "NIK", "NIP", "Jenis Kelamin",
          "Pangkat/Golongan", "Jabatan", "Instansi", "Unsur", "Kecamatan", "No HP", "Email"]
# (institution short name, full name, unit, civil servants?)
GROUPS = [
    ("PPK", "Panitia Pemilihan Kecamatan", "PPK", False),
    ("Panwaslu Kecamatan", "Panitia Pengawas Pemilihan Umum Kecamatan",
     "Panwaslu Kecamatan", False),
    ("Kesbangpol Kutim", "Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Timur",
     "Kesbangpol", True),
    ("Satpol PP Kutim", "Satuan Polisi Pamong Praja Kabupaten Kutai Timur", "Satpol PP",
     True),
]
FIRST_NAMES = ["Ahmad", "Budi", "Siti", "Rina", "Andi", "Dewi", "Muhammad", "Nur", "Agus",
               "Sri", "Hendra", "Yuliana", "Rahmat", "Fitri", "Syamsul", "Hasanah"]
LAST_NAMES = ["Santoso", "Wahyuni", "Rahman", "Hidayat", "Lestari", "Saputra", "Nurhalizah",
              "Kurniawan", "Pratiwi", "Setiawan", "Ma'ruf", "Al-Bugis", "Simanjuntak"]
RANKS = ["Penata Muda, III/a", "Penata Muda Tk. I, III/b", "Penata, III/c", "Pembina, IV/a"]


def participant_rows(kecamatan: list[str]) -> list[list]:
    """Valid, varied rows: NIKs from the kecamatan codes, NIPs agreeing with them, phones
    written the ways people write them (including Excel's number without its 0)."""
    rng = random.Random(2024)
    rows = []
    for serial in range(1, ROWS + 1):
        short_name, _name, unit, civil_servant = GROUPS[serial % len(GROUPS)]
        district = (serial % len(kecamatan)) + 1
        woman = rng.random() < 0.4
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(35 * 365))
        nik = (f"6408{district:02d}{born.day + 40 if woman else born.day:02d}"
               f"{born.month:02d}{born.year % 100:02d}{serial:04d}")
        nip = (f"{born:%Y%m%d}{born.year + 25}{rng.randint(1, 12):02d}{2 if woman else 1}"
               f"{serial % 1000 or 1:03d}") if civil_servant else ""
        mobile = f"812{rng.randrange(10**8):08d}"
        phone = rng.choice([f"0{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
                            f"+62 {mobile[:3]} {mobile[3:7]} {mobile[7:]}", int(mobile)])
        rows.append([
            rng.choice(["", "", "", "Drs.", "H."]),
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            rng.choice(["", "", "S.Sos.", "S.H.", "S.IP., M.Si."]),
            nik, nip, "P" if woman else "L",
            rng.choice(RANKS) if civil_servant else "",
            "Anggota" if not civil_servant else rng.choice(["Staf", "Kepala Seksi"]),
            short_name, unit, kecamatan[district - 1] if not civil_servant else "",
            phone, f"peserta{serial}@example.id" if serial % 3 else "",
        ])
    return rows


def workbook_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def best_of(rounds: int, work) -> float:
    """The fastest of `rounds` runs of work(round), in seconds."""
    times = []
    for round_number in range(rounds):
        started = time.perf_counter()
        work(round_number)
        times.append(time.perf_counter() - started)
    return min(times)


def new_course(round_number: int) -> Course:
    return course_services.save_course(
        None, code=f"BENCH-{round_number + 1}", title="Bimtek KSP (benchmark)",
        starts_on=date(2024, 10, 28), ends_on=date(2024, 11, 1), timezone="Asia/Makassar",
        capacity=ROWS)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SECRET_KEY": "benchmark",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"},
                         instance_path=Path(folder) / "instance")
        with app.app_context():
            upgrade()
            return run()


def run() -> int:
    seed_regions()
    region = find_area(REGION)
    for short_name, name, _unit, _civil_servant in GROUPS:
        save_institution(None, name=name, short_name=short_name)
    data = workbook_bytes(participant_rows([k.name for k in region.kecamatan]))
    courses = [new_course(round_number) for round_number in range(ROUNDS)]
    for course in courses:
        course.areas = [CourseRegion.of(region)]
    db.session.commit()

    previews = {}

    def preview(round_number: int) -> None:
        previews[round_number] = preview_participants(
            courses[round_number], "peserta.xlsx", data, waitlist=False)

    preview_seconds = best_of(ROUNDS, preview)
    if not previews[0].ok:
        print("The benchmark's own file has errors; figures not measured:", file=sys.stderr)
        for _row, message in previews[0].errors[:10]:
            print(f"  {message}", file=sys.stderr)
        return 0

    def apply(round_number: int) -> None:
        apply_participants(courses[round_number], previews[round_number])
        db.session.commit()  # as the confirming request does at its end

    apply_seconds = best_of(ROUNDS, apply)

    def read_with_openpyxl(_round_number: int) -> None:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        list(workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()

    read_seconds = best_of(ROUNDS, read_with_openpyxl)
    plain = sa.Table(f"bench_plain_{time.monotonic_ns()}", sa.MetaData(),
                     sa.Column("id", sa.Integer, primary_key=True),
                     *(sa.Column(f"c{index}", sa.String) for index in range(len(HEADER))))
    plain.create(db.engine)
    plain_rows = [{f"c{index}": str(value) for index, value in enumerate(row)}
                  for row in participant_rows([k.name for k in region.kecamatan])]

    def insert_plain(_round_number: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(plain.insert(), plain_rows)

    insert_seconds = best_of(ROUNDS, insert_plain)

    print(f"Participants import, {ROWS} rows from XLSX, SQLite "
          f"(best of {ROUNDS}, {time.strftime('%Y-%m-%d %H:%M')})")
    for label, seconds in (("preview (read and check)", preview_seconds),
                           ("apply (register)", apply_seconds),
                           ("preview + apply", preview_seconds + apply_seconds)):
        print(f"  {label:<26}{seconds:8.3f} s {ROWS / seconds:9.0f} rows/s")
    print("Reference, same run")
    for label, seconds in (("openpyxl read alone", read_seconds),
                           (f"executemany {ROWS} rows", insert_seconds)):
        print(f"  {label:<26}{seconds:8.3f} s {ROWS / seconds:9.0f} rows/s")
    print(f"  preview / openpyxl read {preview_seconds / read_seconds:9.1f} x")
    print(f"  apply / executemany     {apply_seconds / insert_seconds:9.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
