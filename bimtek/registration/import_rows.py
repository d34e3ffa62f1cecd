"""Reading one row of a participant file: its cells, its institution (known, or asked
about once), its kecamatan and desa, checked as a registration would be."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import gettext as _

from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.institutions.models import Institution
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
from bimtek.speakers.names import merge_titles, split_title_cell, split_titles
from bimtek.spreadsheets import Cell, Columns, RawRow, RowReader, cell_text, quoted, text_within

# Excel holds every number as a double, exact to 15 significant digits: a 16-digit NIK or
# 18-digit NIP typed into a General cell is rounded before anyone reads the file, even when
# openpyxl hands it over as a whole int.
EXCEL_SIGNIFICANT_DIGITS = 15


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


class FileInstitutions:
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
                        kind=choice.kind, region_id=choice.region_id)
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


def kecamatan_finder(course: Course) -> Callable[[Cell, str], Kecamatan]:
    """Kecamatan of the course's regions, with their spelling variants; a near miss is
    refused with a suggestion."""
    index = services.kecamatan_index(course)

    def find(value: Cell, _column: str) -> Kecamatan:
        return services.find_kecamatan(course, cell_text(value), index)
    return find


class RowCheck(NamedTuple):
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
class FileCheck:
    """What checking one file's rows needs, looked up once for all of them."""

    course: Course
    columns: Columns
    institutions: FileInstitutions
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

    def row(self, raw: RawRow) -> RowCheck:
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
            return RowCheck(nik, None, reader.problems)
        data = services.ParticipantInput(
            **text, nik=nik, nip=nip, nrp=nrp, gender=gender, institution_id=institution.id,
            kecamatan_id=kecamatan.id if kecamatan else None,
            desa_id=desa.id if desa else None, phone=phone)
        try:
            participant = services.check_participant(self.course, data, self.known_kecamatan)
        except ValidationError as error:
            return RowCheck(nik, None, [error.message])
        return RowCheck(nik, ParticipantRow(raw.row, participant, institution, kecamatan,
                                             desa), [])
