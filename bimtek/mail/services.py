"""Queueing messages, delivering them in a background job, and what was sent to whom.

A message is stored before anything is sent and marked as soon as the server has taken it,
so a retry after a failure sends only what is still waiting: nothing twice."""
from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.mail.models import (
    DELIVERED,
    JobStatus,
    MailJob,
    MessageKind,
    MessageStatus,
    OutgoingMessage,
)
from bimtek.mail.transport import (
    Outbox,
    RecipientRefused,
    ServerUnavailable,
    SmtpConnection,
    parse_smtp_url,
)
from bimtek.timeutil import utcnow
from bimtek.unit_of_work import keep_nothing, keep_progress, queue_after_commit


def invalid_address(address: str) -> str | None:
    """Why `address` cannot receive mail; None when it looks deliverable."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return str(error)
    return None


def message(kind: MessageKind, recipient: str, subject: str, body: str, *,
            recipient_name: str = "", course_id: int | None = None,
            registration_id: int | None = None, speaker_id: int | None = None
            ) -> OutgoingMessage:
    """A message waiting to be sent (added to the session, not committed). An address that
    cannot be valid is recorded as failed at once and never reaches the server."""
    outgoing = OutgoingMessage(kind=kind, recipient=recipient, recipient_name=recipient_name,
                               subject=subject, body=body, course_id=course_id,
                               registration_id=registration_id, speaker_id=speaker_id,
                               status=MessageStatus.QUEUED, error="")
    problem = invalid_address(recipient)
    if problem is not None:
        outgoing.status, outgoing.error = MessageStatus.FAILED, problem
    db.session.add(outgoing)
    return outgoing


def start_job(kind: MessageKind, messages: Iterable[OutgoingMessage], *,
              course_id: int | None = None, by=None, background: bool = True) -> MailJob:
    """Commit the messages as one job, then hand it to the task queue (or, on the command
    line, send them here and now)."""
    from bimtek.mail.tasks import run_job

    messages = list(messages)
    job = MailJob(kind=kind, course_id=course_id, total=len(messages),
                  requested_by_id=getattr(by, "id", None), status=JobStatus.QUEUED, done=0,
                  error="")
    db.session.add(job)
    db.session.flush()
    for outgoing in messages:
        outgoing.job_id = job.id
    job.done = sum(1 for outgoing in messages if outgoing.status != MessageStatus.QUEUED)
    if background:
        queue_after_commit(run_job, job.id)
    else:
        deliver(job.id)
    return job


def retry_job(job: MailJob) -> None:
    """A job stopped by an unreachable server: send what is still waiting."""
    from bimtek.mail.tasks import run_job

    if job.status != JobStatus.FAILED:
        raise ValidationError(_("Only a stopped job can be retried."), field="job")
    job.status, job.error = JobStatus.QUEUED, ""
    queue_after_commit(run_job, job.id)


def _email(outgoing: OutgoingMessage) -> EmailMessage:
    sender = current_app.config["MAIL_FROM"]
    email = EmailMessage()
    email["From"] = sender
    email["To"] = outgoing.recipient
    email["Subject"] = outgoing.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].partition("@")[2] or None)
    email.set_content(outgoing.body, subtype="plain", charset="utf-8")
    return email


def _transport():
    url = current_app.config["SMTP_URL"]
    if url:
        return SmtpConnection(parse_smtp_url(url))
    return Outbox(Path(current_app.config["OUTBOX_DIR"]))


def _deliver_one(transport, outgoing: OutgoingMessage) -> None:
    email = _email(outgoing)
    if isinstance(transport, Outbox):
        outgoing.outbox_file = transport.write(
            f"{outgoing.id:06d}-{outgoing.kind.value}.eml", email)
        outgoing.status = MessageStatus.OUTBOX
    else:
        try:
            transport.send(email)
        except RecipientRefused as refusal:
            outgoing.status, outgoing.error = MessageStatus.FAILED, str(refusal)
            return
        outgoing.status = MessageStatus.SENT
    outgoing.sent_at = utcnow()


def deliver(job_id: int) -> MailJob:
    """Send the job's waiting messages, committing each as it goes. A refused recipient
    is recorded and the batch goes on; an unreachable server stops the job, with the
    reason, and leaves the rest waiting for a retry."""
    job = db.session.get(MailJob, job_id)
    job.status, job.error = JobStatus.RUNNING, ""
    keep_progress()
    waiting = list(db.session.scalars(select(OutgoingMessage).where(
        OutgoingMessage.job_id == job.id, OutgoingMessage.status == MessageStatus.QUEUED)
        .order_by(OutgoingMessage.id)))
    try:
        with _transport() as transport:
            for outgoing in waiting:
                _deliver_one(transport, outgoing)
                job.done += 1
                keep_progress()
    except ServerUnavailable as error:
        keep_nothing()
        job.status, job.error = JobStatus.FAILED, str(error)
    else:
        job.status = JobStatus.DONE
    job.finished_at = utcnow()
    keep_progress()
    return job


# --- what was sent --------------------------------------------------------------------

def latest_per_registration(registration_ids: Iterable[int], kinds: Iterable[MessageKind]
                            ) -> dict[int, OutgoingMessage]:
    """The newest message of `kinds` to each of these participants, in one query."""
    ids = list(registration_ids)
    if not ids:
        return {}
    newest = select(func.max(OutgoingMessage.id)).where(
        OutgoingMessage.registration_id.in_(ids), OutgoingMessage.kind.in_(list(kinds))) \
        .group_by(OutgoingMessage.registration_id)
    return {m.registration_id: m for m in db.session.scalars(
        select(OutgoingMessage).where(OutgoingMessage.id.in_(newest)))}


def delivered_registration_ids(course_id: int, kind: MessageKind) -> set[int]:
    return set(db.session.scalars(select(OutgoingMessage.registration_id).where(
        OutgoingMessage.course_id == course_id, OutgoingMessage.kind == kind,
        OutgoingMessage.status.in_(DELIVERED), OutgoingMessage.registration_id.is_not(None))))


def messages_of_course(course_id: int, *, page: int = 1, per_page: int = 100):
    return db.paginate(select(OutgoingMessage).where(OutgoingMessage.course_id == course_id)
                       .order_by(OutgoingMessage.id.desc()), page=page, per_page=per_page,
                       error_out=False)


def jobs_of_course(course_id: int, limit: int = 5) -> list[MailJob]:
    return list(db.session.scalars(select(MailJob).where(MailJob.course_id == course_id)
                                   .order_by(MailJob.id.desc()).limit(limit)))


def message_of_course(course_id: int, message_id: int) -> OutgoingMessage | None:
    outgoing = db.session.get(OutgoingMessage, message_id)
    return outgoing if outgoing is not None and outgoing.course_id == course_id else None
