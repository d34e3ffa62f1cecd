"""The MSEL as a spreadsheet: export it, and import it whole or not at all.

`preview_msel()` reads and checks every row against the exercise (its teams and
objectives) and writes nothing; `confirm_upload()` checks the stashed file again and
replaces the MSEL with it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from bimtek.errors import ValidationError
from bimtek.exercises import services
from bimtek.exercises.models import Delivery, Exercise, Inject, Objective, Team
from bimtek.speakers.models import fold_name
from bimtek.spreadsheets import (
    XLSX,
    Cell,
    Columns,
    RawRow,
    RowReader,
    UploadStash,
    cell_text,
    quoted,
    read_rows,
    row_error,
    write_table,
)

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
class MselPreview:
    """What an import would do. `errors` holds (row, message); row is None for the file."""

    rows: list[tuple[int, services.InjectInput]] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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
            for entry in services.msel(exercise)]
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
               ) -> tuple[services.InjectInput | None, list[str]]:
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
    data = services.InjectInput(
        number=number, scenario_time=scenario_time, planned_offset_minutes=offset,
        delivery=delivery, sender=sender, to_all_teams=targets is None,
        target_team_ids=[t.id for t in targets or ()], message=message,
        expected_actions=expected, objective_id=objective.id if objective else None)
    try:
        services.check_inject(exercise, data)
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
    injects = services.replace_msel(exercise, [row for _row, row in preview.rows], actor=actor)
    stash.drop(name)
    return injects
