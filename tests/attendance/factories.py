"""A course in session right now, for scanning tests."""
from __future__ import annotations

from datetime import date, time

from bimtek.attendance import devices as attendance_services
from bimtek.courses import services as course_services
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import Course, Session, SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import list_institutions, save_institution
from bimtek.registration import services
from bimtek.registration.models import Registration
from bimtek.timeutil import utcnow, wall_clock
from tests.factories import make_course
from tests.registration.factories import participant


def course_running_today(code: str, names: list[str], **fields
                         ) -> tuple[Course, Session, list[Registration]]:
    """A course whose first day is today in its zone, with one all-day session and the
    named participants (all PPK) registered."""
    course = make_course(code, **fields)
    today = wall_clock(course, utcnow()).date()
    course.starts_on, course.ends_on = today, course_services.course_end(today, 5)
    db.session.commit()
    session = add_session(course, SessionInput(
        day=today, starts_at=time(0, 0), ends_at=time(23, 59), title="Simulasi",
        kind=SessionKind.SIMULATION))
    ppk = next((i for i in list_institutions() if i.short_name == "PPK"), None) or \
        save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
    registrations = [services.register(course, participant(serial, ppk.id, name=name))
                     for serial, name in enumerate(names, start=1)]
    return course, session, registrations


def scanner_token(course: Course, name: str) -> tuple[int, str]:
    """A scanner token for a course whose dates may long be past (tokens expire the day
    after the course ends): extended to the end of 2099. Its device id and token."""
    device, token = attendance_services.issue_device_token(course, name)
    attendance_services.extend_device_token(device, date(2099, 12, 31))
    return device.id, token
