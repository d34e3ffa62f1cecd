"""Agenda import from an XLSX or CSV file, all rows or none.

`preview_import()` reads and checks the whole file and tells which speakers, rooms and
institutions will be matched or created; `apply_import()` writes it in one transaction.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.concurrency import compare_and_set
from bimtek.courses.agenda import SessionInput, add_sessions, check_session, find_room_by_name
from bimtek.courses.models import Course, Room, Session, SessionKind
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.speakers.models import Speaker, SpeakerRole, fold_name, speaker_match_key
from bimtek.speakers.names import split_titles
from bimtek.spreadsheets import (
    Cell,
    Columns,
    FilePreview,
    RawRow,
    RowReader,
    UploadStash,
    cell_text,
    quoted,
    read_rows,
    row_error,
    text_within,
)

COLUMNS = Columns({
    "day": ("Tanggal", "Date"),
    "starts_at": ("Mulai", "Start"),
    "ends_at": ("Selesai", "End"),
    "title": ("Materi", "Title", "Material"),
    "kind": ("Jenis", "Kind", "Type"),
    "room": ("Ruang", "Room"),
    "speakers": ("Narasumber", "Speakers", "Speaker"),
    "institution": ("Instansi", "Institution"),
    "jp": ("JP",),
}, required=("day", "starts_at", "ends_at", "title"))
SPEAKER_SEPARATOR = ";"

KIND_WORDS = {
    "registrasi": SessionKind.REGISTRATION,
    "pembukaan": SessionKind.OPENING,
    "materi": SessionKind.MATERIAL,
    "diskusi": SessionKind.DISCUSSION,
    "simulasi": SessionKind.SIMULATION,
    "istirahat": SessionKind.BREAK,
    "ishoma": SessionKind.BREAK,
    "coffee break": SessionKind.BREAK,
    "penutupan": SessionKind.CLOSING,
    **{kind.value: kind for kind in SessionKind},
}

MONTHS = {
    name: number
    for number, names in enumerate((
        ("januari", "january", "jan"),
        ("februari", "pebruari", "february", "feb"),
        ("maret", "march", "mar"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("agustus", "august", "agu", "agt", "aug"),
        ("september", "sept", "sep"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nopember", "nov"),
        ("desember", "december", "des", "dec"),
    ), start=1)
    for name in names
}
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")
# Spreadsheets exported to CSV may add a midnight time to a date.
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
# "28 Oktober 2024", with or without a weekday in front: "Senin, 28 Oktober 2024".
WORDED_DATE = re.compile(r"(?:[^\W\d]+,?\s+)?(\d{1,2})\s+([^\W\d]+)\s+(\d{4})")
TIME_TEXT = re.compile(r"(\d{1,2})[.:](\d{2})(?:[.:]\d{2})?")
MINUTES_PER_DAY = 24 * 60


@dataclass
class ImportRow:
    """One checked row of the file, ready to become a session."""

    row: int
    day: date
    starts_at: time
    ends_at: time
    title: str
    kind: SessionKind
    room: str | None
    speakers: list[str]  # as written in the file, titles included
    jp: int | None  # None: the kind's default
    institution: str | None


@dataclass
class ImportPreview(FilePreview):
    """What importing the file would do."""

    agenda_version: int
    rows: list[ImportRow] = field(default_factory=list)
    speakers_matched: list[str] = field(default_factory=list)
    speakers_created: list[str] = field(default_factory=list)
    rooms_matched: list[str] = field(default_factory=list)
    rooms_created: list[str] = field(default_factory=list)
    institutions_matched: list[str] = field(default_factory=list)
    institutions_created: list[str] = field(default_factory=list)


# --- reading the file ------------------------------------------------------------------

def read_agenda_file(filename: str, data: bytes) -> list[RawRow]:
    """The agenda rows of a .xlsx or .csv file, numbered as in the spreadsheet."""
    return read_rows(filename, data, COLUMNS,
                     no_rows_message=_("The file has no agenda rows below its header."))


# --- reading the cells -----------------------------------------------------------------

def _parse_date(value: Cell, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    try:
        if match := DAY_MONTH_YEAR.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := ISO_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if (match := WORDED_DATE.fullmatch(text)) and match[2].casefold() in MONTHS:
            return date(int(match[3]), MONTHS[match[2].casefold()], int(match[1]))
    except ValueError:
        pass  # the shape of a date but no such day, like 31/02/2024
    raise ValidationError(_("%(column)s %(value)s is not a date; write it like 28/10/2024.",
                            column=column, value=quoted(value)))


def _parse_time(value: Cell, column: str) -> time:
    minutes = _minutes_of_day(value)
    if minutes is None or not 0 <= minutes < MINUTES_PER_DAY:
        raise ValidationError(_("%(column)s %(value)s is not a time; write it like 08.00.",
                                column=column, value=quoted(value)))
    return time(*divmod(minutes, 60))


def _minutes_of_day(value: Cell) -> int | None:
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        # Rounded: Excel stores times as binary fractions, so 08:00 may come back 07:59:59.9.
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return round(seconds / 60)
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 60)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None  # a crafted workbook's 1E999: no time of day, and no whole minutes
        if 0 <= value < 1:
            return round(value * MINUTES_PER_DAY)  # a time cell's raw value: part of a day
        # "08.30" typed into a General cell becomes the number 8.3: hours, then minutes.
        hours, fraction = divmod(value, 1)
        minutes = round(fraction * 100)
        return int(hours) * 60 + minutes if minutes < 60 else None
    match = TIME_TEXT.fullmatch(cell_text(value))
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return int(match[1]) * 60 + int(match[2])


def _parse_jp(value: Cell, column: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value)
    # Negative numbers pass here so that check_session names the actual problem.
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise ValidationError(_("%(column)s must be a whole number, not %(value)s.",
                            column=column, value=quoted(value)))


def _parse_kind(value: Cell, column: str) -> SessionKind:
    kind = KIND_WORDS.get(fold_name(cell_text(value)))
    if kind is None:
        raise ValidationError(
            _("%(column)s %(value)s is unknown; use one of: %(kinds)s.",
              column=column, value=quoted(value), kinds=", ".join(KIND_WORDS)))
    return kind


SPEAKER_PARTS = (Speaker.__table__.c.front_titles, Speaker.__table__.c.name,
                 Speaker.__table__.c.back_titles)


def _parse_speakers(value: Cell, column: str) -> list[str]:
    names = [" ".join(name.split()) for name in cell_text(value).split(SPEAKER_SEPARATOR)]
    names = [name for name in names if name]
    seen = set()
    for name in names:
        parts = split_titles(name)
        if any(len(part) > limit.type.length for part, limit in zip(parts, SPEAKER_PARTS,
                                                                      strict=True)):
            raise ValidationError(_("%(name)s is too long for the speakers' directory.",
                                    name=name))
        if _speaker_key(name) in seen:
            raise ValidationError(_("%(name)s is listed twice.", name=name))
        seen.add(_speaker_key(name))
    return names


def _speaker_key(written: str) -> str:
    return speaker_match_key(split_titles(written)[1])


def _parse_row(course: Course, raw: RawRow) -> tuple[ImportRow | None, list[str]]:
    reader = RowReader(raw, COLUMNS)
    fields = dict(
        day=reader.read("day", _parse_date),
        starts_at=reader.read("starts_at", _parse_time),
        ends_at=reader.read("ends_at", _parse_time),
        title=reader.read("title", text_within(Session.__table__.c.title)),
        kind=reader.read("kind", _parse_kind, default=SessionKind.MATERIAL),
        room=reader.read("room", text_within(Room.__table__.c.name)),
        speakers=reader.read("speakers", _parse_speakers, default=[]),
        jp=reader.read("jp", _parse_jp),
        institution=reader.read("institution", text_within(Institution.__table__.c.name)),
    )
    if reader.problems:
        return None, reader.problems
    row = ImportRow(row=raw.row, **fields)
    try:
        check_session(course, SessionInput(day=row.day, starts_at=row.starts_at,
                                           ends_at=row.ends_at, title=row.title,
                                           kind=row.kind, jp=row.jp))
    except ValidationError as error:
        return None, [error.message]
    return row, []


# --- matching names with the database --------------------------------------------------

@dataclass
class _Resolved:
    """The file's names, folded, each with its existing row or a new unsaved one."""

    institutions: dict[str, Institution] = field(default_factory=dict)
    speakers: dict[str, Speaker] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _is_new(record: db.Model) -> bool:
    return sa.inspect(record).transient


def _resolve(course: Course, rows: list[ImportRow]) -> _Resolved:
    """Rooms are the course's; speakers are matched on their name without titles; an
    institution is looked up only for speakers that will be created."""
    resolved = _Resolved()
    institutions = {fold_name(name): institution
                    for institution in db.session.scalars(select(Institution))
                    for name in (institution.short_name, institution.name)}
    keys = {_speaker_key(name) for row in rows for name in row.speakers}
    directory: dict[str, list[Speaker]] = {}
    for speaker in db.session.scalars(select(Speaker).where(Speaker.match_key.in_(keys))
                                      .order_by(Speaker.id)):
        directory.setdefault(speaker.match_key, []).append(speaker)

    def institution_of(row: ImportRow) -> Institution | None:
        if not row.institution:
            return None
        key = fold_name(row.institution)
        if key not in institutions:
            institutions[key] = Institution(name=row.institution, short_name=row.institution)
            if len(row.institution) > Institution.__table__.c.short_name.type.length:
                resolved.errors.append(row_error(row.row, _(
                    "%(column)s is longer than %(limit)d characters.",
                    column=COLUMNS.label("institution"),
                    limit=Institution.__table__.c.short_name.type.length)))
        resolved.institutions[key] = institutions[key]
        return institutions[key]

    for row in rows:
        if row.room and fold_name(row.room) not in resolved.rooms:
            resolved.rooms[fold_name(row.room)] = find_room_by_name(course, row.room) or Room(
                course_id=course.id, name=row.room, is_plenary=False)
        for written in row.speakers:
            key = _speaker_key(written)
            if key in resolved.speakers:
                speaker = resolved.speakers[key]
                if _is_new(speaker) and speaker.institution is None:
                    speaker.institution = institution_of(row)
                continue
            matches = directory.get(key, [])
            if len(matches) > 1:
                resolved.errors.append(row_error(row.row, _(
                    "%(name)s matches %(count)d speakers in the directory; "
                    "make their names differ first.", name=written, count=len(matches))))
            elif matches:
                resolved.speakers[key] = matches[0]
            else:
                front_titles, name, back_titles = split_titles(written)
                resolved.speakers[key] = Speaker(
                    front_titles=front_titles, name=name, back_titles=back_titles,
                    institution=institution_of(row))
    return resolved


def _matched_and_created(records: Iterable[db.Model], name_of: Callable[[db.Model], str]
                         ) -> tuple[list[str], list[str]]:
    records = list(records)
    return ([name_of(record) for record in records if not _is_new(record)],
            [name_of(record) for record in records if _is_new(record)])


# --- preview and apply -----------------------------------------------------------------

def _agenda_version(course: Course) -> int:
    return db.session.scalar(select(Course.agenda_version).where(Course.id == course.id))


def preview_import(course: Course, filename: str, data: bytes) -> ImportPreview:
    """Read and check the whole file; writes nothing. Pass `preview.agenda_version` to
    `apply_import()` as the version this preview was made against."""
    # Read before anything else, so the preview is never older than the version it carries.
    preview = ImportPreview(agenda_version=_agenda_version(course))
    try:
        raw_rows = read_agenda_file(filename, data)
    except ValidationError as error:
        preview.errors.append((None, error.message))
        return preview
    for raw in raw_rows:
        row, problems = _parse_row(course, raw)
        preview.errors += [row_error(raw.row, problem) for problem in problems]
        if row is not None:
            preview.rows.append(row)
    resolved = _resolve(course, preview.rows)
    preview.errors += resolved.errors
    preview.errors.sort(key=lambda error: error[0] or 0)
    preview.speakers_matched, preview.speakers_created = _matched_and_created(
        resolved.speakers.values(), lambda speaker: speaker.full_name)
    preview.rooms_matched, preview.rooms_created = _matched_and_created(
        resolved.rooms.values(), lambda room: room.name)
    preview.institutions_matched, preview.institutions_created = _matched_and_created(
        resolved.institutions.values(), lambda institution: institution.short_name)
    return preview


def apply_import(course: Course, preview: ImportPreview, expected_version: int,
                 replace: bool = False) -> list[Session]:
    """Write the previewed agenda in one transaction, creating the missing institutions,
    speakers and rooms; `replace` first deletes the course's sessions. Refuses, writing
    nothing, when the agenda changed since the preview (`expected_version`)."""
    if preview.errors:
        raise ValidationError(_("The file has errors; correct them and import it again."),
                              field="file")
    _claim_agenda(course, expected_version)
    # Names are matched again: the directory may have changed since the preview.
    resolved = _resolve(course, preview.rows)
    if resolved.errors:
        raise ValidationError(resolved.errors[0][1], field="file")
    db.session.add_all(record for record in [*resolved.institutions.values(),
                                             *resolved.speakers.values()]
                       if _is_new(record))
    course.rooms.extend(room for room in resolved.rooms.values() if _is_new(room))
    if replace:
        course.sessions.clear()
    db.session.flush()
    return add_sessions(course, [_session_input(row, resolved) for row in preview.rows])


def _claim_agenda(course: Course, expected_version: int) -> None:
    # Locked from here (a racing import waits, then finds the version moved on).
    if compare_and_set(Course, Course.id == course.id,
                       Course.agenda_version == expected_version,
                       agenda_version=Course.agenda_version) != 1:
        raise ValidationError(
            _("The agenda was changed after this file was checked; check the file again."),
            field="file")
    # Rooms and sessions are read again under the lock.
    db.session.expire(course)


def _session_input(row: ImportRow, resolved: _Resolved) -> SessionInput:
    room = resolved.rooms[fold_name(row.room)] if row.room else None
    return SessionInput(
        day=row.day, starts_at=row.starts_at, ends_at=row.ends_at, title=row.title,
        kind=row.kind, room_id=room.id if room else None, jp=row.jp,
        speakers=[(resolved.speakers[_speaker_key(name)].id, SpeakerRole.NARASUMBER)
                  for name in row.speakers],
    )


# --- the file between its preview and its confirmation ---------------------------------

def confirm_upload(stash: UploadStash, name: str, expected_version: int,
                   replace: bool = False) -> list[Session]:
    """Import a stashed file after its preview: checked again, written whole, dropped."""
    course = stash.course
    preview = preview_import(course, name, stash.load(name))
    if not preview.ok:
        raise ValidationError(_("The file has errors; correct them and import it again."))
    sessions = apply_import(course, preview, expected_version, replace=replace)
    stash.drop(name)
    return sessions
