"""List pages that grow with the years page through their rows instead of showing all."""
import re
from datetime import date, timedelta

from bimtek.auth import services as auth_services
from bimtek.certificates import services as certificate_services
from bimtek.courses import staff as course_staff
from bimtek.institutions import services as institution_services
from bimtek.institutions.services import save_institution
from tests.certificates.people import HR, course_and_people, issue, outsiders
from tests.factories import make_course
from tests.support.web import login


def courses(app, count):
    with app.app_context():
        for number in range(count):
            make_course(f"KSP-KUTIM-{2000 + number}",
                        starts_on=date(2000, 1, 3) + timedelta(days=7 * number))


def test_the_course_list_pages_through_the_years(app, client, make_user):
    courses(app, 35)
    make_user("admin@bimtek.test", "admin")
    login(client, "admin@bimtek.test")
    first = client.get("/courses/").get_data(as_text=True)
    assert len(set(re.findall(r"KSP-KUTIM-20\d\d", first))) == 30
    assert "KSP-KUTIM-2034" in first and "KSP-KUTIM-2004" not in first  # newest first
    second = client.get("/courses/?page=2").get_data(as_text=True)
    assert "KSP-KUTIM-2004" in second and "KSP-KUTIM-2034" not in second
    assert 'href="/courses/?page=1"' in second


def test_the_home_page_shows_the_latest_courses_and_links_to_all(app, client, make_user):
    courses(app, 12)
    make_user("admin@bimtek.test", "admin")
    login(client, "admin@bimtek.test")
    home = client.get("/").get_data(as_text=True)
    assert "KSP-KUTIM-2011" in home and "KSP-KUTIM-2001" not in home
    assert "Semua 12 kursus" in home


def test_the_institution_list_pages(app, client, make_user, monkeypatch):
    monkeypatch.setattr(institution_services, "INSTITUTIONS_PER_PAGE", 3)
    make_user("admin@bimtek.test", "admin")
    with app.app_context():
        for letter in "ABCDE":
            save_institution(None, name=f"Instansi {letter}", short_name=f"Instansi {letter}")
    login(client, "admin@bimtek.test")
    first = client.get("/admin/institutions").get_data(as_text=True)
    assert "Instansi A" in first and "Instansi D" not in first
    assert "Instansi D" in client.get("/admin/institutions?page=2").get_data(as_text=True)


def test_hr_certificates_page_through(app, client, make_user, monkeypatch):
    monkeypatch.setattr(certificate_services, "STAFF_CERTIFICATES_PER_PAGE", 1)
    with app.app_context():
        course_and_people(make_user)
        outsiders(make_user)
    issue(app)
    login(client, HR)
    first = client.get("/hr/certificates").get_data(as_text=True)
    second = client.get("/hr/certificates?page=2").get_data(as_text=True)
    assert ("Syahrani" in first) != ("Syahrani" in second)
    assert "Peserta 2" in first + second
    assert 'href="/hr/certificates?page=2' in first


def test_every_page_of_courses_is_bounded(app, make_user):
    make_user("admin@bimtek.test", "admin")
    with app.app_context():
        admin = auth_services.find_user_by_email("admin@bimtek.test")
        page = course_staff.visible_courses_page(admin, 1)
        assert page.per_page == course_staff.COURSES_PER_PAGE
