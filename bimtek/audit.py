"""The audit log: who changed what, when. Rows are only ever added."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
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
