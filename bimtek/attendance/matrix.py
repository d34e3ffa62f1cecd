"""The attendance matrix: registered participants × sessions, with their attended JP."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.attendance.models import Attendance, AttendanceStatus
from bimtek.attendance.roll import registered
from bimtek.attendance.rule import ATTENDED, AttendedJp, attended_jp
from bimtek.courses.models import Course, Session
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.spreadsheet_writing import write_table


@dataclass
class MatrixRow:
    registration: Registration
    cells: dict[int, AttendanceStatus]  # by session id
    jp: AttendedJp


@dataclass
class Matrix:
    sessions: list[Session]
    rows: list[MatrixRow]

    def present(self, session: Session) -> int:
        return sum(1 for row in self.rows if row.cells.get(session.id) in ATTENDED)


def matrix(course: Course, *, day=None, unit: str = "", institution_id: int | None = None,
           kecamatan_id: int | None = None) -> Matrix:
    """Registered participants × sessions, in a fixed number of queries whatever the
    course's size. The JP figures count every scheduled session, even when a day is
    shown."""
    registrations = db.session.scalars(registered(course).where(
        *([Registration.institution_id == institution_id] if institution_id else []),
        *([Registration.kecamatan_id == kecamatan_id] if kecamatan_id else []),
        *([Registration.unit == unit] if unit else []))).all()
    statuses: dict[int, dict[int, AttendanceStatus]] = {}
    for registration_id, session_id, status in db.session.execute(
            select(Attendance.registration_id, Attendance.session_id, Attendance.status)
            .join(Session).where(Session.course_id == course.id)):
        statuses.setdefault(registration_id, {})[session_id] = status
    jp = attended_jp(course, registrations)
    rows = [MatrixRow(registration, statuses.get(registration.id, {}), jp[registration.id])
            for registration in registrations]
    shown = [s for s in course.sessions if day is None or s.day == day]
    return Matrix(shown, rows)


def matrix_table(course: Course, grid: Matrix, fmt: str) -> bytes:
    headers = [_("No."), _("Name"), _("Institution"), _("Unit (unsur)"), _("Kecamatan"),
               *(f"{s.day.isoformat()} {s.starts_at:%H.%M} {s.title}" for s in grid.sessions),
               _("Attended JP"), _("Total JP"), "%"]
    rows = [[row.registration.number, row.registration.full_name,
             row.registration.institution.short_name, row.registration.unit,
             row.registration.kecamatan.name if row.registration.kecamatan else "",
             *(row.cells[s.id].value if s.id in row.cells else "" for s in grid.sessions),
             row.jp.attended_jp, row.jp.total_jp, round(row.jp.percent, 1)]
            for row in grid.rows]
    return write_table(fmt, headers, rows, title=course.code)
