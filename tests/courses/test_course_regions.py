"""A course draws its participants from kabupaten/kota or whole provinces."""
from __future__ import annotations

from datetime import date, time

import pytest

from bimtek.courses import services
from bimtek.courses.agenda import SessionInput, add_session, copy_agenda
from bimtek.courses.models import SessionKind
from bimtek.errors import ValidationError
from bimtek.extensions import db
from tests.factories import make_course, seed_regions
from tests.support.web import login, post

COURSE_FORM = {"code": "KSP-KUKAR-2025", "title": "Bimtek Mitigasi Konflik Sosial",
               "batch": "1", "host_institution_id": "", "facilitator_institution_id": "",
               "starts_on": "2025-03-10", "ends_on": "2025-03-14",
               "timezone": "Asia/Makassar", "capacity": "400", "min_attendance_percent": "80"}


@pytest.fixture
def regions(app_context):
    seed_regions()


def kecamatan_codes(course) -> set[str]:
    return {k.code for k in services.course_kecamatan(course)}


def test_kabupaten_and_whole_provinces_give_their_kecamatan(regions):
    course = make_course("KSP-KUKAR-2025")
    assert services.course_kecamatan(course) == []
    services.save_course(course, code=course.code, regions=["64.02", " 64.02 ", "61.05"])
    assert course.region_names == "Kabupaten Kutai Kartanegara, Kabupaten Sintang"
    codes = kecamatan_codes(course)
    assert len([c for c in codes if c.startswith("64.02.")]) == 20
    assert "61.05.01" in codes and not any(c.startswith("64.08.") for c in codes)
    # A province means all of it: Kutai Timur and Kutai Kartanegara are in Kalimantan Timur.
    services.save_course(course, code=course.code, regions=["64"])
    assert course.region_names == "Provinsi Kalimantan Timur"
    assert {"64.02.16", "64.08.08"} <= kecamatan_codes(course)
    assert "61.05.01" not in kecamatan_codes(course)


def test_an_unknown_region_code_is_refused_and_changes_nothing(english, regions):
    course = make_course("KSP-KUKAR-2025", regions=("64.02",))
    with pytest.raises(ValidationError) as error:
        services.save_course(course, code=course.code, title="Baru", regions=["64.02", "64.99"])
    assert error.value.field == "regions"
    assert error.value.message == ("64.99 is not the code of a province or kabupaten/kota; "
                                   "search for the region by its name.")
    db.session.rollback()
    assert (course.title, course.region_names) == ("Bimtek KSP-KUKAR-2025",
                                                   "Kabupaten Kutai Kartanegara")


def test_copying_an_earlier_batch_copies_its_regions(regions):
    earlier = make_course("KSP-KUKAR-2024", regions=("64.02", "61.05"))
    add_session(earlier, SessionInput(
        day=date(2024, 10, 28), starts_at=time(8), ends_at=time(9), title="Pembukaan",
        kind=SessionKind.OPENING))
    later = make_course("KSP-KUKAR-2025", starts_on=date(2025, 3, 10), regions=("64.08",))
    copy_agenda(earlier, later)
    assert later.region_names == ("Kabupaten Kutai Timur, Kabupaten Kutai Kartanegara, "
                                  "Kabupaten Sintang")


def test_create_course_command_takes_regions(app):
    with app.app_context():
        seed_regions()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-course", "KSP-KUKAR-2025", "--title", "Bimtek Kukar",
                                 "--start", "2025-03-10", "--region", "64.02",
                                 "--region", "61"])
    assert result.exit_code == 0, result.output
    assert "Kabupaten Kutai Kartanegara, Provinsi Kalimantan Barat" in result.output
    with app.app_context():
        course = services.find_course("KSP-KUKAR-2025")
        assert [area.area.code for area in course.areas] == ["64.02", "61"]
    result = runner.invoke(args=["create-course", "KSP-KUKAR-2026", "--title", "Bimtek",
                                 "--start", "2026-03-09", "--region", "Kutai"])
    assert result.exit_code == 1 and "Kutai" in result.output
    with app.app_context():
        assert services.find_course("KSP-KUKAR-2026") is None


def test_organiser_finds_regions_as_they_type_and_sees_them_on_the_course(app, client,
                                                                          make_user):
    with app.app_context():
        seed_regions()
    make_user("organiser@bimtek.test", "organiser")
    login(client, "organiser@bimtek.test")
    found = client.get("/regions/choices?q=kutai%20karta&field=regions").get_data(as_text=True)
    assert 'name="regions" value="64.02"' in found and "Kabupaten Kutai Kartanegara" in found
    assert "kecamatan" not in found.lower()
    province = client.get("/regions/choices?q=kalimantan+timur").get_data(as_text=True)
    assert 'value="64"' in province and "Provinsi Kalimantan Timur" in province
    assert "Tidak ada provinsi" in client.get("/regions/choices?q=Atlantis").get_data(
        as_text=True)
    response = post(client, "/courses/new", {**COURSE_FORM, "regions": ["64.02"]})
    assert response.status_code == 302
    page = client.get("/courses/KSP-KUKAR-2025").get_data(as_text=True)
    assert "Kabupaten Kutai Kartanegara" in page
    form = client.get("/courses/KSP-KUKAR-2025/edit").get_data(as_text=True)
    assert 'name="regions" value="64.02" id="regions-64.02" checked' in form
    response = post(client, "/courses/KSP-KUKAR-2025/edit",
                    {**COURSE_FORM, "regions": ["64.02", "99.99"]})
    assert "99.99 bukan kode provinsi atau kabupaten/kota" in response.get_data(as_text=True)
    response = post(client, "/courses/KSP-KUKAR-2025/edit",
                    {**COURSE_FORM, "regions": ["64.02", "61.05"]})
    assert response.status_code == 302
    with app.app_context():
        assert services.find_course("KSP-KUKAR-2025").region_names == \
            "Kabupaten Kutai Kartanegara, Kabupaten Sintang"
