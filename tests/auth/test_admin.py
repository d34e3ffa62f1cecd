import pytest
from sqlalchemy import func, select

from bimtek.auth.models import Role, User
from bimtek.courses import staff as course_staff
from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.institutions.models import Institution, InstitutionKind
from bimtek.institutions.services import save_institution
from bimtek.regions.services import find_area
from tests.factories import make_course, seed_regions
from tests.support.web import TEST_PASSWORD, login, post


@pytest.fixture
def admin_client(client, make_user):
    make_user("admin@bimtek.test", "admin")
    login(client, "admin@bimtek.test")
    return client


def user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_admin_creates_an_hr_account_scoped_to_institutions(admin_client, app, make_user):
    make_user("seed@bimtek.test", "hr", institutions=["Kesbangpol Kutim", "Satpol PP Kutim"])
    with app.app_context():
        ids = {i.short_name: i.id for i in db.session.scalars(select(Institution))}
    response = post(admin_client, "/admin/users/new", {
        "name": "Siti BKPSDM", "email": "Siti@BKPSDM.test", "roles": ["hr"],
        "institutions": [ids["Kesbangpol Kutim"]], "active": "y", "password": "rahasia-siti",
    })
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "siti@bkpsdm.test"))
        assert user.roles == {Role.HR}
        assert [i.short_name for i in user.institutions] == ["Kesbangpol Kutim"]
    page = admin_client.get("/admin/users?q=siti").get_data(as_text=True)
    assert "Siti BKPSDM" in page and "Kesbangpol Kutim" in page


def test_duplicate_email_is_refused_whatever_its_case(admin_client, app):
    before = user_count(app)
    response = post(admin_client, "/admin/users/new", {
        "name": "Dup", "email": "ADMIN@bimtek.test", "roles": ["desk"], "active": "y",
        "password": "rahasia-dup",
    })
    assert response.status_code == 200
    assert "E-mail admin@bimtek.test sudah dipakai akun lain." in response.get_data(as_text=True)
    assert user_count(app) == before


def test_hr_account_without_institution_is_refused(admin_client, app):
    before = user_count(app)
    response = post(admin_client, "/admin/users/new", {
        "name": "HR", "email": "hr@bimtek.test", "roles": ["hr"], "active": "y",
        "password": "rahasia-hr1",
    })
    assert "Akun HR harus dibatasi pada sedikitnya satu instansi." in response.get_data(
        as_text=True)
    assert user_count(app) == before


def test_new_account_needs_a_password_and_a_role(admin_client, app):
    before = user_count(app)
    page = post(admin_client, "/admin/users/new", {
        "name": "X", "email": "x@bimtek.test", "roles": ["desk"], "active": "y",
    }).get_data(as_text=True)
    assert "Akun baru memerlukan kata sandi." in page
    page = post(admin_client, "/admin/users/new", {
        "name": "X", "email": "x@bimtek.test", "active": "y", "password": "rahasia-xx",
    }).get_data(as_text=True)
    assert "Peran" in page and "wajib diisi" in page
    assert user_count(app) == before


def test_admin_assigns_and_removes_a_course(admin_client, app, make_user):
    desk_id = make_user("desk@bimtek.test", "desk")
    with app.app_context():
        course_id = make_course("KSP-KUTIM-2024").id
    response = post(admin_client, f"/admin/users/{desk_id}/courses",
                    {"course_id": course_id, "role": "desk"})
    assert response.status_code == 302
    page = admin_client.get(f"/admin/users/{desk_id}").get_data(as_text=True)
    assert "KSP-KUTIM-2024 · Meja registrasi" in page
    post(admin_client, f"/admin/users/{desk_id}/courses/{course_id}/desk/remove")
    assert "Belum ditugaskan ke kursus mana pun." in admin_client.get(
        f"/admin/users/{desk_id}").get_data(as_text=True)


def test_course_role_needs_the_role_first(admin_client, app, make_user):
    participant_id = make_user("peserta@bimtek.test", "participant")
    with app.app_context():
        course_id = make_course("KSP-KUTIM-2024").id
    response = post(admin_client, f"/admin/users/{participant_id}/courses",
                    {"course_id": course_id, "role": "organiser"}, follow_redirects=True)
    assert "Berikan dulu peran Panitia kepada akun ini." in response.get_data(as_text=True)


def test_removing_a_role_removes_its_course_assignments(admin_client, app, make_user):
    user_id = make_user("multi@bimtek.test", "desk", "organiser")
    with app.app_context():
        course = make_course("KSP-KUTIM-2024")

        user = db.session.get(User, user_id)
        course_staff.assign_course(user, course, Role.DESK)
        course_staff.assign_course(user, course, Role.ORGANISER)
    post(admin_client, f"/admin/users/{user_id}", {
        "name": "Multi", "email": "multi@bimtek.test", "roles": ["organiser"], "active": "y",
    })
    with app.app_context():
        user = db.session.get(User, user_id)
        assert [(a.course.code, a.role) for a in user.course_assignments] == [
            ("KSP-KUTIM-2024", Role.ORGANISER)]
        assert user.check_password(TEST_PASSWORD), "an empty password field keeps the password"


def test_admin_cannot_lock_themself_out(admin_client, app):
    with app.app_context():
        admin_id = db.session.scalar(select(User.id))
    response = post(admin_client, f"/admin/users/{admin_id}", {
        "name": "Admin", "email": "admin@bimtek.test", "roles": ["desk"], "active": "y",
    })
    assert "Anda tidak dapat menonaktifkan akun sendiri" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin_id).roles == {Role.ADMIN}


def test_deactivated_account_is_logged_out(app, admin_client, make_user):
    user_id = make_user("desk@bimtek.test", "desk")
    desk = app.test_client()
    login(desk, "desk@bimtek.test")
    post(admin_client, f"/admin/users/{user_id}", {
        "name": "Desk", "email": "desk@bimtek.test", "roles": ["desk"],
    })
    assert desk.get("/").status_code == 302


def test_institutions_are_managed_with_unique_names(admin_client, app):
    response = post(admin_client, "/admin/institutions/new",
                    {"short_name": "Dinas Kominfo Kutim",
                     "name": "Dinas Komunikasi dan Informatika Kabupaten Kutai Timur"})
    assert response.status_code == 302
    response = post(admin_client, "/admin/institutions/new",
                    {"short_name": "dinas kominfo kutim", "name": "Lain"})
    assert "dinas kominfo kutim sudah dipakai instansi lain." in response.get_data(as_text=True)
    with app.app_context():
        institution = db.session.scalar(select(Institution))
        assert db.session.scalar(select(func.count()).select_from(Institution)) == 1
    post(admin_client, f"/admin/institutions/{institution.id}",
         {"short_name": "Diskominfo Kutim", "name": institution.name})
    assert "Diskominfo Kutim" in admin_client.get("/admin/institutions").get_data(as_text=True)


def test_empty_institution_list_says_what_to_do(admin_client):
    assert "Belum ada instansi." in admin_client.get("/admin/institutions").get_data(
        as_text=True)


@pytest.mark.parametrize("role", ["organiser", "desk", "facilitator", "hr", "participant"])
def test_only_admins_manage_accounts_and_institutions(client, make_user, app, role):
    make_user("someone@bimtek.test", role,
              institutions=["Kesbangpol Kutim"] if role == "hr" else ())
    with app.app_context():
        save_institution(None, name="Satuan Polisi Pamong Praja", short_name="Satpol PP")
        course_id = make_course("KSP-KUTIM-2024").id
        user_id = db.session.scalar(select(User.id))
        institution_id = db.session.scalar(select(Institution.id))
    login(client, "someone@bimtek.test")
    for url in ["/admin/users", "/admin/users/new", f"/admin/users/{user_id}",
                "/admin/institutions", "/admin/institutions/new",
                f"/admin/institutions/{institution_id}"]:
        assert client.get(url).status_code == 403, url
    before = user_count(app)
    for url, data in [
        ("/admin/users/new", {"name": "X", "email": "x@bimtek.test", "roles": ["admin"],
                              "active": "y", "password": "rahasia-xx"}),
        (f"/admin/users/{user_id}", {"name": "X", "email": "someone@bimtek.test",
                                     "roles": ["admin"], "active": "y"}),
        (f"/admin/users/{user_id}/courses", {"course_id": course_id, "role": "organiser"}),
        ("/admin/institutions/new", {"short_name": "X", "name": "X"}),
        (f"/admin/institutions/{institution_id}", {"short_name": "X", "name": "X"}),
    ]:
        assert post(client, url, data).status_code == 403, url
    assert user_count(app) == before
    with app.app_context():
        assert db.session.get(User, user_id).roles == {Role(role)}
        assert db.session.get(Institution, institution_id).short_name != "X"
        assert db.session.scalar(select(func.count()).select_from(Course)) == 1


def test_organisers_cannot_change_course_assignments(client, app, make_user):
    organiser_id = make_user("organiser@bimtek.test", "organiser")
    desk_id = make_user("desk@bimtek.test", "desk")
    with app.app_context():

        course = make_course("KSP-KUTIM-2024")
        course_id = course.id
        course_staff.assign_course(db.session.get(User, organiser_id), course, Role.ORGANISER)
        course_staff.assign_course(db.session.get(User, desk_id), course, Role.DESK)
    login(client, "organiser@bimtek.test")
    response = post(client, f"/admin/users/{desk_id}/courses/{course_id}/desk/remove")
    assert response.status_code == 403
    with app.app_context():
        assert [a.role for a in db.session.get(User, desk_id).course_assignments] == [Role.DESK]


def test_unknown_role_filter_is_ignored(admin_client):
    response = admin_client.get("/admin/users?role=raja")
    assert response.status_code == 200 and "admin@bimtek.test" in response.get_data(as_text=True)


def test_an_admin_changes_an_institution_s_kind_and_region(admin_client, app):
    with app.app_context():
        seed_regions()
        kukar = find_area("64.02").id
        institution_id = save_institution(None, name="Komisi Pemilihan Umum Kutai Kartanegara",
                                          short_name="KPU Kukar").id
    page = admin_client.get(f"/admin/institutions/{institution_id}").get_data(as_text=True)
    assert 'name="kind"' in page and "Kabupaten Kutai Kartanegara (64.02)" in page
    response = post(admin_client, f"/admin/institutions/{institution_id}", {
        "short_name": "KPU Kukar", "name": "Komisi Pemilihan Umum Kutai Kartanegara",
        "kind": "penyelenggara_pemilu", "region_id": kukar})
    assert response.status_code == 302
    with app.app_context():
        institution = db.session.get(Institution, institution_id)
        assert (institution.kind, institution.region.code) == (
            InstitutionKind.ELECTION_BODY, "64.02")
    # A national body serves no kabupaten/kota; every bad field is named at once.
    post(admin_client, f"/admin/institutions/{institution_id}", {
        "short_name": "KPU Kukar", "name": "Komisi Pemilihan Umum Kutai Kartanegara",
        "kind": "penyelenggara_pemilu", "region_id": ""})
    page = post(admin_client, f"/admin/institutions/{institution_id}", {
        "short_name": "", "name": "", "kind": "bukan-jenis", "region_id": "999999"}
                ).get_data(as_text=True)
    assert page.count("Kolom ini wajib diisi.") == 2
    assert "Pilihan tidak valid." in page and "Wilayah tidak dikenal." in page
    with app.app_context():
        institution = db.session.get(Institution, institution_id)
        assert (institution.short_name, institution.kind, institution.region) == (
            "KPU Kukar", InstitutionKind.ELECTION_BODY, None)
