"""Issuing only in one's own name: an admin gives each organiser the institutions they may
issue certificates for; a course's host is chosen among them, issuing checks it again, and
verification names the issuer only when that chain holds."""
import pytest
from sqlalchemy import select

from bimtek.auth.models import User
from bimtek.certificates import tasks
from bimtek.certificates.models import Certificate
from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.extensions import db
from tests.certificates.factories import institution
from tests.certificates.people import CODE, ORGANISER, course_and_people
from tests.support.web import login, post

HOST = "Pemerintah Kabupaten Kutai Timur"  # Pemkab Kutim, the course's host
COURSE_FORM = {"code": "KSP-BARU-2025", "title": "Bimtek Baru", "starts_on": "2025-03-03",
               "ends_on": "2025-03-07", "timezone": "Asia/Makassar", "capacity": "40",
               "min_attendance_percent": "80", "declared_jp": "", "batch": "1"}


@pytest.fixture
def setup(app, make_user):
    with app.app_context():
        course_and_people(make_user)
        institution("Kesbangpol Kutim")
        institution("Satpol PP Kutim")
    make_user("admin@bimtek.test", "admin")


def ids(app, *short_names: str) -> list[int]:
    with app.app_context():
        return [institution(name).id for name in short_names]


def give(app, client, *short_names: str) -> None:
    """The admin gives the organiser these institutions to issue for, on the account form."""
    with app.app_context():
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
    post(client, "/logout")
    login(client, "admin@bimtek.test")
    response = post(client, f"/admin/users/{organiser.id}", {
        "name": organiser.name, "email": ORGANISER, "roles": ["organiser"], "active": "y",
        "issuing_institutions": ids(app, *short_names)}, follow_redirects=True)
    assert response.status_code == 200
    post(client, "/logout")
    login(client, ORGANISER)


def issuing(app) -> list[str]:
    with app.app_context():
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        return [institution.short_name for institution in organiser.issuing_institutions]


def test_an_admin_assigns_the_institutions_an_organiser_issues_for(app, client, setup):
    give(app, client, "Pemkab Kutim", "Kesbangpol Kutim")
    assert issuing(app) == ["Kesbangpol Kutim", "Pemkab Kutim"]
    form = client.get(f"/courses/{CODE}/edit").get_data(as_text=True)
    # The host is chosen among them; Satpol PP is not offered.
    host_select = form[form.index('name="host_institution_id"'):]
    host_select = host_select[:host_select.index("</select>")]
    assert "Kesbangpol Kutim" in host_select and "Satpol PP Kutim" not in host_select


def test_an_organiser_names_as_host_only_an_institution_they_issue_for(app, client, setup):
    give(app, client, "Kesbangpol Kutim")
    satpol, kesbangpol = ids(app, "Satpol PP Kutim", "Kesbangpol Kutim")
    refused = post(client, "/courses/new", {**COURSE_FORM, "host_institution_id": satpol},
                   follow_redirects=True).get_data(as_text=True)
    assert "Anda tidak boleh menerbitkan sertifikat atas nama instansi ini." in refused
    with app.app_context():
        assert course_services.find_course("KSP-BARU-2025") is None
    post(client, "/courses/new", {**COURSE_FORM, "host_institution_id": kesbangpol})
    with app.app_context():
        assert course_services.find_course("KSP-BARU-2025").host_institution_id == kesbangpol


def test_issuing_needs_the_right_to_issue_in_the_host_s_name(app, client, setup):
    give(app, client, "Kesbangpol Kutim")  # not Pemkab Kutim, the course's host
    response = post(client, f"/courses/{CODE}/certificates/issue", follow_redirects=True)
    assert (f"Anda tidak boleh menerbitkan sertifikat atas nama {HOST}."
            in response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(Certificate).limit(1)) is None  # nothing numbered
    give(app, client, "Pemkab Kutim")
    post(client, f"/courses/{CODE}/certificates/issue")
    with app.app_context():
        certificates = db.session.scalars(select(Certificate)).all()
        assert len(certificates) == 2
        assert {c.issuer_institution.name for c in certificates} == {HOST}
        code = certificates[0].verification_code
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert f'data-testid="issuer">{HOST}<' in page


def test_verification_names_no_issuer_outside_the_chain(app, client, setup):
    """A host set by someone else stays on the course, but a certificate issued without the
    right to issue in its name does not carry it, and verification does not vouch for it."""
    with app.app_context():
        course = course_services.find_course(CODE)
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        organiser.issuing_institutions = []  # an admin took the host away from them
        tasks.start_batch(course, by=organiser)
        code = db.session.scalar(select(Certificate.verification_code).limit(1))
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert 'data-result="valid"' in page
    assert 'data-testid="issuer"' not in page and HOST not in page


def test_the_host_set_before_stays_when_an_organiser_edits_the_course(app, setup):
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.code == CODE))
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        host = course.host_institution_id
        course_services.save_course(course, code=CODE, title="Judul Baru",
                                    host_institution_id=host, by=organiser)
        assert course.title == "Judul Baru" and course.host_institution_id == host


def test_issuing_from_an_agenda_short_of_the_declared_jp_needs_a_tick(app, client, setup):
    give(app, client, "Pemkab Kutim")
    with app.app_context():
        course = course_services.find_course(CODE)
        agenda_jp = sum(session.jp for session in course.sessions)
        course.declared_jp = agenda_jp + 22
        db.session.commit()
    page = client.get(f"/courses/{CODE}/certificates").get_data(as_text=True)
    assert (f"Agenda berisi {agenda_jp} JP dari {agenda_jp + 22} JP yang dinyatakan kursus: "
            "kurang 22 JP.") in page
    assert 'name="accept_jp_gap" required' in page
    response = post(client, f"/courses/{CODE}/certificates/issue", follow_redirects=True)
    assert f"sertifikat akan menyatakan {agenda_jp} JP" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Certificate).limit(1)) is None  # nothing numbered
    post(client, f"/courses/{CODE}/certificates/issue", {"accept_jp_gap": "y"})
    with app.app_context():
        assert {c.jp for c in db.session.scalars(select(Certificate))} == {agenda_jp}
