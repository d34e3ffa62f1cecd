"""Course records."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bimtek.courses.models import Course
from bimtek.extensions import db


def find_course(code: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.code == code))


def course_end(starts_on: date, days: int) -> date:
    return starts_on + timedelta(days=days - 1)
