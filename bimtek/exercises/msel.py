"""The MSEL (master scenario events list): its injects, edited one by one or imported
from a spreadsheet whole or not at all, exported back, and listed with the teams'
responses, in MSEL order or as released.

`preview_msel()` reads and checks every row against the exercise (its teams and
objectives) and writes nothing; `confirm_upload()` checks the stashed file again and
replaces the MSEL with it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bimtek import audit
from bimtek.auth.models import User
from bimtek.concurrency import flush_or_refuse
from bimtek.errors import ValidationError
from bimtek.exercises.access import check_writable
from bimtek.exercises.models import (
    Delivery,
    Exercise,
    Inject,
    Objective,
    Response,
    Team,
)
from bimtek.exercises.setup import clean_text, find_objective
from bimtek.extensions import db
from bimtek.speakers.models import fold_name
from bimtek.spreadsheet_writing import write_table
from bimtek.spreadsheets import (
    XLSX,
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
)
from bimtek.unit_of_work import flush_changes

MAX_OFFSET_MINUTES = 7 * 24 * 60
# Far beyond any MSEL, and well inside the database's 32-bit column.
MAX_INJECT_NUMBER = 99_999
COLUMNS = Columns({
    "number": ("No", "Number", "Nomor", "No."),
    "scenario_time": ("Waktu skenario", "Scenario time"),
    "planned_offset_minutes": ("Menit ke-", "Offset (minutes)", "Menit", "Offset"),
    "delivery": ("Media", "Delivery"),
    "sender": ("Dari", "From"),
    "to": ("Kepada", "To"),
    "message": ("Pesan", "Message"),
    "expected_actions": ("Tindakan yang diharapkan", "Expected actions"),
    "objective": ("Sasaran", "Objective"),
}, required=("number", "message"))

# The words a file may use for each delivery; an export writes the first.
DELIVERY_WORDS = {
    Delivery.MESSAGE: ("Pesan", "message", "pesan singkat", "sms", "whatsapp"),
    Delivery.PHONE: ("Telepon", "phone", "phone call", "panggilan telepon", "telpon"),
    Delivery.SOCIAL: ("Media sosial", "social", "social-media post", "social media",
                      "medsos"),
    Delivery.FIELD_REPORT: ("Laporan lapangan", "field_report", "field report", "laporan"),
    Delivery.NEWS: ("Berita", "news"),
}
DELIVERY_BY_WORD = {fold_name(word): delivery
                    for delivery, words in DELIVERY_WORDS.items() for word in words}
ALL_TEAMS = "Semua tim"
ALL_TEAMS_WORDS = {fold_name(word) for word in (ALL_TEAMS, "semua", "all teams", "all")}
# The service's field names that are not the file's column names.
FIELD_COLUMNS = {"target_team_ids": "to", "objective_id": "objective"}
TEAM_SEPARATORS = re.compile(r"[;,]")
TEAM_NUMBER = re.compile(r"(?:tim|team)?\s*(\d+)", re.IGNORECASE)


@dataclass
class MselPreview(FilePreview):
    """What importing the file would do."""

    rows: list[tuple[int, InjectInput]] = field(default_factory=list)


# --- editing ---------------------------------------------------------------------------

@dataclass
class InjectInput:
    number: int
    message: str
    scenario_time: str = ""
    planned_offset_minutes: int = 0
    delivery: Delivery | str = Delivery.MESSAGE
    sender: str = ""
    to_all_teams: bool = True
    target_team_ids: Sequence[int] = ()
    expected_actions: str = ""
    objective_id: int | None = None


def find_inject(exercise: Exercise, inject_id: int) -> Inject | None:
    return db.session.scalar(select(Inject).where(Inject.id == inject_id,
                                                  Inject.exercise_id == exercise.id))


def next_inject_number(exercise: Exercise) -> int:
    return max((inject.number for inject in exercise.injects), default=0) + 1


def check_inject(exercise: Exercise, data: InjectInput, *, taken: Iterable[int] = ()
                 ) -> dict:
    """The inject's column values, or ValidationError naming the field; `taken` are the
    numbers other injects already use."""
    columns = Inject.__table__.c
    if data.number is None or not 1 <= data.number <= MAX_INJECT_NUMBER:
        raise ValidationError(_("The number must be between 1 and %(most)d.",
                                most=MAX_INJECT_NUMBER), field="number")
    if data.number in set(taken):
        raise ValidationError(_("Inject number %(number)d is already used.",
                                number=data.number), field="number")
    if not 0 <= (data.planned_offset_minutes or 0) <= MAX_OFFSET_MINUTES:
        raise ValidationError(_("The planned offset must be between 0 and %(most)d minutes.",
                                most=MAX_OFFSET_MINUTES), field="planned_offset_minutes")
    try:
        delivery = Delivery(data.delivery)
    except ValueError:
        raise ValidationError(_("Choose how the inject is delivered."),
                              field="delivery") from None
    teams = {team.id: team for team in exercise.teams}
    strangers = [team_id for team_id in data.target_team_ids if team_id not in teams]
    if strangers:
        raise ValidationError(_("The inject is addressed to a team that is not in this "
                                "exercise."), field="target_team_ids")
    targets = [teams[team_id] for team_id in dict.fromkeys(data.target_team_ids)]
    if not data.to_all_teams and not targets:
        raise ValidationError(_("Choose the teams the inject goes to, or send it to all "
                                "teams."), field="target_team_ids")
    if data.objective_id is not None and find_objective(exercise, data.objective_id) is None:
        raise ValidationError(_("Choose an objective of this exercise."), field="objective_id")
    return {
        "number": data.number,
        "message": clean_text(data.message, columns.message, "message", lines=True,
                              required=_("The message is required.")),
        "scenario_time": clean_text(data.scenario_time, columns.scenario_time, "scenario_time"),
        "planned_offset_minutes": data.planned_offset_minutes or 0,
        "delivery": delivery,
        "sender": clean_text(data.sender, columns.sender, "sender"),
        "to_all_teams": bool(data.to_all_teams),
        "targets": [] if data.to_all_teams else sorted(targets, key=lambda t: t.number),
        "expected_actions": clean_text(data.expected_actions, columns.expected_actions,
                                       "expected_actions", lines=True),
        "objective_id": data.objective_id,
    }


def _unreleased(inject: Inject) -> None:
    if inject.released_at is not None:
        raise ValidationError(_("Inject %(number)d has been released; it can no longer be "
                                "changed.", number=inject.number))


def _commit_msel() -> None:
    # Another facilitator may take the same number at the same moment.
    flush_or_refuse(_("Someone changed the MSEL at the same moment. Nothing was saved; "
                       "please try again."), field="number")


def add_inject(exercise: Exercise, data: InjectInput, *, actor: User | None = None
               ) -> Inject:
    check_writable(exercise)
    fields = check_inject(exercise, data, taken=(i.number for i in exercise.injects))
    inject = Inject(**fields)
    exercise.injects.append(inject)
    db.session.flush()
    audit.record("exercise.inject_added", exercise, actor=actor, number=inject.number)
    _commit_msel()
    return inject


def update_inject(inject: Inject, data: InjectInput, *, actor: User | None = None) -> Inject:
    exercise = inject.exercise
    check_writable(exercise)
    _unreleased(inject)
    fields = check_inject(exercise, data,
                          taken=(i.number for i in exercise.injects if i is not inject))
    for name, value in fields.items():
        setattr(inject, name, value)
    audit.record("exercise.inject_changed", exercise, actor=actor, number=inject.number)
    _commit_msel()
    return inject


def delete_inject(inject: Inject, *, actor: User | None = None) -> None:
    exercise = inject.exercise
    check_writable(exercise)
    _unreleased(inject)
    audit.record("exercise.inject_deleted", exercise, actor=actor, number=inject.number)
    exercise.injects.remove(inject)
    flush_changes()


def replace_msel(exercise: Exercise, injects: Sequence[InjectInput], *,
                 actor: User | None = None) -> list[Inject]:
    """The MSEL becomes `injects`, all of them or none; only while no inject has been
    released, since participants may have answered one."""
    check_writable(exercise)
    if any(inject.released_at is not None for inject in exercise.injects):
        raise ValidationError(_("Injects have already been released: the MSEL can no longer "
                                "be replaced. Change the injects one by one."), field="file")
    rows, taken = [], set()
    for data in injects:
        rows.append(Inject(**check_inject(exercise, data, taken=taken)))
        taken.add(data.number)
    exercise.injects.clear()
    # The old numbers are gone before the new ones arrive.
    db.session.flush()
    exercise.injects.extend(rows)
    audit.record("exercise.msel_imported", exercise, actor=actor, injects=len(rows))
    _commit_msel()
    return rows


# --- the MSEL and the timeline, with the teams' responses ------------------------------

@dataclass
class TimelineEntry:
    inject: Inject
    teams: list[Team]  # the teams it is addressed to
    responses: dict[int, Response]  # by team id

    @property
    def released(self) -> bool:
        return self.inject.released_at is not None


def _entries(exercise: Exercise, injects: Sequence[Inject]) -> list[TimelineEntry]:
    responses: dict[int, dict[int, Response]] = {}
    for response in db.session.scalars(
            select(Response).join(Inject).where(Inject.exercise_id == exercise.id)
            .options(selectinload(Response.submitted_by))):
        responses.setdefault(response.inject_id, {})[response.team_id] = response
    teams = list(exercise.teams)
    return [TimelineEntry(inject, teams if inject.to_all_teams else list(inject.targets),
                          responses.get(inject.id, {}))
            for inject in injects]


def _injects(exercise: Exercise):
    return select(Inject).where(Inject.exercise_id == exercise.id).options(
        selectinload(Inject.targets), selectinload(Inject.objective))


def msel(exercise: Exercise) -> list[TimelineEntry]:
    """Every inject in MSEL order, released or planned, with the teams' responses."""
    return _entries(exercise, db.session.scalars(
        _injects(exercise).order_by(Inject.number)).all())


def timeline(exercise: Exercise) -> list[TimelineEntry]:
    """The released injects in the order they were released, each with the response (text,
    time, late) of every team it reached, by team id."""
    return _entries(exercise, db.session.scalars(
        _injects(exercise).where(Inject.released_at.is_not(None))
        .order_by(Inject.released_at, Inject.number)).all())


# --- export ----------------------------------------------------------------------------

def _addressees(inject: Inject) -> str:
    return ALL_TEAMS if inject.to_all_teams else "; ".join(t.name for t in inject.targets)


def msel_table(exercise: Exercise) -> bytes:
    """The MSEL as an .xlsx file that imports back as it is."""
    names = list(COLUMNS.spellings)
    rows = [(entry.inject.number, entry.inject.scenario_time,
             entry.inject.planned_offset_minutes, DELIVERY_WORDS[entry.inject.delivery][0],
             entry.inject.sender, _addressees(entry.inject), entry.inject.message,
             entry.inject.expected_actions,
             entry.inject.objective.title if entry.inject.objective else "")
            for entry in msel(exercise)]
    return write_table(XLSX, [COLUMNS.header(name) for name in names], rows, title="MSEL")


# --- import ----------------------------------------------------------------------------

def _whole_number(value: Cell, column: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = cell_text(value)
    if text.isascii() and text.isdigit():  # not '¹' or other digits int() refuses
        return int(text)
    raise ValidationError(_("%(column)s %(value)s is not a whole number.", column=column,
                            value=quoted(value)))


def _line(value: Cell, _column: str) -> str:
    return cell_text(value)


def _lines(value: Cell, _column: str) -> str:
    """Text that may run over several lines: only its ends are trimmed."""
    return str(value).strip()


def _delivery(value: Cell, column: str) -> Delivery:
    delivery = DELIVERY_BY_WORD.get(fold_name(cell_text(value)))
    if delivery is None:
        raise ValidationError(_("%(column)s %(value)s is not a delivery; write one of "
                                "%(choices)s.", column=column, value=quoted(value),
                                choices=", ".join(w[0] for w in DELIVERY_WORDS.values())))
    return delivery


def _team_reader(exercise: Exercise):
    by_number = {team.number: team for team in exercise.teams}
    by_name = {fold_name(team.name): team for team in exercise.teams}

    def parse(value: Cell, column: str) -> list[Team] | None:
        """None for all teams, else the teams named, by name or number."""
        if fold_name(cell_text(value)) in ALL_TEAMS_WORDS:
            return None
        teams = []
        for written in filter(None, (w.strip() for w in TEAM_SEPARATORS.split(
                cell_text(value)))):
            match = TEAM_NUMBER.fullmatch(written)
            team = by_name.get(fold_name(written)) or (
                by_number.get(int(match[1])) if match else None)
            if team is None:
                raise ValidationError(_("%(column)s: this exercise has no team %(team)s.",
                                        column=column, team=quoted(written)))
            teams.append(team)
        return teams

    return parse


def _objective_reader(exercise: Exercise):
    by_title = {fold_name(o.title): o for o in exercise.objectives}

    def parse(value: Cell, column: str) -> Objective:
        """An objective by its number in the list or by its title."""
        text = cell_text(value)
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(exercise.objectives):
            return exercise.objectives[int(text) - 1]
        objective = by_title.get(fold_name(text))
        if objective is None:
            raise ValidationError(_("%(column)s: this exercise has no objective %(value)s.",
                                    column=column, value=quoted(value)))
        return objective

    return parse


def _parse_row(exercise: Exercise, raw: RawRow, teams, objectives
               ) -> tuple[InjectInput | None, list[str]]:
    reader = RowReader(raw, COLUMNS)
    # Read in the file's column order, so that a row's problems are listed in it too.
    number = reader.read("number", _whole_number)
    scenario_time = reader.read("scenario_time", _line, "")
    offset = reader.read("planned_offset_minutes", _whole_number, 0)
    delivery = reader.read("delivery", _delivery, Delivery.MESSAGE)
    sender = reader.read("sender", _line, "")
    targets = reader.read("to", teams)
    message = reader.read("message", _line, "")
    expected = reader.read("expected_actions", _lines, "")
    objective = reader.read("objective", objectives)
    if reader.problems:
        return None, reader.problems
    data = InjectInput(
        number=number, scenario_time=scenario_time, planned_offset_minutes=offset,
        delivery=delivery, sender=sender, to_all_teams=targets is None,
        target_team_ids=[t.id for t in targets or ()], message=message,
        expected_actions=expected, objective_id=objective.id if objective else None)
    try:
        check_inject(exercise, data)
    except ValidationError as error:
        column = FIELD_COLUMNS.get(error.field, error.field)
        if column not in COLUMNS.spellings:
            return None, [error.message]
        return None, [_("%(column)s: %(message)s", column=COLUMNS.label(column),
                        message=error.message)]
    return data, []


def preview_msel(exercise: Exercise, filename: str, data: bytes) -> MselPreview:
    """Read and check the whole file; writes nothing."""
    preview = MselPreview()
    try:
        raw_rows = read_rows(filename, data, COLUMNS,
                             no_rows_message=_("The file has no injects below its header."))
    except ValidationError as error:
        preview.errors.append((None, error.message))
        return preview
    teams, objectives = _team_reader(exercise), _objective_reader(exercise)
    first_row: dict[int, int] = {}
    for raw in raw_rows:
        row, problems = _parse_row(exercise, raw, teams, objectives)
        if row is not None and row.number in first_row:
            problems = [_("%(column)s %(number)d is already used in row %(row)d.",
                          column=COLUMNS.label("number"), number=row.number,
                          row=first_row[row.number])]
        preview.errors += [row_error(raw.row, problem) for problem in problems]
        if not problems:
            first_row[row.number] = raw.row
            preview.rows.append((raw.row, row))
    return preview


def confirm_upload(stash: UploadStash, exercise: Exercise, name: str, *, actor=None
                   ) -> list[Inject]:
    """Import a stashed file after its preview: checked again, written whole, dropped."""
    preview = preview_msel(exercise, name, stash.load(name))
    if not preview.ok:
        raise ValidationError(_("The file has errors; correct them and import it again."),
                              field="file")
    injects = replace_msel(exercise, [row for _row, row in preview.rows], actor=actor)
    stash.drop(name)
    return injects
