"""Participants from spreadsheets: an all-or-nothing XLSX/CSV import.

`preview_participants()` reads and checks the whole file, writing nothing: every row's
problems with its row number, duplicates within the file and against the course, and who
would be waitlisted. `apply_participants()` registers the previewed rows in one
transaction. An exported file imports back unchanged: the import ignores the columns only
an export has (No, Status, Kode Badge).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.institutions import services as institution_services
from bimtek.institutions.models import InstitutionKind
from bimtek.registration import services
from bimtek.registration.identity import clean_text
from bimtek.registration.import_rows import (
    FileCheck,
    FileInstitutions,
    InstitutionChoice,
    ParticipantRow,
    RowCheck,
    UnknownInstitution,
    kecamatan_finder,
)
from bimtek.registration.models import Registration
from bimtek.spreadsheets import (
    MAX_COLUMNS,
    MAX_ROWS,
    Columns,
    FilePreview,
    RawRow,
    UploadStash,
    header_key,
    read_sheet,
    row_error,
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


# --- what a preview holds --------------------------------------------------------------

@dataclass
class ParticipantPreview(FilePreview):
    """What importing the file would do."""

    waitlist: bool
    rows: list[ParticipantRow] = field(default_factory=list)
    # Headers the file has that no column is known by, and what was said about headers.
    unknown_headers: list[str] = field(default_factory=list)
    unknown_institutions: list[UnknownInstitution] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

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


# --- checking the rows together --------------------------------------------------------

def _duplicates_in_file(raws: list[RawRow], checks: list[RowCheck]
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
    institutions = FileInstitutions(course, institutions or {})
    institutions.apply_choices({
        institution_services.institution_key(clean_text(raw.cells.get("institution"))):
            clean_text(raw.cells.get("institution")) for raw in raws})
    preview.errors += [(None, problem) for problem in institutions.problems]
    check = FileCheck(course, columns, institutions, kecamatan_finder(course))
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
    return services.register_many(course, [row.participant for row in preview.rows],
                                  actor=actor, waitlist_when_full=preview.waitlist)


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
        raise ValidationError(_("The file has errors; correct them and import it again."))
    registrations = apply_participants(stash.course, preview, actor=actor)
    stash.drop(name)
    return registrations
