"""Accounts around a finished course, one per role that may or may not touch its
certificates, for the certificate view tests."""
from __future__ import annotations

from bimtek.auth.models import Role, User
from bimtek.certificates import tasks
from bimtek.certificates.models import BatchStatus
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.extensions import db
from tests.certificates.factories import finished_course, institution
from tests.factories import make_course

CODE = "BIMTEK-PKS-2024"
OTHER_CODE = "KSP-SINTANG-2024"
ORGANISER = "organiser@bimtek.test"
HR = "hr@bimtek.test"  # Kesbangpol Kutim, the participants' institution
OTHER_HR = "hr2@bimtek.test"  # Satpol PP Kutim
# Everyone `outsiders` makes who may not manage CODE's certificates.
OUTSIDERS = ("organiser2@bimtek.test", "desk@bimtek.test", "fasilitator@bimtek.test",
             "peserta@bimtek.test", HR)


def course_and_people(make_user, participants: int = 3) -> int:
    """The finished course CODE (everyone but the last participant eligible) and its
    organiser, who may issue certificates in the name of its host; returns CODE's id.
    Call in an app context."""
    course = finished_course(participants, code=CODE)
    organiser_id = make_user(ORGANISER, "organiser")
    assign(organiser_id, CODE, Role.ORGANISER)
    db.session.get(User, organiser_id).issuing_institutions = [course.host_institution]
    db.session.commit()
    return course.id


def outsiders(make_user) -> None:
    """A second course, an account for every role that may not manage CODE's
    certificates, and HR offices of the participants' institution and of another one."""
    make_course(OTHER_CODE)
    institution("Kesbangpol Kutim")
    institution("Satpol PP Kutim")
    assign(make_user("organiser2@bimtek.test", "organiser"), OTHER_CODE, Role.ORGANISER)
    assign(make_user("desk@bimtek.test", "desk"), CODE, Role.DESK)
    assign(make_user("fasilitator@bimtek.test", "facilitator"), CODE, Role.FACILITATOR)
    make_user("peserta@bimtek.test", "participant")
    make_user(HR, "hr", institutions=("Kesbangpol Kutim",))
    make_user(OTHER_HR, "hr", institutions=("Satpol PP Kutim",))


def assign(user_id: int, code: str, role: Role) -> None:
    course_staff.assign_course(db.session.get(User, user_id),
                                course_services.find_course(code), role)


def issue(app, code: str = CODE) -> None:
    """Issue the course's certificates as the organiser's button does (rendered at once in
    the tests)."""
    with app.app_context():
        batch = tasks.start_batch(course_services.find_course(code))
        assert batch.status == BatchStatus.DONE, batch.error
