"""Participants from and to spreadsheets: an all-or-nothing XLSX/CSV import, and exports.

`preview_participants()` reads and checks the whole file, writing nothing: every row's
problems with its row number, duplicates within the file and against the course, and who
would be waitlisted. `apply_participants()` registers the previewed rows in one
transaction. An exported file imports back unchanged: the import ignores the columns only
an export has (No, Status, Kode Badge).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek import audit
from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.regions.models import Kecamatan
from bimtek.registration import services
from bimtek.registration.identity import (
    clean_text,
    normalise_phone,
    parse_gender,
    parse_nik,
    parse_nip,
)
from bimtek.registration.models import Registration
from bimtek.speakers.models import Institution, fold_name
from bimtek.spreadsheets import (
    Cell,
    Columns,
    RawRow,
    RowReader,
    UploadStash,
    cell_text,
    quoted,
    read_rows,
    row_error,
    text_within,
    write_table,
)

COLUMNS = Columns({
    "front_titles": ("Gelar Depan", "Front Titles"),
    "name": ("Nama", "Name", "Nama Lengkap", "Full Name"),
    "back_titles": ("Gelar Belakang", "Back Titles"),
    "nik": ("NIK",),
    "nip": ("NIP", "NIP/NI PPPK"),
    "gender": ("Jenis Kelamin", "Gender", "L/P"),
    "rank": ("Pangkat/Golongan", "Rank", "Pangkat", "Golongan"),
    "position": ("Jabatan", "Position"),
    "institution": ("Instansi", "Institution"),
    "unit": ("Unsur", "Unit"),
    "kecamatan": ("Kecamatan", "District"),
    "phone": ("No HP", "Phone", "No. HP", "HP", "Telepon", "Nomor HP"),
    "email": ("Email", "E-mail"),
}, required=("name", "nik", "gender", "institution"))

# Excel holds every number as a double, exact to 15 significant digits: a 16-digit NIK or
# 18-digit NIP typed into a General cell is rounded before anyone reads the file, even when
# openpyxl hands it over as a whole int.
EXCEL_SIGNIFICANT_DIGITS = 15


# --- what a preview holds --------------------------------------------------------------

@dataclass
class ParticipantRow:
    """One checked row of the file, ready to be registered."""

    row: int
    participant: services.CheckedParticipant
    institution: Institution
    kecamatan: Kecamatan | None
    # Beyond the seats left when the file was checked; registering decides again.
    waitlisted: bool = False

    @property
    def nik(self) -> str:
        return self.participant.fields["nik"]

    @property
    def unit(self) -> str:
        return self.participant.fields["unit"]


@dataclass
class ParticipantPreview:
    """What an import would do. `errors` holds (row, message); row is None for the file."""

    waitlist: bool
    rows: list[ParticipantRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_register(self) -> list[ParticipantRow]:
        return [row for row in self.rows if not row.waitlisted]

    @property
    def to_waitlist(self) -> list[ParticipantRow]:
        return [row for row in self.rows if row.waitlisted]

    @property
    def warnings(self) -> list[tuple[int, str]]:
        """Disagreements worth a second look (NIK against NIP and gender); not blocking."""
        return [row_error(row.row, warning)
                for row in self.rows for warning in row.participant.warnings]


# --- reading the cells -----------------------------------------------------------------

def _as_excel_stored_it(value: Cell) -> Cell:
    """A whole number longer than Excel keeps exactly is handed on as what Excel really
    stored, a float, which the identity parsers refuse with the message that says how to
    fix the file (format the column as Text)."""
    if isinstance(value, int) and not isinstance(value, bool) \
            and len(str(abs(value))) > EXCEL_SIGNIFICANT_DIGITS:
        try:
            return float(value)
        except OverflowError:  # beyond even a float, so typed by no one: judged as text
            return str(value)
    return value


def _parse_nik(value: Cell, _column: str) -> str:
    return parse_nik(_as_excel_stored_it(value)).digits


def _parse_nip(value: Cell, _column: str) -> str:
    nip = parse_nip(_as_excel_stored_it(value))
    return nip.digits if nip else ""


def _parse_gender(value: Cell, _column: str) -> str:
    return parse_gender(value)


def _parse_phone(value: Cell, _column: str) -> str:
    return normalise_phone(value) or ""


TEXT_FIELDS = ("front_titles", "name", "back_titles", "rank", "position", "unit", "email")
_TEXT_PARSERS = {name: text_within(Registration.__table__.c[name], clean_text)
                 for name in TEXT_FIELDS}


def _institution_finder() -> Callable[[Cell, str], Institution]:
    """Institutions by short or full name, case and spacing ignored. An import never
    creates one: HR accounts are scoped to institutions, so an administrator adds them."""
    directory = {fold_name(name): institution
                 for institution in db.session.scalars(select(Institution))
                 for name in (institution.short_name, institution.name)}

    def find(value: Cell, column: str) -> Institution:
        institution = directory.get(fold_name(clean_text(value)))
        if institution is None:
            raise ValidationError(_(
                "%(column)s %(value)s is not in the list of institutions; an administrator "
                "must add it before the import.", column=column, value=quoted(value)))
        return institution
    return find


def _kecamatan_finder(course: Course) -> Callable[[Cell, str], Kecamatan]:
    """Kecamatan of the course's regions, with their spelling variants; a near miss is
    refused with a suggestion."""
    index = services.kecamatan_index(course)

    def find(value: Cell, _column: str) -> Kecamatan:
        return services.find_kecamatan(course, cell_text(value), index)
    return find


class _RowCheck(NamedTuple):
    """A row's outcome: its NIK when that could be read (duplicates are looked for even
    in rows with other problems), the participant when the row is clean, or its problems."""

    nik: str | None
    participant_row: ParticipantRow | None
    problems: list[str]


def _check_row(course: Course, raw: RawRow,
               find_institution: Callable[[Cell, str], Institution],
               find_kecamatan: Callable[[Cell, str], Kecamatan]) -> _RowCheck:
    reader = RowReader(raw, COLUMNS)
    text = {name: reader.read(name, _TEXT_PARSERS[name], default="") for name in TEXT_FIELDS}
    nik = reader.read("nik", _parse_nik)
    nip = reader.read("nip", _parse_nip, default="")
    gender = reader.read("gender", _parse_gender)
    institution = reader.read("institution", find_institution)
    kecamatan = reader.read("kecamatan", find_kecamatan)
    phone = reader.read("phone", _parse_phone, default="")
    if reader.problems:
        return _RowCheck(nik, None, reader.problems)
    data = services.ParticipantInput(
        **text, nik=nik, nip=nip, gender=gender, institution_id=institution.id,
        kecamatan_id=kecamatan.id if kecamatan else None, phone=phone)
    try:
        participant = services.check_participant(course, data)
    except ValidationError as error:
        return _RowCheck(nik, None, [error.message])
    return _RowCheck(nik, ParticipantRow(raw.row, participant, institution, kecamatan), [])


# --- checking the rows together --------------------------------------------------------

def _duplicates_in_file(raws: list[RawRow], checks: list[_RowCheck]
                        ) -> dict[int, tuple[str, int]]:
    """Rows whose NIK an earlier row already has: row → (NIK, earlier row)."""
    first_row_of: dict[str, int] = {}
    duplicates = {}
    for raw, check in zip(raws, checks, strict=True):
        if check.nik is None:
            continue
        if check.nik in first_row_of:
            duplicates[raw.row] = (check.nik, first_row_of[check.nik])
        else:
            first_row_of[check.nik] = raw.row
    return duplicates


def _assign_seats(course: Course, preview: ParticipantPreview) -> None:
    seats = services.Seats(course)
    seated = []
    for row in preview.rows:
        refusal = seats.refusal(row.unit)
        if refusal is None:
            seats.take(row.unit)
        elif preview.waitlist:
            row.waitlisted = True
        else:
            preview.errors.append(row_error(row.row, refusal))
            continue
        seated.append(row)
    preview.rows = seated


# --- preview and apply -----------------------------------------------------------------

def preview_participants(course: Course, filename: str, data: bytes, *, waitlist: bool
                         ) -> ParticipantPreview:
    """Read and check the whole file; writes nothing. With `waitlist` the rows beyond the
    seats left will be waitlisted, without it they are errors."""
    preview = ParticipantPreview(waitlist=waitlist)
    try:
        raws = read_rows(filename, data, COLUMNS, no_rows_message=_(
            "The file has no participant rows below its header."))
    except ValidationError as error:
        preview.errors.append((None, error.message))
        return preview
    find_institution, find_kecamatan = _institution_finder(), _kecamatan_finder(course)
    checks = [_check_row(course, raw, find_institution, find_kecamatan) for raw in raws]
    duplicates = _duplicates_in_file(raws, checks)
    registered = services.active_numbers(course, [check.nik for check in checks if check.nik])
    for raw, check in zip(raws, checks, strict=True):
        problems = list(check.problems)
        if raw.row in duplicates:
            nik, first_row = duplicates[raw.row]
            problems.append(_("NIK %(nik)s is already in row %(row)d of this file.",
                              nik=nik, row=first_row))
        if check.nik in registered:
            problems.append(_("NIK %(nik)s is already registered in this course as "
                              "participant %(number)d.", nik=check.nik,
                              number=registered[check.nik]))
        preview.errors += [row_error(raw.row, problem) for problem in problems]
        if check.participant_row is not None and not problems:
            preview.rows.append(check.participant_row)
    _assign_seats(course, preview)
    preview.errors.sort(key=lambda error: error[0] or 0)
    return preview


def apply_participants(course: Course, preview: ParticipantPreview, *, actor=None
                       ) -> list[Registration]:
    """Register every previewed row in one transaction, or no one. Seats, and NIKs
    already in the course, are checked again under the course's lock."""
    if not preview.ok:
        raise ValidationError(_("The file has errors; correct them and import it again."),
                              field="file")
    try:
        return services.register_many(course, [row.participant for row in preview.rows],
                                      actor=actor, waitlist_when_full=preview.waitlist)
    except Exception:
        db.session.rollback()
        raise


# --- export ----------------------------------------------------------------------------

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


def confirm_upload(stash: UploadStash, name: str, *, waitlist: bool, actor=None
                   ) -> list[Registration]:
    """Import a stashed file after its preview: checked again, written whole, dropped."""
    preview = preview_participants(stash.course, name, stash.load(name), waitlist=waitlist)
    if not preview.ok:
        raise ValidationError(_("The file has errors; correct them and import it again."))
    registrations = apply_participants(stash.course, preview, actor=actor)
    stash.drop(name)
    return registrations
