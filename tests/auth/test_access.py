"""Who may act in which course, and the routes that rely on it."""
import pytest

from bimtek.auth import services
from bimtek.auth.models import Role, User
from bimtek.courses import staff as course_staff
from bimtek.extensions import db
from tests.factories import make_course
from tests.support.web import login


@pytest.fixture
def two_courses(app):
    with app.app_context():
        return make_course("KSP-KUTIM-2024").id, make_course("KSP-SINTANG-2024").id


def assign(app, user_id, course_code, role):
    with app.app_context():
        from bimtek.courses.services import find_course

        course_staff.assign_course(db.session.get(User, user_id), find_course(course_code), role)


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.DESK, Role.FACILITATOR])
def test_course_roles_reach_only_their_assigned_course(client, app, make_user, two_courses, role):
    user_id = make_user("staff@bimtek.test", role)
    assign(app, user_id, "KSP-KUTIM-2024", role)
    login(client, "staff@bimtek.test")
    assert client.get("/courses/KSP-KUTIM-2024").status_code == 200
    assert client.get("/courses/KSP-SINTANG-2024").status_code == 403
    assert client.get("/courses/NO-SUCH-COURSE").status_code == 404
    listing = client.get("/courses/").get_data(as_text=True)
    assert "KSP-KUTIM-2024" in listing and "KSP-SINTANG-2024" not in listing


def test_admin_reaches_every_course(client, app, make_user, two_courses):
    make_user("admin@bimtek.test", "admin")
    login(client, "admin@bimtek.test")
    for code in ("KSP-KUTIM-2024", "KSP-SINTANG-2024"):
        assert client.get(f"/courses/{code}").status_code == 200


@pytest.mark.parametrize("role", ["hr", "participant"])
def test_hr_and_participants_have_no_course_staff_pages(client, app, make_user, two_courses,
                                                        role):
    make_user("x@bimtek.test", role, institutions=["Kesbangpol Kutim"] if role == "hr" else ())
    login(client, "x@bimtek.test")
    assert client.get("/courses/").status_code == 403
    assert client.get("/courses/KSP-KUTIM-2024").status_code == 403


def test_unassigned_organiser_sees_an_empty_state(client, make_user, two_courses):
    make_user("organiser@bimtek.test", "organiser")
    login(client, "organiser@bimtek.test")
    page = client.get("/courses/").get_data(as_text=True)
    assert "Anda belum ditugaskan ke kursus mana pun." in page


def test_assignment_counts_only_while_the_role_is_held(app, make_user, two_courses):
    user_id = make_user("multi@bimtek.test", "desk", "organiser")
    assign(app, user_id, "KSP-KUTIM-2024", Role.DESK)
    with app.app_context():
        from bimtek.courses.services import find_course

        user = db.session.get(User, user_id)
        course = find_course("KSP-KUTIM-2024")
        assert course_staff.can_act_in_course(user, course, [Role.DESK])
        # Desk duty does not make someone the course's organiser.
        assert not course_staff.can_act_in_course(user, course, [Role.ORGANISER])


def test_hr_sees_only_the_institutions_it_is_scoped_to(app, make_user):
    user_id = make_user("hr@bimtek.test", "hr", institutions=["Kesbangpol Kutim"])
    make_user("other@bimtek.test", "participant", institutions=())
    with app.app_context():
        from bimtek.institutions.services import find_by_short_names, save_institution

        other = save_institution(None, name="Satuan Polisi Pamong Praja", short_name="Satpol PP")
        (own,) = find_by_short_names(["Kesbangpol Kutim"])
        user = db.session.get(User, user_id)
        assert services.can_see_institution(user, own.id)
        assert not services.can_see_institution(user, other.id)


def test_dashboard_shows_each_role_its_own_content(client, app, make_user, two_courses):
    hr_id = make_user("hr@bimtek.test", "hr", institutions=["Kesbangpol Kutim"])
    login(client, "hr@bimtek.test")
    page = client.get("/").get_data(as_text=True)
    assert "Kesbangpol Kutim" in page and "Belum ada sertifikat untuk staf Anda." in page
    assert hr_id
