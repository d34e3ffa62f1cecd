"""Participants to spreadsheets: the export that imports back, and the template
organisers hand out."""
from __future__ import annotations

import io
from collections.abc import Callable
from typing import NamedTuple

import openpyxl
from flask_babel import lazy_gettext as _l
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from bimtek import audit
from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.registration import services
from bimtek.registration.models import Registration
from bimtek.registration.spreadsheet import COLUMNS
from bimtek.spreadsheet_writing import write_table, write_text
from bimtek.spreadsheets import Cell


class _ExportColumn(NamedTuple):
    header: str
    value: Callable[[Registration], Cell]
    # Digits that Excel must keep as text, or it turns them into rounded numbers.
    as_text: bool = False


def _export_columns() -> list[_ExportColumn]:
    def imported(name: str, value: Callable[[Registration], Cell], as_text: bool = False):
        return _ExportColumn(COLUMNS.header(name), value, as_text)

    return [
        _ExportColumn("No", lambda r: r.number),
        imported("front_titles", lambda r: r.front_titles),
        imported("name", lambda r: r.name),
        imported("back_titles", lambda r: r.back_titles),
        imported("nik", lambda r: r.nik, as_text=True),
        imported("nip", lambda r: r.nip or "", as_text=True),
        imported("gender", lambda r: r.gender.value),
        imported("rank", lambda r: r.rank),
        imported("position", lambda r: r.position),
        imported("institution", lambda r: r.institution.short_name),
        imported("unit", lambda r: r.unit),
        imported("kecamatan", lambda r: r.kecamatan.name if r.kecamatan else ""),
        imported("phone", lambda r: r.phone, as_text=True),
        imported("email", lambda r: r.email),
        _ExportColumn("Status", lambda r: str(r.status.label)),
        _ExportColumn("Kode Badge", lambda r: r.printed_badge_code, as_text=True),
    ]


def export_participants(course: Course, fmt: str, *, by=None) -> bytes:
    """The course's registered and waitlisted participants by number, as .xlsx or .csv,
    recorded in the export log (it holds NIK, NIP and phone numbers).
    Cancelled ones are left out: the file is meant to import back, and someone who
    cancelled and registered again would otherwise appear twice with the same NIK."""
    columns = _export_columns()
    registrations = list(db.session.scalars(
        select(Registration).where(Registration.course_id == course.id,
                                   Registration.status.in_(services.ACTIVE))
        .order_by(Registration.number)))
    audit.record_export(f"participants.{fmt}", course, len(registrations), actor=by)
    return write_table(
        fmt, [column.header for column in columns],
        ([column.value(registration) for column in columns] for registration in registrations),
        text_columns=[position for position, column in enumerate(columns) if column.as_text],
        title=course.code)


# --- the template organisers hand out ---------------------------------------------------

# (column, note); identity numbers and phones are Text so Excel keeps every digit.
TEMPLATE_COLUMNS = (
    ("name", _l("Full name without titles, e.g. Ahmad Fauzi.")),
    ("titles", _l("Front and back titles as the person writes them, e.g. Dr. H., S.Sos., "
                  "M.Si.; empty when none.")),
    ("nik", _l("16 digits, as on the identity card (KTP). The column is Text: type or paste "
               "the digits as they are.")),
    ("nip", _l("18 digits; civil servants (PNS or PPPK) only.")),
    ("nrp", _l("Polri and TNI members: their registration number.")),
    ("gender", _l("L (laki-laki) or P (perempuan).")),
    ("rank", _l("e.g. Penata Muda Tk. I, III/b; empty when none.")),
    ("position", _l("e.g. Anggota PPK.")),
    ("institution", _l("Choose from the list; a name not in it is asked about when the file "
                       "is imported.")),
    ("unit", _l("Choose from the list or type another.")),
    ("kecamatan", _l("A kecamatan of the course's regions (choose from the list).")),
    ("desa", _l("The desa/kelurahan of PPS and Panwaslu Kelurahan/Desa members.")),
    ("phone", _l("e.g. 0812-3456-7890.")),
    ("email", _l("Where the personal link is sent.")),
)
TEXT_COLUMNS = ("nik", "nip", "nrp", "phone")
TEMPLATE_ROWS = 1000


def participant_template(course: Course) -> bytes:
    """An .xlsx to fill in: the import's columns with a note on each, identity columns
    formatted as Text, and drop-down lists for Jenis Kelamin, Unsur, Kecamatan (of the
    course's regions) and the known institutions (kept on a hidden sheet)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Peserta"
    lists = workbook.create_sheet("Daftar")
    lists.sheet_state = "hidden"
    choices = {
        "gender": ["L", "P"],
        "unit": services.unit_names(course),
        "kecamatan": [k.name for k in course_services.course_kecamatan(course)],
        "institution": [i.short_name for i in institution_services.list_institutions()],
    }
    lists_used = 0
    for number, (name, note) in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(number)
        cell = sheet.cell(row=1, column=number, value=COLUMNS.header(name))
        cell.font = Font(bold=True)
        cell.comment = Comment(str(note), "Bimtek")
        sheet.column_dimensions[letter].width = max(14, len(cell.value) + 4)
        if name in TEXT_COLUMNS:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=number).number_format = "@"
        if choices.get(name):
            lists_used += 1
            list_column = get_column_letter(lists_used)
            for row, value in enumerate(choices[name], start=1):
                write_text(lists, f"{list_column}{row}", value)
            validation = DataValidation(
                type="list", allow_blank=True, showErrorMessage=name != "unit",
                formula1=f"Daftar!${list_column}$1:${list_column}${len(choices[name])}")
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
