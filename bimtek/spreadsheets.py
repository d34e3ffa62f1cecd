"""Reading the spreadsheets people send us, XLSX and CSV, and keeping an upload until it is
confirmed.

Reading turns a file into numbered rows of cells by column, whatever program wrote it:
Excel's "CSV UTF-8" with a byte-order mark, plain Windows-1252 CSV with semicolons, a
workbook with a title block above its header, headers in Indonesian or English. Writing
is in spreadsheet_writing.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import secrets
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePath
from typing import TypeVar

import openpyxl
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from bimtek.errors import ValidationError

Cell = str | int | float | date | datetime | time | timedelta | None
T = TypeVar("T")

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)


# --- the columns a kind of file has ----------------------------------------------------

def header_key(value: Cell) -> str:
    """How header cells are compared: case, spacing and punctuation ignored, so 'No. HP',
    'no  hp', 'NoHP' and 'No HP' name the same column."""
    return "".join(ch for ch in cell_text(value).casefold() if ch.isalnum())


class Columns:
    """The columns of one kind of file: for each, its Indonesian header, its English
    header, then other accepted spellings; `required` columns must be present and filled."""

    def __init__(self, spellings: dict[str, tuple[str, ...]], required: Iterable[str] = ()):
        self.spellings = spellings
        self.required = tuple(required)
        self._by_header = {header_key(spelling): name
                           for name, names in spellings.items() for spelling in names}

    def name_of(self, header: Cell) -> str | None:
        return self._by_header.get(header_key(header))

    def with_headers(self, chosen: dict[str, str]) -> Columns:
        """These columns, also known by the headers in `chosen` (header_key → column)."""
        extended = Columns(self.spellings, self.required)
        extended._by_header.update({key: name for key, name in chosen.items()
                                    if name in self.spellings})
        return extended

    def label(self, name: str) -> str:
        """'Tanggal (Date)': the header in both languages, as the messages name a column."""
        spellings = self.spellings[name]
        return f"{spellings[0]} ({spellings[1]})" if len(spellings) > 1 else spellings[0]

    def header(self, name: str) -> str:
        """The header an export writes: the Indonesian one."""
        return self.spellings[name][0]


# --- reading a file --------------------------------------------------------------------

@dataclass
class RawRow:
    """One data row as read: its row number in the spreadsheet and its cells by column."""

    row: int
    cells: dict[str, Cell]


@dataclass
class Sheet:
    """A file's data rows, and the headers of its columns that no column is known by."""

    rows: list[RawRow]
    unknown_headers: list[str]


def read_sheet(filename: str, data: bytes, columns: Columns, *, no_rows_message: str
               ) -> Sheet:
    """The non-empty rows below the header row (the first that names a known column) of a
    .xlsx file's first sheet or of a .csv file, and the headers `columns` does not know.
    Raises ValidationError when the file as a whole cannot be used: wrong type, unreadable,
    a required column missing, or no rows (`no_rows_message`)."""
    return _data_rows(read_table(filename, data), columns, no_rows_message)


def read_rows(filename: str, data: bytes, columns: Columns, *, no_rows_message: str
              ) -> list[RawRow]:
    """read_sheet's rows; columns the file has but `columns` does not know are left out."""
    return read_sheet(filename, data, columns, no_rows_message=no_rows_message).rows


# Bounds on what one uploaded file may make us read. A list of 2,000 participants is
# about 1.4 MB of sheet XML, packed some 11 times; anything far beyond is not a list of
# people but a file made to exhaust the server's memory (a "zip bomb").
MAX_ROWS = 10_000
# Blank rows (Excel keeps those it has formatted) don't count as rows, up to this row.
MAX_SHEET_ROWS = 10 * MAX_ROWS
# Columns beyond this are not read: no file of ours has half as many.
MAX_COLUMNS = 100
MAX_UNPACKED_MB = 50
# Real sheets pack 10 to 20 times; a zip bomb's ratio runs into the hundreds (deflate
# stops near 1,000).
MAX_PACKING_RATIO = 100
_RATIO_CHECKED_FROM = 1024 * 1024


def read_table(filename: str, data: bytes) -> list[Sequence[Cell]]:
    """Every row of the file, the type chosen by the file name's extension; at most
    MAX_ROWS rows of at most MAX_COLUMNS cells, or ValidationError."""
    readers = {f".{XLSX}": _xlsx_table, f".{CSV}": _csv_table}
    reader = readers.get(PurePath(filename).suffix.lower())
    if reader is None:
        raise ValidationError(
            _("%(name)s is neither an Excel workbook (.xlsx) nor a CSV file (.csv).",
              name=filename), field="file")
    return reader(data)


def _check_packing(data: bytes) -> None:
    """Refuses a workbook that would unpack to too much, judged by the sizes its zip
    directory declares (which is all that is ever unpacked: Python's zipfile stops at the
    declared size), before any of it is unpacked."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as error:  # not a zip, or a damaged one
        raise ValidationError(_("The file could not be read as an Excel workbook (.xlsx)."),
                              field="file") from error
    if sum(member.file_size for member in members) > MAX_UNPACKED_MB * 1024 * 1024:
        raise ValidationError(_("The spreadsheet is too large when unpacked (more than "
                                "%(limit)d MB); remove what is not needed or split it.",
                                limit=MAX_UNPACKED_MB), field="file")
    if any(member.file_size >= _RATIO_CHECKED_FROM
           and member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1)
           for member in members):
        raise ValidationError(_("The spreadsheet is packed far more tightly than a real one "
                                "can be; it is not read. Save it again from Excel."),
                              field="file")


def _xlsx_table(data: bytes) -> list[Sequence[Cell]]:
    _check_packing(data)
    unreadable = ValidationError(_("The file could not be read as an Excel workbook (.xlsx)."),
                                 field="file")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged workbook fails in many different ways
        raise unreadable from error
    try:
        sheet = workbook.worksheets[0]
        # Some programs record a wrong sheet size; read every row that is there instead.
        sheet.reset_dimensions()
        # openpyxl fills gaps in the row numbers only up to max_row.
        return _bounded(sheet.iter_rows(max_row=MAX_SHEET_ROWS + 1, max_col=MAX_COLUMNS,
                                        values_only=True))
    except ValidationError:
        raise
    except Exception as error:
        raise unreadable from error
    finally:
        workbook.close()


def _csv_table(data: bytes) -> list[Sequence[Cell]]:
    unreadable = ValidationError(_("The file could not be read as CSV text."), field="file")
    if b"\x00" in data:
        # Not text, or text in UTF-16 ("Unicode Text"); and PostgreSQL stores no NUL.
        raise unreadable
    # Excel saves "CSV UTF-8" with a byte-order mark and plain "CSV" in Windows-1252; the
    # mark goes first because some tools put it before Windows-1252 text too.
    data = data.removeprefix(codecs.BOM_UTF8)
    for encoding in ("utf-8", "cp1252"):
        try:
            return _csv_rows(data, encoding)
        except UnicodeDecodeError:
            continue
        except csv.Error as error:
            raise unreadable from error
    raise unreadable


def _csv_rows(data: bytes, encoding: str) -> list[Sequence[Cell]]:
    """The rows of `data` in `encoding`, decoded as they are read: a file of a million
    short lines is refused after its first MAX_ROWS, never decoded whole."""
    def lines():
        return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")

    first = list(itertools.islice((line for line in lines() if line.strip()), 10))
    return _bounded(cells[:MAX_COLUMNS]
                    for cells in csv.reader(lines(), delimiter=_delimiter(first)))


def _delimiter(first_lines: list[str]) -> str:
    """';' or ',', whichever splits more of the first lines into one number of fields.
    Excel writes semicolons where the decimal separator is a comma, as in Indonesia, and
    leaves the commas in the text unquoted; a title above the header may hold neither."""
    def agreeing_lines(mark: str) -> int:
        widths = Counter(len(cells) for cells in csv.reader(first_lines, delimiter=mark)
                         if len(cells) > 1)
        return max(widths.values(), default=0)

    return max((";", ","), key=agreeing_lines)


def _is_blank(row: Sequence[Cell]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip())
               for value in row)


def _bounded(rows: Iterable[Sequence[Cell]]) -> list[Sequence[Cell]]:
    """The rows, a blank one kept as () so that the rows after it keep their numbers, the
    blank ones at the end dropped. Refused past MAX_ROWS rows that are not blank, or past
    MAX_SHEET_ROWS rows in all (blank rows that Excel keeps for their formatting)."""
    table: list[Sequence[Cell]] = []
    filled = 0
    for row in rows:
        if len(table) == MAX_SHEET_ROWS:
            raise ValidationError(_("The sheet goes on below row %(limit)d; delete the rows "
                                    "below the list and save it again.",
                                    limit=MAX_SHEET_ROWS), field="file")
        if _is_blank(row):
            table.append(())
            continue
        filled += 1
        if filled > MAX_ROWS:
            raise ValidationError(_("The file has more than %(limit)d rows; split it into "
                                    "smaller files.", limit=MAX_ROWS), field="file")
        table.append(row)
    while table and not table[-1]:
        table.pop()
    return table


def _data_rows(table: Sequence[Sequence[Cell]], columns: Columns, no_rows_message: str
               ) -> Sheet:
    numbered = [(number, cells) for number, cells in enumerate(table, start=1)
                if any(cell_text(cell) for cell in cells)]
    if not numbered:
        raise ValidationError(_("The file is empty."), field="file")
    # Files often carry a title block above the table: the header is the first row that
    # names a known column.
    header_at = next((index for index, (_number, cells) in enumerate(numbered)
                      if any(columns.name_of(cell) for cell in cells)), 0)
    header, body = numbered[header_at][1], numbered[header_at + 1:]
    positions = _column_positions(header, columns)
    if not body:
        raise ValidationError(no_rows_message, field="file")
    # A header of punctuation alone names nothing anyone could answer about.
    unknown = [cell_text(cell) for cell in header
               if header_key(cell) and columns.name_of(cell) is None]
    return Sheet([RawRow(number, {name: cells[index] if index < len(cells) else None
                                  for name, index in positions.items()})
                  for number, cells in body], unknown)


def _column_positions(header: Sequence[Cell], columns: Columns) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = columns.name_of(cell)
        if name is None:
            continue
        if name in positions:
            raise ValidationError(_("The column %(column)s appears twice.",
                                    column=columns.label(name)), field="file")
        positions[name] = index
    missing = [columns.label(name) for name in columns.required if name not in positions]
    if missing:
        raise ValidationError(_("Missing column: %(columns)s.", columns=", ".join(missing)),
                              field="file")
    return positions


# --- reading the cells -----------------------------------------------------------------

def cell_text(value: Cell) -> str:
    """A cell as text with its spacing collapsed; a whole float loses its '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def quoted(value: Cell) -> str:
    return f"'{cell_text(value)}'"


def text_within(column: sa.Column, clean: Callable[[Cell], str] = cell_text
                ) -> Callable[[Cell, str], str]:
    """A reader for text, cleaned by `clean`, that must fit the database `column`."""
    def parse(value: Cell, label: str) -> str:
        text = clean(value)
        if len(text) > column.type.length:
            raise ValidationError(_("%(column)s is longer than %(limit)d characters.",
                                    column=label, limit=column.type.length))
        return text
    return parse


class RowReader:
    """Reads one row's cells, collecting every problem instead of stopping at the first.

    A parser takes the cell and the column's label and raises ValidationError; an empty
    cell is not parsed: it gives `default`, or a problem when its column is required."""

    def __init__(self, raw: RawRow, columns: Columns):
        self.raw = raw
        self.columns = columns
        self.problems: list[str] = []

    def read(self, column: str, parse: Callable[[Cell, str], T], default: T | None = None
             ) -> T | None:
        value = self.raw.cells.get(column)
        if not cell_text(value):
            if column in self.columns.required:
                self.problems.append(_("%(column)s is empty.",
                                       column=self.columns.label(column)))
            return default
        try:
            return parse(value, self.columns.label(column))
        except ValidationError as error:
            self.problems.append(error.message)
            return default


def row_error(row: int, message: str) -> tuple[int, str]:
    """A problem of one row, as previews list them: (row, 'Row 12: …')."""
    return row, _("Row %(row)d: %(message)s", row=row, message=message)


@dataclass
class FilePreview:
    """What importing a file would do, shown before anything is written. `errors` holds
    (row, message); row is None for the file as a whole."""

    errors: list[tuple[int | None, str]] = field(default_factory=list, kw_only=True)

    @property
    def ok(self) -> bool:
        return not self.errors


class UploadStash:
    """Uploaded files kept between their preview and the organiser's confirmation.
    Each course has its own folder, so a name only ever opens that course's files, and
    files never confirmed are dropped after a day."""

    NAME = re.compile(r"^[A-Za-z0-9_-]{22}\.(xlsx|csv)$")
    LIFETIME = timedelta(days=1)
    # The stashes' folder inside FILES_DIR; transient, so backups leave it out.
    FOLDER = "imports"

    def __init__(self, folder: Path, course):
        self.course = course
        self.folder = folder / str(course.id)

    @classmethod
    def for_import(cls, kind: str, course) -> UploadStash:
        """The stash of one importer (`kind`: agenda, participants, msel) for `course`, in
        FILES_DIR: every web server shares that folder, so the confirmation may reach
        another server than the preview did."""
        return cls(Path(current_app.config["FILES_DIR"]) / cls.FOLDER / kind, course)

    def keep(self, filename: str, data: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        expired = datetime.now().timestamp() - self.LIFETIME.total_seconds()
        for old in self.folder.iterdir():
            if old.stat().st_mtime < expired:
                old.unlink(missing_ok=True)
        name = f"{secrets.token_urlsafe(16)}{PurePath(filename).suffix.lower()}"
        (self.folder / name).write_bytes(data)
        return name

    def load(self, name: str) -> bytes:
        path = self.folder / name
        if not self.NAME.match(name) or not path.is_file():
            raise ValidationError(
                _("The checked file is no longer available; upload it again."), field="upload")
        return path.read_bytes()

    def drop(self, name: str) -> None:
        if self.NAME.match(name):
            (self.folder / name).unlink(missing_ok=True)
