"""A published course with its organiser and participants reached in different ways."""
from __future__ import annotations

from datetime import time

from bimtek.auth.models import Role, User
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import CourseStatus, SessionKind
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.factories import make_course
from tests.registration.factories import participant

PEOPLE = [  # name, e-mail, phone
    ("Syahrani Noor", "syahrani@kesbangpol.example.go.id", "0812-3456-7890"),
    ("Siti Rahmah", "siti@kesbangpol.example.go.id", ""),
    ("Andi Baso", "andi@ppk.example.go.id", "+62 813 1111 2222"),
    ("Awang Ferdian", "", "0821-5555-6666"),
]


def published_course(make_user, code: str = "KSP-KUTIM-2024") -> dict:
    """Call inside an app context: a published course with a two-day agenda, an organiser
    (organiser@bimtek.test) and the PEOPLE registered, plus one cancelled participant."""
    course = make_course(code, capacity=400, venue="Hotel Harris", city="Samarinda",
                         title="Bimtek Mitigasi Konflik Sosial")
    for day in course.days[:2]:
        add_session(course, SessionInput(
            day=day, starts_at=time(8, 0), ends_at=time(9, 30), title="Mitigasi konflik",
            kind=SessionKind.MATERIAL))
    course.status = CourseStatus.PUBLISHED
    db.session.commit()
    organiser_id = make_user("organiser@bimtek.test", "organiser")
    course_staff.assign_course(db.session.get(User, organiser_id), course, Role.ORGANISER)
    kesbangpol = save_institution(None, name="Kesbangpol Kutai Timur",
                                  short_name="Kesbangpol Kutim")
    people = [services.register(course, participant(serial, kesbangpol.id, name=name,
                                                    email=email, phone=phone))
              for serial, (name, email, phone) in enumerate(PEOPLE, start=1)]
    cancelled = services.register(course, participant(9, kesbangpol.id, name="Yang Batal",
                                                      email="batal@example.go.id"))
    services.cancel(cancelled)
    return {"course": course, "people": people, "institution_id": kesbangpol.id}


WITH_EMAIL = ["andi@ppk.example.go.id", "siti@kesbangpol.example.go.id",
              "syahrani@kesbangpol.example.go.id"]
