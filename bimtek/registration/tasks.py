"""Periodic work for participants, run by the Huey consumer."""
from __future__ import annotations

from huey import crontab

from bimtek.extensions import db, huey, task_context
from bimtek.registration import notifications, self_service


@huey.periodic_task(crontab(minute="*"))
def agenda_digests() -> None:
    with task_context():
        notifications.send_agenda_digests()


@huey.periodic_task(crontab(minute="7"))
def forget_expired_self_registrations() -> None:
    """Unconfirmed self-registrations hold personal data: gone once they expire."""
    with task_context():
        self_service.purge_expired()
        db.session.commit()
