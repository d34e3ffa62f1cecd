import pytest

from bimtek.auth.models import Role, User
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.extensions import db
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.factories import make_course, seed_regions
from tests.registration.factories import participant


@pytest.fixture
def course_setup(app, make_user):
    with app.app_context():
        seed_regions()
        course = make_course("KSP-KUTIM-2024", capacity=400, regions=("64.08",),
                             registration_open=True)
        make_course("KSP-SINTANG-2024")
        kesbangpol = save_institution(None, name="Badan Kesatuan Bangsa dan Politik",
                                      short_name="Kesbangpol Kutim")
        registration = services.register(course, participant(
            1, kesbangpol.id, unit="Kesbangpol", name="Siti Rahmah", woman=True))
        organiser_id = make_user("organiser@bimtek.test", "organiser")
        course_staff.assign_course(db.session.get(User, organiser_id), course, Role.ORGANISER)
        other_id = make_user("other@bimtek.test", "organiser")
        course_staff.assign_course(db.session.get(User, other_id),
                                    course_services.find_course("KSP-SINTANG-2024"),
                                    Role.ORGANISER)
        return {"registration_id": registration.id, "token": registration.personal_token,
                "institution_id": kesbangpol.id,
                "kombeng": services.find_kecamatan(course, "Kombeng").id}
