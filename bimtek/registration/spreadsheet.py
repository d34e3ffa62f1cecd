"""Participants from and to spreadsheets: an all-or-nothing XLSX/CSV import, and exports.

`preview_participants()` reads and checks the whole file, writing nothing: every row's
problems with its row number, duplicates within the file and against the course, and who
would be waitlisted. `apply_participants()` registers the previewed rows in one
transaction. An exported file imports back unchanged: the import ignores the columns only
an export has (No, Status, Kode Badge).
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import openpyxl
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from bimtek import audit
from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.regions.models import Desa, Kecamatan
from bimtek.regions.services import PlaceIndex
from bimtek.registration import services
from bimtek.registration.identity import (
    clean_text,
    normalise_phone,
    parse_gender,
    parse_nik,
    parse_nip,
    parse_nrp,
)
from bimtek.registration.models import Registration
from bimtek.speakers import services as institution_services
from bimtek.speakers.models import Institution, InstitutionKind
from bimtek.speakers.names import merge_titles, split_title_cell, split_titles
from bimtek.spreadsheets import (
    MAX_COLUMNS,
    MAX_ROWS,
    Cell,
    Columns,
    RawRow,
    RowReader,
    UploadStash,
    cell_text,
    header_key,
    quoted,
    read_sheet,
    row_error,
    text_within,
    write_table,
    write_text,
)

COLUMNS = Columns({
    "name": ("Nama", "Name", "Nama Lengkap", "Full Name", "Nama Peserta",
             "Nama Lengkap dan Gelar", "Nama dan Gelar", "Nama Lengkap (dengan Gelar)"),
    "front_titles": ("Gelar Depan", "Front Titles"),
    "back_titles": ("Gelar Belakang", "Back Titles"),
    "titles": ("Gelar", "Titles", "Gelar Akademik"),
    "nik": ("NIK", "No. KTP", "Nomor KTP", "NIK/KTP", "No. NIK"),
    "nip": ("NIP", "NIP/NI PPPK", "Nomor NIP"),
    "nrp": ("NRP", "Nomor NRP"),
    "gender": ("Jenis Kelamin", "Gender", "L/P", "JK", "Sex"),
    "rank": ("Pangkat/Golongan", "Rank", "Pangkat", "Golongan", "Pangkat/Gol."),
    "position": ("Jabatan", "Position"),
    "institution": ("Instansi", "Institution", "Asal Instansi", "OPD", "Unit Kerja",
                    "Instansi/Lembaga", "Asal Lembaga"),
    "unit": ("Unsur", "Unit"),
    "kecamatan": ("Kecamatan", "District"),
    "desa": ("Desa/Kelurahan", "Village", "Desa", "Kelurahan", "Kelurahan/Desa"),
    "phone": ("No HP", "Phone", "No. HP/WA", "HP", "Telepon", "Nomor HP", "WhatsApp",
              "No. WA", "HP/WA", "Nomor WhatsApp", "No. Telepon", "Telp"),
    "email": ("Email", "E-mail", "Alamat Email"),
    # What only an export writes; an exported file imports back without a question.
    "number": ("No", "Nomor", "Number"),
    "status": ("Status",),
    "badge_code": ("Kode Badge", "Badge Code"),
}, required=("name", "nik", "gender", "institution"))
# The columns an organiser may map an unrecognised header to.
MAPPABLE = ("name", "front_titles", "back_titles", "titles", "nik", "nip", "nrp", "gender",
            "rank", "position", "institution", "unit", "kecamatan", "desa", "phone", "email")
IGNORE = "ignore"

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
    desa: Desa | None
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
    # Headers the file has that no column is known by, and what was said about headers.
    unknown_headers: list[str] = field(default_factory=list)
    unknown_institutions: list[UnknownInstitution] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def questions(self) -> list[tuple[str, str]]:
        """The unrecognised headers to ask about: (header, its header_key)."""
        return [(header, header_key(header)) for header in self.unknown_headers]

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


def _parse_nrp(value: Cell, _column: str) -> str:
    return parse_nrp(_as_excel_stored_it(value)) or ""


def _parse_phone(value: Cell, _column: str) -> str:
    return normalise_phone(value) or ""


TEXT_FIELDS = ("front_titles", "name", "back_titles", "rank", "position", "unit", "email")
_TEXT_PARSERS = {name: text_within(Registration.__table__.c[name], clean_text)
                 for name in TEXT_FIELDS}


# An institution the file names that is not known yet: the row waits for the organiser.
PENDING = object()


@dataclass
class UnknownInstitution:
    """An institution name of the file that matches none: asked about once, with the rows
    that name it, the closest known institutions and what a new one would be."""

    written: str
    key: str
    rows: list[int]
    suggestions: list[Institution]
    proposed: institution_services.NewInstitution


# What the organiser said about an unknown name: an existing institution's id (the
# spelling becomes its alias), or the institution to create.
InstitutionChoice = int | institution_services.NewInstitution


class _Institutions:
    """Institutions by their names, short names and aliases, case and punctuation aside;
    the organiser's choices for unknown names are applied (written to the session, not
    committed) before the rows are read."""

    def __init__(self, course: Course, choices: dict[str, InstitutionChoice]):
        self.course = course
        self.choices = choices
        self.directory = institution_services.institution_directory()
        self.unknown: dict[str, UnknownInstitution] = {}
        self.problems: list[str] = []

    def apply_choices(self, written: dict[str, str]) -> None:
        """Applies the choices for the names the file has (`written`: key → spelling)."""
        for key, choice in self.choices.items():
            if key not in written or key in self.directory:
                continue
            try:
                if isinstance(choice, int):
                    institution = db.session.get(Institution, choice)
                    if institution is None:
                        raise ValidationError(_("Unknown institution."))
                    institution_services.add_alias(institution, written[key])
                else:
                    institution = institution_services.save_institution(
                        None, name=choice.name, short_name=choice.short_name,
                        kind=choice.kind, region_id=choice.region_id, commit=False)
            except ValidationError as error:
                self.problems.append(_("Institution %(value)s: %(message)s",
                                       value=f"'{written[key]}'", message=error.message))
                continue
            self.directory[key] = institution

    def find(self, value: Cell, _column: str) -> Institution | object:
        written = clean_text(value)
        key = institution_services.institution_key(written)
        if key in self.directory:
            return self.directory[key]
        if key not in self.unknown:
            region = next((area.region for area in self.course.areas if area.region), None)
            self.unknown[key] = UnknownInstitution(
                written, key, [], institution_services.suggest_institutions(
                    written, self.directory),
                institution_services.proposed_institution(written, region))
        return PENDING


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


def _parse_title_cell(value: Cell, column: str) -> tuple[str, str]:
    try:
        return split_title_cell(cell_text(value))
    except ValueError as error:
        raise ValidationError(_(
            "%(column)s %(value)s: '%(word)s' is neither a front title (Dr., H., Drs. …) nor "
            "a back title (S.Sos., M.Si. …); write the titles in Gelar Depan and Gelar "
            "Belakang instead.", column=column, value=quoted(value), word=error.args[0])
        ) from None


@dataclass
class _FileCheck:
    """What checking one file's rows needs, looked up once for all of them."""

    course: Course
    columns: Columns
    institutions: _Institutions
    find_kecamatan: Callable[[Cell, str], Kecamatan]
    known_kecamatan: set[str] = field(default_factory=services.kecamatan_codes)
    desa_indexes: dict[int, PlaceIndex] = field(default_factory=dict)

    def find_desa(self, kecamatan: Kecamatan | None) -> Callable[[Cell, str], Desa]:
        def find(value: Cell, column: str) -> Desa:
            if kecamatan is None:
                raise ValidationError(_("%(column)s %(value)s needs the row's kecamatan.",
                                        column=column, value=quoted(value)))
            if kecamatan.id not in self.desa_indexes:
                self.desa_indexes[kecamatan.id] = services.desa_index(kecamatan)
            return services.resolve_place(cell_text(value), self.desa_indexes[kecamatan.id],
                                          kecamatan.full_name)
        return find

    def row(self, raw: RawRow) -> _RowCheck:
        reader = RowReader(raw, self.columns)
        text = {name: reader.read(name, _TEXT_PARSERS[name], default="")
                for name in TEXT_FIELDS}
        name_front, text["name"], name_back = split_titles(text["name"])
        cell_front, cell_back = reader.read("titles", _parse_title_cell, default=("", ""))
        text["front_titles"] = merge_titles(text["front_titles"], cell_front, name_front,
                                            separator=" ")
        text["back_titles"] = merge_titles(cell_back, text["back_titles"], name_back,
                                           separator=", ")
        nik = reader.read("nik", _parse_nik)
        nip = reader.read("nip", _parse_nip, default="")
        nrp = reader.read("nrp", _parse_nrp, default="")
        gender = reader.read("gender", _parse_gender)
        institution = reader.read("institution", self.institutions.find)
        kecamatan = reader.read("kecamatan", self.find_kecamatan)
        desa = reader.read("desa", self.find_desa(kecamatan))
        phone = reader.read("phone", _parse_phone, default="")
        if institution is PENDING:
            key = institution_services.institution_key(clean_text(raw.cells["institution"]))
            self.institutions.unknown[key].rows.append(raw.row)
        if reader.problems or institution is PENDING:
            return _RowCheck(nik, None, reader.problems)
        data = services.ParticipantInput(
            **text, nik=nik, nip=nip, nrp=nrp, gender=gender, institution_id=institution.id,
            kecamatan_id=kecamatan.id if kecamatan else None,
            desa_id=desa.id if desa else None, phone=phone)
        try:
            participant = services.check_participant(self.course, data, self.known_kecamatan)
        except ValidationError as error:
            return _RowCheck(nik, None, [error.message])
        return _RowCheck(nik, ParticipantRow(raw.row, participant, institution, kecamatan,
                                             desa), [])


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

MAX_HEADER_CHOICES = MAX_COLUMNS


def checked_institution_choices(choices: dict) -> dict[str, InstitutionChoice]:
    """What a form said about unknown institutions, from its JSON: key → {"id": N} or
    {"new": {"name", "short_name", "kind", "region_id"}}; anything else is refused."""
    unreadable = ValidationError(_("The answers about the file's institutions could not be "
                                   "read; check the file again."), field="institutions")
    if not isinstance(choices, dict) or len(choices) > MAX_ROWS:
        raise unreadable
    checked: dict[str, InstitutionChoice] = {}
    for key, choice in choices.items():
        if not isinstance(key, str) or not isinstance(choice, dict):
            raise unreadable
        if isinstance(choice.get("id"), int):
            checked[key] = choice["id"]
            continue
        new = choice.get("new")
        try:
            checked[key] = institution_services.NewInstitution(
                name=str(new["name"]), short_name=str(new["short_name"]),
                kind=InstitutionKind(new["kind"]),
                region_id=int(new["region_id"]) if new.get("region_id") else None)
        except (TypeError, KeyError, ValueError):
            raise unreadable from None
    return checked


def institution_choices_json(choices: dict[str, InstitutionChoice]) -> dict:
    """The choices as checked_institution_choices reads them back."""
    return {key: {"id": choice} if isinstance(choice, int) else {"new": {
        "name": choice.name, "short_name": choice.short_name, "kind": choice.kind.value,
        "region_id": choice.region_id}} for key, choice in choices.items()}


def checked_header_choices(choices: dict) -> dict[str, str]:
    """What a form said about headers (header_key → column or IGNORE), checked: anything
    else is refused, since the answers are kept with the course."""
    if not isinstance(choices, dict) or len(choices) > MAX_HEADER_CHOICES or not all(
            isinstance(key, str) and key == header_key(key) and key
            and value in (*MAPPABLE, IGNORE) for key, value in choices.items()):
        raise ValidationError(_("The answers about the file's columns could not be read; "
                                "check the file again."), field="headers")
    return dict(choices)


def header_choices(ignored: Iterable[str] = (), mapped: Iterable[str] = ()
                   ) -> dict[str, str]:
    """What an operator says about unrecognised headers: headers to ignore, and
    'HEADER=field' pairs (the field by its name, e.g. nik, or by one of its headers)."""
    choices = {header_key(header): IGNORE for header in ignored}
    for pair in mapped:
        header, _equals, wanted = pair.partition("=")
        column = wanted.strip() if wanted.strip() in MAPPABLE else COLUMNS.name_of(wanted)
        if not header.strip() or column not in MAPPABLE:
            raise ValidationError(_(
                "%(pair)s does not say HEADER=field with a field of %(fields)s.",
                pair=f"'{pair}'", fields=", ".join(MAPPABLE)), field="map")
        choices[header_key(header)] = column
    return choices


def preview_participants(course: Course, filename: str, data: bytes, *, waitlist: bool,
                         headers: dict[str, str] | None = None,
                         institutions: dict[str, InstitutionChoice] | None = None
                         ) -> ParticipantPreview:
    """Read and check the whole file; writes nothing. With `waitlist` the rows beyond the
    seats left will be waitlisted, without it they are errors. `headers` says what the
    file's unrecognised headers are (header_key → column, or IGNORE), on top of what the
    course's earlier imports said; a header neither knows is never dropped silently: the
    preview lists it and refuses the file. `institutions` says what the file's unknown
    institution names are; applying that is written to the session and left for the
    caller to commit (apply_participants) or roll back."""
    chosen = {**course.participant_columns, **(headers or {})}
    preview = ParticipantPreview(waitlist=waitlist, headers=chosen)
    columns = COLUMNS.with_headers(chosen)
    try:
        sheet = read_sheet(filename, data, columns, no_rows_message=_(
            "The file has no participant rows below its header."))
    except ValidationError as error:
        preview.errors.append((None, error.message))
        return preview
    raws = sheet.rows
    preview.unknown_headers = [header for header in sheet.unknown_headers
                               if header_key(header) not in chosen]
    if preview.unknown_headers:
        preview.errors.append((None, _(
            "Unrecognised column(s): %(headers)s. Say for each which field it holds, or "
            "that it is to be ignored.", headers=", ".join(
                f"'{header}'" for header in preview.unknown_headers))))
    institutions = _Institutions(course, institutions or {})
    institutions.apply_choices({
        institution_services.institution_key(clean_text(raw.cells.get("institution"))):
            clean_text(raw.cells.get("institution")) for raw in raws})
    preview.errors += [(None, problem) for problem in institutions.problems]
    check = _FileCheck(course, columns, institutions, _kecamatan_finder(course))
    checks = [check.row(raw) for raw in raws]
    preview.unknown_institutions = list(institutions.unknown.values())
    if preview.unknown_institutions:
        preview.errors.append((None, _(
            "Institutions not in the list yet: %(names)s. Say for each which known "
            "institution it is, or create it.", names="; ".join(
                _("%(name)s (rows %(rows)s)", name=f"'{unknown.written}'",
                  rows=", ".join(map(str, unknown.rows)))
                for unknown in preview.unknown_institutions))))
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
    # The next file of this course is read the same way without asking again.
    course.participant_columns = dict(preview.headers)
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


def confirm_upload(stash: UploadStash, name: str, *, waitlist: bool, actor=None,
                   headers: dict[str, str] | None = None,
                   institutions: dict[str, InstitutionChoice] | None = None
                   ) -> list[Registration]:
    """Import a stashed file after its preview, read with the same answers about its
    headers and institutions: checked again, written whole (new institutions and aliases
    with the participants), dropped."""
    preview = preview_participants(stash.course, name, stash.load(name), waitlist=waitlist,
                                   headers=headers, institutions=institutions)
    if not preview.ok:
        db.session.rollback()
        raise ValidationError(_("The file has errors; correct them and import it again."))
    registrations = apply_participants(stash.course, preview, actor=actor)
    stash.drop(name)
    return registrations
