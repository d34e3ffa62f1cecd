"""One day of an agenda laid out as a timetable: rooms across, 15-minute slots down.

Pure layout over the course's rooms and the day's sessions; the template places each
session with grid classes (static/css/timetable.css), since the Content-Security-Policy
forbids style attributes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from bimtek.courses.models import Room, Session
from bimtek.timeutil import shift_time

SLOT_MINUTES = 15
# The grid shows at least a working day, and grows to hold earlier or later sessions.
DAY_STARTS, DAY_ENDS = 7 * 60, 17 * 60
LAST_MINUTE = 24 * 60
# The first grid row holds the rooms' names; the first grid column the hours.
HEADER_ROWS = 1
HOURS_COLUMNS = 1


@dataclass
class Column:
    """A room (None: sessions without one) and the grid columns its lanes take: sessions
    overlapping in one room sit side by side in lanes of its column."""

    room: Room | None
    first: int = 0
    lanes: int = 1
    sessions: list[Placed] = field(default_factory=list)

    @property
    def room_id(self) -> int | None:
        return self.room.id if self.room else None


@dataclass
class Placed:
    session: Session
    row: int
    rows: int
    lane: int = 0
    column: int = 0
    columns: int = 1


@dataclass
class Slot:
    starts_at: time
    row: int


@dataclass
class DayGrid:
    columns: list[Column]
    slots: list[Slot]
    placed: list[Placed]

    @property
    def hours(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.starts_at.minute == 0]

    @property
    def last_column(self) -> int:
        return max((column.first + column.lanes for column in self.columns),
                   default=HOURS_COLUMNS + 1)


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _ends(session: Session) -> int:
    """Minutes after midnight; a session with impossible times takes one slot."""
    return max(_minute(session.ends_at), _minute(session.starts_at) + SLOT_MINUTES)


def day_grid(rooms: list[Room], sessions: list[Session]) -> DayGrid:
    """The timetable of one day's `sessions` across `rooms` (a column for sessions without
    a room when there are any, or when the course has no rooms)."""
    first = min([DAY_STARTS, *(_minute(s.starts_at) // 60 * 60 for s in sessions)])
    last = min(LAST_MINUTE, max([DAY_ENDS, *(-(-_ends(s) // 60) * 60 for s in sessions)]))
    slots = [Slot(shift_time(time(0, 0), minute), HEADER_ROWS + 1 + index)
             for index, minute in enumerate(range(first, last, SLOT_MINUTES))]
    columns = [Column(room) for room in rooms]
    if not rooms or any(s.room_id is None for s in sessions):
        columns.append(Column(None))
    by_room = {column.room_id: column for column in columns}
    placed = []
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.id)):
        start = (_minute(session.starts_at) - first) // SLOT_MINUTES
        end = -(-(_ends(session) - first) // SLOT_MINUTES)
        item = Placed(session, HEADER_ROWS + 1 + start, max(end - start, 1))
        by_room.get(session.room_id, columns[-1]).sessions.append(item)
        placed.append(item)
    next_column = HOURS_COLUMNS + 1
    for column in columns:
        _lay_lanes(column)
        column.first = next_column
        next_column += column.lanes
        for item in column.sessions:
            item.column = column.first + item.lane
    return DayGrid(columns, slots, placed)


def _overlap(first: Placed, second: Placed) -> bool:
    return first.row < second.row + second.rows and second.row < first.row + first.rows


def _lay_lanes(column: Column) -> None:
    """Each session takes the first lane free at its start; one overlapping nothing in its
    room spans the whole column."""
    lane_ends: list[int] = []
    for item in column.sessions:
        lane = next((n for n, ends in enumerate(lane_ends) if ends <= item.row), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(0)
        lane_ends[lane] = item.row + item.rows
        item.lane = lane
    column.lanes = max(len(lane_ends), 1)
    for item in column.sessions:
        if not any(other is not item and _overlap(item, other) for other in column.sessions):
            item.lane, item.columns = 0, column.lanes


def default_end(starts_at: time, minutes: int = 90) -> time | None:
    """Where a session added at `starts_at` ends unless said otherwise: two JP later, when
    that is still the same day."""
    if _minute(starts_at) + minutes >= LAST_MINUTE:
        return None
    return shift_time(starts_at, minutes)

