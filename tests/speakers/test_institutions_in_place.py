"""Adding a missing institution without leaving the course or speaker form: the same form
and rules as the admin's, for organisers and admins only, and an organiser's own new host
institution names no issuer until an admin gives it to them."""
import pytest
from sqlalchemy import func, select

from bimtek.auth import services as auth_services
from bimtek.auth.models import User
from bimtek.courses import services as course_services
from bimtek.extensions import db
from bimtek.institutions.models import Institution, InstitutionKind
from bimtek.institutions.services import save_institution
from bimtek.regions.services import find_area
from tests.factories import seed_regions
from tests.support.web import login, post

ORGANISER = "organiser@bimtek.test"
HOST_FORM = "/institutions/add?field=host_institution_id"
SPEAKER_FORM = "/institutions/add?field=institution_id"
KUKAR = {"short_name": "Pemkab Kukar", "name": "Pemerintah Kabupaten Kutai Kartanegara",
         "kind": "perangkat_daerah"}
COURSE_FORM = {"code": "BIMTEK-KUKAR-2025", "title": "Bimtek Kutai Kartanegara",
               "starts_on": "2025-03-03", "ends_on": "2025-03-07", "timezone": "Asia/Makassar",
               "capacity": "40", "min_attendance_percent": "80", "declared_jp": "",
               "batch": "1", "regions": ["64.02"]}


@pytest.fixture
def kukar(app, make_user):
    make_user(ORGANISER, "organiser")
    with app.app_context():
        seed_regions()
        save_institution(None, name="Badan Kesatuan Bangsa dan Politik Kabupaten Kutai Timur",
                         short_name="Kesbangpol Kutim")
        return find_area("64.02").id


def prefixed(field: str, data: dict) -> dict:
    """The small form's fields, named for the list they add to."""
    return {f"new-{field}-{name}": value for name, value in data.items()}


def institution_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Institution))


def test_an_organiser_adds_a_host_in_place_and_names_it_host(app, client, make_user, kukar):
    login(client, ORGANISER)
    form = client.get("/courses/new").get_data(as_text=True)
    assert "Instansi belum ada? Tambahkan" in form and HOST_FORM in form
    small = client.get(HOST_FORM).get_data(as_text=True)
    assert 'name="new-host_institution_id-short_name"' in small
    assert "Kabupaten Kutai Kartanegara (64.02)" in small  # its kabupaten/kota to choose
    answer = post(client, HOST_FORM, prefixed("host_institution_id",
                                              {**KUKAR, "region_id": kukar}))
    page = answer.get_data(as_text=True)
    assert "Pemkab Kukar ditambahkan dan dipilih." in page
    assert 'data-choose="#host_institution_id"' in page
    # Adding it gives no right to issue in its name: an admin gives that.
    assert "setelah administrator menetapkannya untuk Anda" in page
    with app.app_context():
        added = db.session.scalar(select(Institution).where(
            Institution.short_name == "Pemkab Kukar"))
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        assert (added.name, added.kind, added.region.code) == (
            KUKAR["name"], InstitutionKind.LOCAL_GOVERNMENT, "64.02")
        assert added.created_by_id == organiser.id
        assert not auth_services.may_issue_for(organiser, added.id)
        added_id = added.id
    assert f'data-added-institution="{added_id}"' in page
    # The course form offers it as host, and the course is created with it.
    assert "Pemkab Kukar" in client.get("/courses/new").get_data(as_text=True)
    assert post(client, "/courses/new", {**COURSE_FORM, "host_institution_id": added_id}
                ).status_code == 302
    with app.app_context():
        course = course_services.find_course("BIMTEK-KUKAR-2025")
        assert course.host_institution_id == added_id
    # Another organiser did not add it and may not issue for it: not their host.
    make_user("other@bimtek.test", "organiser")
    post(client, "/logout")
    login(client, "other@bimtek.test")
    refused = post(client, "/courses/new", {**COURSE_FORM, "code": "BIMTEK-LAIN-2025",
                                            "host_institution_id": added_id})
    assert "Anda tidak boleh menerbitkan sertifikat atas nama instansi ini." in \
        refused.get_data(as_text=True)
    with app.app_context():
        assert course_services.find_course("BIMTEK-LAIN-2025") is None


def test_a_speaker_s_institution_is_added_in_place(app, client, kukar):
    login(client, ORGANISER)
    form = client.get("/speakers/new").get_data(as_text=True)
    assert SPEAKER_FORM in form and "data-institution-list" in form
    page = post(client, SPEAKER_FORM, prefixed("institution_id", {
        "short_name": "Unhan", "name": "Universitas Pertahanan", "kind": "perguruan_tinggi",
        "region_id": ""})).get_data(as_text=True)
    assert "Unhan ditambahkan dan dipilih." in page and "administrator" not in page
    with app.app_context():
        unhan = db.session.scalar(select(Institution).where(Institution.short_name == "Unhan"))
        assert (unhan.kind, unhan.region) == (InstitutionKind.UNIVERSITY, None)
    assert post(client, "/speakers/new", {"name": "Rizali Hadi", "institution_id": unhan.id}
                ).status_code == 302


def test_adding_in_place_checks_every_field_like_the_admin_form(app, client, kukar):
    login(client, ORGANISER)
    page = post(client, HOST_FORM, prefixed("host_institution_id", {
        "short_name": "", "name": "badan kesatuan bangsa dan politik kabupaten kutai timur",
        "kind": "perangkat_daerah", "region_id": "999999"})).get_data(as_text=True)
    assert "Kolom ini wajib diisi." in page
    assert "badan kesatuan bangsa dan politik kabupaten kutai timur sudah dipakai instansi " \
           "lain." in page
    assert "Wilayah tidak dikenal." in page
    assert "data-added-institution" not in page
    page = post(client, HOST_FORM, prefixed("host_institution_id", {
        **KUKAR, "short_name": "x" * 81, "kind": "bukan-jenis"})).get_data(as_text=True)
    assert "Pilihan tidak valid." in page and "data-added-institution" not in page
    assert "Isian tidak boleh lebih dari 80 karakter." in page
    assert institution_count(app) == 1


def test_adding_in_place_names_a_list_of_the_page(client, kukar):
    login(client, ORGANISER)
    assert client.get("/institutions/add?field=x\"><script>").status_code == 400


@pytest.mark.parametrize("role", ["desk", "facilitator", "hr", "participant"])
def test_only_organisers_and_admins_add_institutions_in_place(app, client, make_user, kukar,
                                                               role):
    make_user("someone@bimtek.test", role,
              institutions=("Kesbangpol Kutim",) if role == "hr" else ())
    login(client, "someone@bimtek.test")
    assert client.get(HOST_FORM).status_code == 403
    assert post(client, HOST_FORM, prefixed("host_institution_id", KUKAR)).status_code == 403
    assert post(client, SPEAKER_FORM, prefixed("institution_id", KUKAR)).status_code == 403
    assert institution_count(app) == 1


def test_nobody_adds_institutions_without_logging_in(app, client, kukar):
    assert client.get(HOST_FORM).status_code == 302
    assert post(client, HOST_FORM, prefixed("host_institution_id", KUKAR)).status_code == 302
    assert institution_count(app) == 1


def test_an_admin_adds_one_in_place_and_may_issue_for_it(app, client, make_user, kukar):
    make_user("admin@bimtek.test", "admin")
    login(client, "admin@bimtek.test")
    page = post(client, HOST_FORM, prefixed("host_institution_id", {
        **KUKAR, "region_id": kukar})).get_data(as_text=True)
    assert "Pemkab Kukar ditambahkan dan dipilih." in page and "administrator" not in page
