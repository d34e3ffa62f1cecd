"""Periodic work for participants, run by the Huey consumer."""
from __future__ import annotations

from huey import crontab

from bimtek.extensions import huey, task_context
from bimtek.registration import notifications


@huey.periodic_task(crontab(minute="*"))
def agenda_digests() -> None:
    with task_context():
        notifications.send_agenda_digests()
