from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.extensions import db
from bimtek.timeutil import utcnow


class MessageKind(LabelledEnum):
    PERSONAL_LINK = "personal_link", _l("Personal link")
    LOST_LINK = "lost_link", _l("Lost link")
    CONFIRMATION = "confirmation", _l("Registration confirmation")
    AGENDA_CHANGE = "agenda_change", _l("Agenda change")
    CERTIFICATE = "certificate", _l("Certificate available")


class MessageStatus(LabelledEnum):
    QUEUED = "queued", _l("Waiting")
    SENT = "sent", _l("Sent")
    OUTBOX = "outbox", _l("In the outbox folder")
    FAILED = "failed", _l("Failed")


DELIVERED = (MessageStatus.SENT, MessageStatus.OUTBOX)


class JobStatus(LabelledEnum):
    QUEUED = "queued", _l("Waiting")
    RUNNING = "running", _l("Sending")
    DONE = "done", _l("Done")
    FAILED = "failed", _l("Stopped")


class MailJob(db.Model):
    """One sending run in the background; the page polls its progress."""

    __tablename__ = "mail_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column_type(MessageKind))
    status: Mapped[JobStatus] = mapped_column(enum_column_type(JobStatus),
                                              default=JobStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    # Why the job stopped (the server was down): shown with a retry button.
    error: Mapped[str] = mapped_column(sa.Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class OutgoingMessage(db.Model):
    """One e-mail to one person, and what became of it."""

    __tablename__ = "mail_message"
    __table_args__ = (sa.Index("ix_mail_message_registration_kind", "registration_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mail_job.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"))
    speaker_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("speaker.id", ondelete="SET NULL"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column_type(MessageKind))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    recipient_name: Mapped[str] = mapped_column(sa.String(400), default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[MessageStatus] = mapped_column(enum_column_type(MessageStatus),
                                                  default=MessageStatus.QUEUED)
    # The server's answer when it refused the message, or why it was never sent.
    error: Mapped[str] = mapped_column(sa.Text, default="")
    outbox_file: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
