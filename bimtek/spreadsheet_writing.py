"""Writing the spreadsheets we hand out, XLSX and CSV, so that Excel opens them as they are
meant: UTF-8, identity numbers as text, and no cell a formula."""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import openpyxl
from flask_babel import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from bimtek.errors import ValidationError
from bimtek.spreadsheets import CSV, XLSX, Cell

# What makes Excel or LibreOffice read a cell as a formula (tab and CR too, because some
# programs drop them and then see the character behind them).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_STARTS)


# Excel in Indonesian splits a CSV line on ";", other locales on "," or a tab, and a
# program reading it carelessly on a line break: every piece opens as a cell of its own.
_CSV_CELL_START = re.compile(r"(^|[,;\t\r\n])(?=[=+\-@\t\r])")
_FORMULA_AFTER_SEMICOLON = re.compile(r";\s*[=+\-@]")


def csv_safe(value: Cell) -> Cell:
    """The value with an apostrophe, the usual mark of text, before every piece that a
    spreadsheet splitting the line on "," ";" or tab would read as a formula."""
    return _CSV_CELL_START.sub(r"\1'", value) if isinstance(value, str) else value


def check_no_hidden_formula(text: str, field: str) -> None:
    """Refuses a name like "Budi;=1+1": a CSV opened in Indonesian Excel would run it."""
    if _FORMULA_AFTER_SEMICOLON.search(text):
        raise ValidationError(
            _("A “;” may not be followed by =, +, - or @: a spreadsheet would read what "
              "follows as a formula."), field=field)


def write_table(fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
                text_columns: Iterable[int] = (), title: str = "") -> bytes:
    """An .xlsx or .csv file with one header row; no cell is ever a formula.
    `text_columns` (positions) hold digits that must stay text: identity numbers, phones."""
    if fmt == XLSX:
        return _xlsx_bytes(headers, rows, set(text_columns), title)
    if fmt == CSV:
        return _csv_bytes(headers, rows)
    raise ValueError(f"unknown spreadsheet format {fmt!r}")


TEXT_FORMAT = "@"
# Characters Excel refuses in a sheet name, which is at most 31 characters long.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _storable(value: Cell) -> Cell:
    """The value without the control characters (a pasted ESC or BEL) that an XLSX file
    cannot hold; they show as nothing anyway."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


@dataclass
class SheetToWrite:
    """One sheet of a workbook to write: its name, header row and rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    text_columns: Iterable[int] = ()


def write_workbook(sheets: Sequence[SheetToWrite]) -> bytes:
    """An .xlsx file with several sheets, each written as `write_table` writes one."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        _fill_sheet(workbook.create_sheet(), sheet.headers, sheet.rows,
                    set(sheet.text_columns), sheet.title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def keep_as_text(cell) -> None:
    """A cell whose text looks like a formula stays text: openpyxl stores a string starting
    with '=' as a formula; a string cell with Excel's quote prefix stays text even when
    someone edits it."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_text(sheet, coordinate: str, value: str) -> None:
    """Person-supplied text into one cell of a sheet, never a formula."""
    sheet[coordinate] = _storable(value)
    keep_as_text(sheet[coordinate])


def _xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]],
                text_columns: set[int], title: str) -> bytes:
    return write_workbook([SheetToWrite(title, headers, rows, text_columns)])


def _fill_sheet(sheet, headers: Sequence[str], rows: Iterable[Sequence[Cell]],
                text_columns: set[int], title: str) -> None:
    if title:
        sheet.title = _SHEET_NAME_FORBIDDEN.sub("", title)[:31] or sheet.title
    sheet.append([_storable(header) for header in headers])
    for position in text_columns:
        # The whole column, so that rows typed in later stay text too.
        sheet.column_dimensions[get_column_letter(position + 1)].number_format = TEXT_FORMAT
    # Row numbers counted here: sheet.max_row scans every cell, so asking it per row would
    # make the export quadratic.
    for number, row in enumerate(rows, start=2):
        values = [_storable(value) for value in row]
        sheet.append(values)
        for position in range(len(values)):
            cell = sheet.cell(row=number, column=position + 1)
            if position in text_columns:
                cell.number_format = TEXT_FORMAT
            keep_as_text(cell)
    sheet.freeze_panes = "A2"


def _csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(csv_safe(cell) for cell in row)
    # With a byte-order mark, Excel opens the file as UTF-8 instead of the local code page.
    return codecs.BOM_UTF8 + text.getvalue().encode("utf-8")
