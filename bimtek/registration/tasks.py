"""Work for participants run by the Huey consumer: periodic clean-ups and digests, and
badge sheets printed in the background."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from huey import crontab
from sqlalchemy import select

from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db, huey, task_context
from bimtek.jobs import BatchStatus, write_atomically
from bimtek.registration import badges, notifications, self_service
from bimtek.registration.models import BadgeJob
from bimtek.unit_of_work import flush_changes, keep_nothing, keep_progress, queue_after_commit


@huey.periodic_task(crontab(minute="*"))
def agenda_digests() -> None:
    with task_context():
        notifications.send_agenda_digests()


@huey.periodic_task(crontab(minute="7"))
def forget_expired_self_registrations() -> None:
    """Unconfirmed self-registrations hold personal data: gone once they expire."""
    with task_context():
        self_service.purge_expired()


# --- badges printed in the background ------------------------------------------------------

def badge_folder(course: Course) -> Path:
    return Path(current_app.config["FILES_DIR"]) / "badges" / str(course.id)


def badge_file(job: BadgeJob) -> Path | None:
    """The job's PDF, once it is done and while it is kept."""
    if job.status != BatchStatus.DONE or not job.pdf_file:
        return None
    path = badge_folder(job.course) / job.pdf_file
    return path if path.is_file() else None


def start_badge_job(course: Course, *, institution_id: int | None = None,
                    registration_ids: Iterable[int] | None = None, by=None) -> BadgeJob:
    """Queue the printing of the selected badges (see `badges.badge_selection`). Nobody to
    print is refused at once. The job is queued once it is committed, so that the task
    always finds it."""
    chosen = None if registration_ids is None else sorted(set(registration_ids))
    selection = badges.badge_selection(course, institution_id=institution_id,
                                       registration_ids=chosen)
    if not selection:
        raise ValidationError(_("There is no registered or waitlisted participant to print a "
                                "badge for."), field="registration_ids")
    job = BadgeJob(course_id=course.id, institution_id=institution_id,
                   registration_ids=chosen, total=len(selection),
                   requested_by_id=getattr(by, "id", None))
    db.session.add(job)
    flush_changes()
    queue_after_commit(run_badge_job, job.id)
    return job


@huey.task()
def run_badge_job(job_id: int) -> None:
    """Render the job's badges a few sheets at a time, committing the count after each,
    and keep the PDF in the course's badge folder; earlier jobs' files of the course are
    removed, since a sheet holds personal data and the newest print is the one wanted."""
    with task_context():
        job = db.session.get(BadgeJob, job_id)
        job.start()
        keep_progress()

        def progress(done: int) -> None:
            job.done = done
            keep_progress()

        try:
            selection = badges.badge_selection(
                job.course, institution_id=job.institution_id,
                registration_ids=job.registration_ids)
            job.total = len(selection)
            document = badges.badges_pdf(job.course, selection, progress=progress)
            name = f"{job.id}-{secrets.token_hex(8)}.pdf"
            write_atomically(badge_folder(job.course) / name, document)
        except Exception as error:  # the page shows it; the log keeps the traceback
            current_app.logger.exception("badge job %s failed", job_id)
            keep_nothing()
            job.fail(error)
        else:
            job.pdf_file = name
            job.finish()
            _remove_older_files(job)
        keep_progress()


def _remove_older_files(job: BadgeJob) -> None:
    older = db.session.scalars(select(BadgeJob).where(
        BadgeJob.course_id == job.course_id, BadgeJob.id < job.id, BadgeJob.pdf_file != ""))
    for earlier in older:
        (badge_folder(job.course) / earlier.pdf_file).unlink(missing_ok=True)
        earlier.pdf_file = ""
