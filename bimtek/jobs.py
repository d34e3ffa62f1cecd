"""Documents rendered in the background (a course's certificates, its badges): a row the
page polls for progress, its states, and the rule for a job that has died."""
from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.enums import LabelledEnum, enum_column_type
from bimtek.timeutil import utcnow

# A 400-document job takes a minute or two; one unfinished for this long has died (its
# worker was stopped), and no longer keeps another from starting.
UNFINISHED_JOB_EXPIRES = timedelta(hours=1)


class BatchStatus(LabelledEnum):
    QUEUED = "queued", _l("Waiting")
    RUNNING = "running", _l("Rendering")
    DONE = "done", _l("Done")
    FAILED = "failed", _l("Failed")


UNFINISHED = (BatchStatus.QUEUED, BatchStatus.RUNNING)


class RenderJob:
    """The columns and rules every background rendering job shares: its state, how many
    documents of how many are done, why it failed, and when it was asked for and ended.
    Mixed into a model that adds its own table, course and requester."""

    status: Mapped[BatchStatus] = mapped_column(enum_column_type(BatchStatus),
                                                default=BatchStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.finished else 0
        return min(100, round(100 * self.done / self.total))

    def is_under_way(self) -> bool:
        """Queued or running, and recent enough that its worker is presumably alive."""
        return self.status in UNFINISHED and \
            self.requested_at > utcnow() - UNFINISHED_JOB_EXPIRES

    def start(self) -> None:
        self.status = BatchStatus.RUNNING

    def fail(self, error: Exception) -> None:
        self.status, self.error = BatchStatus.FAILED, str(error) or type(error).__name__
        self.finished_at = utcnow()

    def finish(self) -> None:
        self.status, self.finished_at = BatchStatus.DONE, utcnow()


def write_atomically(path: Path, data: bytes) -> None:
    """Readers (a download in progress) see the old file or the new one, never half; a
    temporary file of its own keeps two writers from mixing their bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    Path(partial).replace(path)
