"""Hostile and broken files, built by hand: workbooks whose XML is written directly (zip
bombs, zips lying about their sizes, rows numbered in the millions, cells in the last
column), a CSV of too many rows, and PNG logos that declare too much.

Shared by tests/test_abuse_uploads.py, which checks what the app says of each file, and
benchmarks/hostile_uploads.py, which measures what judging them costs. Pure builders: no
fixtures, no app, no database.
"""
from __future__ import annotations

import csv
import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Iterable
from functools import cache
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from PIL import Image

from bimtek.spreadsheets import MAX_ROWS

MB = 1024 * 1024


# --- workbooks written by hand ---------------------------------------------------------

class Raw(str):
    """A number cell exactly as the sheet's XML holds it: '1E999', 400 nines."""


def xml_row(cells: Iterable, number: int | None = None) -> bytes:
    """One <row>; cells at their position, or at `number`'s row when given."""
    parts = []
    for column, value in enumerate(cells, start=1):
        if value is None:
            continue
        ref = f' r="{get_column_letter(column)}{number}"' if number else ""
        if isinstance(value, Raw | int | float):
            parts.append(f"<c{ref}><v>{value}</v></c>")
        else:
            parts.append(f'<c{ref} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    opening = f'<row r="{number}">' if number else "<row>"
    return f"{opening}{''.join(parts)}</row>".encode()


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b"<sheetData>")
SHEET_TAIL = b"</sheetData></worksheet>"
SHEET = "xl/worksheets/sheet1.xml"


@cache
def _openpyxl_workbook(formatted: bool = False) -> bytes:
    """An empty workbook as openpyxl saves one; `formatted`, its styles hold a second cell
    format (a fill), style 1, as a sheet someone has coloured does."""
    book = openpyxl.Workbook()
    if formatted:
        book.active["A1"].fill = PatternFill("solid", fgColor="FFFF00")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook(chunks: Iterable[bytes], *, level: int = 6, formatted: bool = False) -> bytes:
    """A workbook as openpyxl writes one, its first sheet made of `chunks` (streamed, so a
    sheet of hundreds of MB is never held whole)."""
    source = zipfile.ZipFile(io.BytesIO(_openpyxl_workbook(formatted)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for member in source.infolist():
            if member.filename != SHEET:
                archive.writestr(member.filename, source.read(member.filename))
                continue
            with archive.open(SHEET, "w") as sheet:
                for chunk in chunks:
                    sheet.write(chunk)
    return out.getvalue()


def sheet_of(rows: Iterable[Iterable]) -> bytes:
    return workbook([SHEET_HEAD, *(xml_row(row) for row in rows), SHEET_TAIL])


def csv_bytes(rows, *, delimiter: str = ";", bom: bool = True) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows(
        ["" if cell is None else cell for cell in row] for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8")


# The headers the three importers (participants, agenda, MSEL) know.
PARTICIPANTS_HEADER = ("Nama", "NIK", "Jenis Kelamin", "Instansi", "Unsur", "No HP", "NIP")
AGENDA_HEADER = ("Tanggal", "Mulai", "Selesai", "Materi", "Jenis", "Ruang", "Narasumber",
                 "Instansi", "JP")
MSEL_HEADER = ("No", "Menit ke-", "Media", "Kepada", "Pesan", "Sasaran")
# Every importer finds its columns in this header and ignores the others.
EVERY_HEADER = tuple(dict.fromkeys((*PARTICIPANTS_HEADER, *AGENDA_HEADER, *MSEL_HEADER)))
A_ROW = {"Nama": "Peserta", "NIK": "6408012810860001", "Jenis Kelamin": "L",
         "Instansi": "KPU Kutim", "Unsur": "PPK", "Tanggal": "28/10/2024", "Mulai": "08.00",
         "Selesai": "09.00", "Materi": "Materi", "No": 1, "Pesan": "Pesan"}


def a_row() -> list:
    """A row of EVERY_HEADER that each importer could take."""
    return [A_ROW.get(header, "") for header in EVERY_HEADER]


def numbered_rows(count: int, row: list | None = None) -> list[bytes]:
    """The header and `count` - 1 rows, numbered as every spreadsheet program numbers them
    (which also keeps them from packing as tightly as a zip bomb)."""
    return [xml_row(EVERY_HEADER, 1),
            *(xml_row(row or a_row(), n) for n in range(2, count + 1))]


# --- zip bombs and zips that lie --------------------------------------------------------

# Short, so that it repeats often within deflate's window: packed near 300 to 1.
BOMB_ROW = xml_row(["Peserta", "6408012810860001", "L"])


@cache
def zip_bomb(unpacked_mb: int = 250) -> bytes:
    """A valid workbook whose sheet unpacks to `unpacked_mb` MB of the same row."""
    block = BOMB_ROW * (MB // len(BOMB_ROW))
    return workbook([SHEET_HEAD, xml_row(EVERY_HEADER),
                     *itertools.repeat(block, unpacked_mb), SHEET_TAIL], level=9)


def declared_sizes(data: bytes) -> int:
    return sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())


def lying_about(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s unpacked size declared as `size`, in its local header and
    in the central directory, whatever its packed data really holds."""
    buffer = bytearray(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    struct.pack_into("<I", buffer, archive.getinfo(member).header_offset + 22, size)
    position = archive.start_dir
    for entry in archive.infolist():
        lengths = struct.unpack_from("<HHH", buffer, position + 28)
        if entry.filename == member:
            struct.pack_into("<I", buffer, position + 24, size)
        position += 46 + sum(lengths)
    return bytes(buffer)


def lying_zip_bomb() -> bytes:
    """The 250 MB zip bomb, its sheet declared as 4 KB."""
    return lying_about(zip_bomb(), SHEET, 4096)


def damaged_member(data: bytes, member: str) -> bytes:
    """The zip with bytes in the middle of `member`'s packed data flipped."""
    buffer = bytearray(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(member)
    name_length, extra_length = struct.unpack_from("<HH", buffer, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    for position in range(start + info.compress_size // 3, start + info.compress_size // 2):
        buffer[position] ^= 0xA5
    return bytes(buffer)


# --- too many rows, too wide ------------------------------------------------------------

def far_row_workbook(number: int = 5_000_000) -> bytes:
    """A header and one row, numbered `number`: openpyxl hands out an empty row for every
    row number skipped."""
    return workbook([SHEET_HEAD, xml_row(EVERY_HEADER, 1), xml_row(a_row(), number),
                     SHEET_TAIL])


def last_column_workbook(rows: int = MAX_ROWS) -> bytes:
    """`rows` rows of a name in column A and a number in column XFD, the last there is
    (which made openpyxl build 16,384 cells for each row)."""
    last = get_column_letter(16384)
    return workbook([SHEET_HEAD, *(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Peserta</t></is></c>'
        f'<c r="{last}{n}"><v>1</v></c></row>'.encode() for n in range(1, rows + 1)),
        SHEET_TAIL])


def blank_row(number: int) -> bytes:
    """A row as Excel keeps one that was formatted and then emptied: a cell with a style
    and no value."""
    return f'<row r="{number}"><c r="A{number}" s="1"/></row>'.encode()


def workbook_with_blank_rows(rows: int = 400, blank: int = 20_000) -> bytes:
    """A header, `rows` real rows, then `blank` formatted but empty rows."""
    return workbook([SHEET_HEAD, *numbered_rows(rows + 1),
                     *(blank_row(n) for n in range(rows + 2, rows + 2 + blank)), SHEET_TAIL],
                    formatted=True)


CSV_LINE = b"Peserta;6408012810860001;L;KPU Kutim;PPK\n"
CSV_HEADER_LINE = b"Nama;NIK;Jenis Kelamin;Instansi;Unsur\n"


def long_csv(megabytes: float = 15.5) -> bytes:
    """A participants CSV of `megabytes` MB of the same short row: some 390,000 of them."""
    return CSV_HEADER_LINE + CSV_LINE * int(megabytes * MB // len(CSV_LINE))


# --- PNG logos ---------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(size=(8, 8), colour="red", mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload)))


def png_declaring(width: int, height: int) -> bytes:
    """A well-formed PNG that says it is width × height, with a few bytes of pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(bytes(64))) + png_chunk(b"IEND", b""))


def png_with_chunk_after_header(chunk: bytes) -> bytes:
    good = png()
    end_of_header = len(PNG_SIGNATURE) + 8 + 13 + 4
    return good[:end_of_header] + chunk + good[end_of_header:]


def png_with_comment(unpacked_mb: int = 50) -> bytes:
    """An 8 × 8 PNG with a compressed text chunk (zTXt) that unpacks to `unpacked_mb` MB."""
    return png_with_chunk_after_header(
        png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(bytes(unpacked_mb * MB), 9)))


SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">'


def nested_use_svg(levels: int = 4, copies: int = 10) -> bytes:
    """About a kilobyte that draws copies ** levels shapes: each level a group of <use>s
    of the level below (3.5 s a preview at four levels before SVGs were bounded)."""
    parts = [SVG_OPEN, b'<defs><g id="l0"><circle r="2" cx="5" cy="5"/></g>']
    for level in range(1, levels + 1):
        uses = b"".join(b'<use href="#l%d" x="%d"/>' % (level - 1, n) for n in range(copies))
        parts.append(b'<g id="l%d">%s</g>' % (level, uses))
    parts.append(b'</defs><use href="#l%d"/></svg>' % levels)
    return b"".join(parts)


def svg_of_elements(count: int) -> bytes:
    """An SVG of `count` elements (the root included): a detailed but honest logo."""
    shapes = b"".join(b'<rect x="%d" y="%d" width="3" height="3" fill="#2a5"/>'
                      % (n % 60 * 3, n // 60 * 3) for n in range(count - 1))
    return SVG_OPEN + shapes + b"</svg>"


def svg_of_uses(count: int) -> bytes:
    """One shape drawn `count` times by <use>: a pattern of dots, a common logo border."""
    uses = b"".join(b'<use href="#dot" x="%d" y="%d"/>' % (n % 10 * 18, n // 10 * 18)
                    for n in range(count))
    return SVG_OPEN + b'<defs><circle id="dot" r="4" cx="6" cy="6"/></defs>' + uses + b"</svg>"


def deep_svg(depth: int) -> bytes:
    """`depth` levels of elements: the root, nested groups, a shape."""
    return SVG_OPEN + b"<g>" * (depth - 2) + b'<rect width="4" height="4"/>' + \
        b"</g>" * (depth - 2) + b"</svg>"


HOSTILE_NAME = '<img src="file:///etc/passwd">'
