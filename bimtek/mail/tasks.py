"""The background side of sending: one Huey task per job."""
from __future__ import annotations

from bimtek.extensions import huey, task_context
from bimtek.mail import services


@huey.task()
def run_job(job_id: int) -> None:
    with task_context():
        services.deliver(job_id)
