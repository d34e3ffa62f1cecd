"""Instants are stored in UTC; this is the one clock the app reads."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_set_now: ContextVar[datetime | None] = ContextVar("set_now", default=None)


def utcnow() -> datetime:
    return _set_now.get() or datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def clock_at(instant: datetime) -> Iterator[None]:
    """Within the block, now is `instant` (naive UTC) for this context only: the demo
    records its finished course's past week through the services, which stamp what they
    write with the current time."""
    token = _set_now.set(instant)
    try:
        yield
    finally:
        _set_now.reset(token)


def local_time(instant: datetime, timezone: str) -> datetime:
    """A stored instant (naive UTC) on the clock of `timezone`, e.g. a course's."""
    return instant.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))


def parse_instant(text: str) -> datetime:
    """An ISO-8601 date and time as a stored instant (naive UTC); without an offset it is
    taken as UTC. Raises ValueError for anything else."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def minutes_between(starts_at: time, ends_at: time) -> int:
    """Wall-clock minutes from one time of day to a later one."""
    return (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)


def shift_time(moment: time, minutes: int) -> time:
    return (datetime.combine(date.min, moment) + timedelta(minutes=minutes)).time()


def wall_clock(course, instant: datetime) -> datetime:
    """A stored instant (naive UTC) as the course's local wall-clock time (naive)."""
    return local_time(instant, course.timezone).replace(tzinfo=None)
