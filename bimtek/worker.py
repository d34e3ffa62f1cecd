"""The Huey consumer's entry point: `huey_consumer bimtek.worker.huey -k thread`.
Thread workers, because a batch spreads its rendering over a process pool of its own."""
from bimtek import create_app
from bimtek.extensions import huey

app = create_app()

import bimtek.certificates.tasks  # noqa: E402,F401  (registers the tasks with huey)
import bimtek.mail.tasks  # noqa: E402,F401
import bimtek.registration.tasks  # noqa: E402,F401

__all__ = ["huey"]
