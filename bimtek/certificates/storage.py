"""Where a course's uploaded logos and rendered certificates live on disk."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from bimtek.courses.models import Course


def files_root() -> Path:
    return Path(current_app.config["FILES_DIR"])


def logo_folder(course: Course) -> Path:
    return files_root() / "logos" / str(course.id)


def certificate_folder(course: Course) -> Path:
    return files_root() / "certificates" / str(course.id)
