"""How long `seed-reference` takes to load Indonesia's regions, next to the bare cost of
the same rows.

In a temporary SQLite database: the first load of the 38 provinces, 514 kabupaten/kota,
7,285 kecamatan and 83,762 desa/kelurahan from data/idn-area-data (the issue allows 15 s),
then a second load (only what is missing: nothing), against, in the same run, reading the
four CSV files with the csv module alone and inserting the same rows with one bare
executemany per table into a fresh database. Prints figures; never fails a build.

    .venv/bin/python benchmarks/regions.py
"""
from __future__ import annotations

import csv
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _harness import run_without_failing

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FILES = ("provinces.csv", "regencies.csv", "districts.csv", "villages.csv")


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _bare(folder: Path, data: Path) -> tuple[float, float]:
    """Seconds to read the files with csv alone, and to insert their rows bare."""
    def read():
        rows = []
        for name in FILES:
            with (data / name).open(encoding="utf-8", newline="") as handle:
                rows.append(list(csv.reader(handle))[1:])
        return rows

    read_time, tables = _timed(read)
    connection = sqlite3.connect(folder / "bare.db")
    connection.execute("PRAGMA journal_mode=WAL")

    def insert():
        for number, rows in enumerate(tables):
            connection.execute(f"CREATE TABLE t{number} (id INTEGER PRIMARY KEY, "
                               "code TEXT UNIQUE, parent TEXT, name TEXT)")
            connection.executemany(f"INSERT INTO t{number} (code, parent, name) VALUES "
                                   "(?, ?, ?)", [(r[0], r[1] if len(r) > 2 else None, r[-1])
                                                 for r in rows])
        connection.commit()

    insert_time, _ = _timed(insert)
    connection.close()
    return read_time, insert_time


def main() -> None:
    from flask_migrate import upgrade

    from bimtek import create_app
    from bimtek.extensions import db
    from bimtek.regions import services

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                          "SECRET_KEY": "bench"}, instance_path=Path(folder) / "instance")
        with app.app_context():
            upgrade()

            def load_and_commit() -> services.LoadReport:
                report = services.load_regions()
                db.session.commit()  # as the command does at its end
                return report

            first, report = _timed(load_and_commit)
            second, again = _timed(load_and_commit)
        read_time, insert_time = _bare(Path(folder), services.DATA_DIR)
    print("Regions of Indonesia (idn-area-data 4.0.1), SQLite:")
    print(f"  first load   {first:6.2f} s   ({report})")
    print(f"  second load  {second:6.2f} s   ({again})")
    print(f"  reference: reading the four CSV files {read_time:5.2f} s, bare executemany "
          f"insert {insert_time:5.2f} s (together {read_time + insert_time:5.2f} s)")
    print(f"  first load is {first / (read_time + insert_time):.1f}x the bare cost; "
          f"the issue allows 15 s")


if __name__ == "__main__":
    run_without_failing("regions", main)
