"""The audit log: who changed what, when. Rows are only ever added."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.extensions import db
from bimtek.timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60))
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)


def record(action: str, subject, *, actor=None, course_id: int | None = None,
           **details) -> AuditEvent:
    """Add an event to the current transaction: it is kept exactly when the change is."""
    event = AuditEvent(
        action=action, subject_type=type(subject).__tablename__,
        subject_id=subject.id, actor_id=getattr(actor, "id", None),
        course_id=course_id if course_id is not None else getattr(subject, "course_id", None),
        details={key: str(value) if value is not None else None
                 for key, value in details.items()},
    )
    db.session.add(event)
    return event


# How each kind of event reads in a history, in the reader's language. Each package
# registers the events it records, as only it knows their words.
_descriptions: dict[str, Callable[[dict], str]] = {}


def describes(action: str):
    """Registers the decorated function as the words for `action`, given its details."""
    def register(describe: Callable[[dict], str]) -> Callable[[dict], str]:
        _descriptions[action] = describe
        return describe
    return register


@dataclass(frozen=True)
class HistoryLine:
    at: datetime  # stored instant (UTC)
    actor: str | None  # None for the command line, the participant or the desk's scanner
    text: str


def history(subject, actions: tuple[str, ...] = ()) -> list[HistoryLine]:
    """What happened to `subject` (only `actions`, when given), oldest first, each event in
    words with who did it."""
    query = (select(AuditEvent, _accounts.c.name)
             .outerjoin(_accounts, _accounts.c.id == AuditEvent.actor_id)
             .where(AuditEvent.subject_type == type(subject).__tablename__,
                    AuditEvent.subject_id == subject.id)
             .order_by(AuditEvent.at, AuditEvent.id))
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    rows = db.session.execute(query)
    return [HistoryLine(event.at, name, describe(event)) for event, name in rows]


def describe(event: AuditEvent) -> str:
    words = _descriptions.get(event.action)
    return words(event.details) if words else event.action


# Files that carry NIK, NIP or phone numbers leave the app only on the record (UU 27/2022).
PERSONAL_DATA_EXPORT = "personal_data_export"
EXPORT_LOG_LENGTH = 200


def record_export(what: str, course, rows: int, *, actor=None) -> AuditEvent:
    """Who took which file of which course, with how many people in it."""
    return record(PERSONAL_DATA_EXPORT, course, actor=actor, course_id=course.id,
                  what=what, rows=rows)


def export_log(course) -> list[tuple[AuditEvent, str | None]]:
    """The course's latest personal-data exports, newest first, each with its taker's name
    (None for the command line)."""
    return [tuple(row) for row in db.session.execute(
        select(AuditEvent, _accounts.c.name)
        .outerjoin(_accounts, _accounts.c.id == AuditEvent.actor_id)
        .where(AuditEvent.course_id == course.id, AuditEvent.action == PERSONAL_DATA_EXPORT)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(EXPORT_LOG_LENGTH))]


# Only the names are needed here; the accounts' model lives in a module that imports this.
_accounts = sa.table("user", sa.column("id"), sa.column("name"))
