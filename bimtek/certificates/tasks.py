"""Issuing a course's certificates in the background: numbers are given at once, the PDFs
are rendered by a Huey task that the issue page polls."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.certificates import notifications, rendering, services, signatories
from bimtek.certificates.models import CertificateBatch
from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db, huey, task_context
from bimtek.jobs import BatchStatus
from bimtek.timeutil import utcnow
from bimtek.unit_of_work import flush_changes, keep_nothing, keep_progress, queue_after_commit


def start_batch(course: Course, *, by=None, passphrase: str | None = None
                ) -> CertificateBatch:
    """Number every eligible participant's certificate, then queue the rendering. The
    batch is queued once it is committed, so the task always finds it. One batch of a
    course at a time, decided under the course's lock so that simultaneous clicks queue
    one batch; one left unfinished for long (a worker that died) no longer counts.
    The signatory's key is checked first (passphrase, key, validity): a batch that could
    not sign numbers nothing."""
    signatories.signing_key(course, by=by, passphrase=passphrase)
    course_services.lock_course(course)
    latest = latest_batch(course)
    if latest is not None and latest.is_under_way():
        raise ValidationError(_("The certificates of this course are being issued already. "
                                "Wait for that batch to finish."), field="batch")
    certificates = services.assign_certificates(course, by=by)
    batch = CertificateBatch(course_id=course.id, total=len(certificates),
                             requested_by_id=getattr(by, "id", None))
    db.session.add(batch)
    flush_changes()
    queue_after_commit(run_batch, batch.id, signatories.seal(passphrase))
    return batch


def latest_batch(course: Course) -> CertificateBatch | None:
    return db.session.scalar(select(CertificateBatch).where(
        CertificateBatch.course_id == course.id)
        .order_by(CertificateBatch.requested_at.desc(), CertificateBatch.id.desc()).limit(1))


@huey.task()
def run_batch(batch_id: int, sealed_passphrase: str | None = None) -> None:
    """Render (and sign) the batch's certificates. A passphrase typed when issuing
    arrives sealed (see `signatories.seal`); otherwise the server's is used."""
    with task_context():
        batch = db.session.get(CertificateBatch, batch_id)
        batch.status = BatchStatus.RUNNING
        keep_progress()

        def progress(done: int) -> None:
            batch.done = done  # committed by the renderer with the chunk's certificates

        try:
            key = signatories.signing_key(
                batch.course, passphrase=signatories.unseal(sealed_passphrase))
            issued = rendering.render_course(batch.course, progress=progress, key=key)
        except Exception as error:  # the page shows it; the log keeps the traceback
            current_app.logger.exception("certificate batch %s failed", batch_id)
            keep_nothing()
            batch.status, batch.error = BatchStatus.FAILED, str(error) or type(error).__name__
        else:
            batch.status, batch.rendered = BatchStatus.DONE, issued.rendered
            batch.total = batch.done = len(issued.files)
        batch.finished_at = utcnow()
        keep_progress()
        if batch.status == BatchStatus.DONE:
            notifications.notify_issued(batch.course)
