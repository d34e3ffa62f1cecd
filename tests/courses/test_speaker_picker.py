"""The session form's speaker picker: searching the directory as one types and adding a
speaker in place, for the course's organisers only."""
from datetime import date

import pytest
from sqlalchemy import select

from bimtek.auth.models import Role
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.speakers import services as speaker_services
from bimtek.speakers.models import Speaker
from tests.courses.test_agenda_views import staff
from tests.factories import make_course
from tests.support.web import login, post

KUKAR = "KSP-KUKAR-2025"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def directory(app):
    with app.app_context():
        make_course(KUKAR, starts_on=date(2025, 3, 10))
        make_course("KSP-SINTANG-2024")
        speaker_services.save_speaker(None, front_titles="Dr. H.", name="Rizali Hadi",
                                      back_titles="M.Si.")
        speaker_services.save_speaker(None, name="Budi Santoso")
        unhan = institution_services.save_institution(
            None, name="Universitas Pertahanan", short_name="Unhan", kind="perguruan_tinggi",
            region_id=None)
        return unhan.id


def test_the_picker_finds_speakers_as_one_types(app, client, make_user, directory):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, KUKAR)
    login(client, "organiser@bimtek.test")
    html = client.get(f"/courses/{KUKAR}/speaker-choices?field=new-speakers&q=riza",
                      headers=HTMX).get_data(as_text=True)
    assert "Dr. H. Rizali Hadi, M.Si." in html and "Budi" not in html
    assert 'type="checkbox" name="new-speakers"' in html
    html = client.get(f"/courses/{KUKAR}/speaker-choices?field=s7-facilitators&q=zzz",
                      headers=HTMX).get_data(as_text=True)
    assert "Tidak ada narasumber bernama seperti “zzz”." in html
    assert client.get(f"/courses/{KUKAR}/speaker-choices?field=csrf_token&q=riza"
                      ).status_code == 400
    form = client.get(f"/courses/{KUKAR}/sessions/new").get_data(as_text=True)
    assert f"/courses/{KUKAR}/speaker-choices?field=new-speakers" in form
    assert "Narasumber belum terdaftar? Tambahkan" in form


def test_a_new_speaker_is_added_in_place_and_ticked(app, client, make_user, directory):
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, KUKAR)
    login(client, "organiser@bimtek.test")
    form = client.get(f"/courses/{KUKAR}/speakers/add?field=new-speakers").get_data(
        as_text=True)
    assert 'name="speakers_new_name"' in form
    assert "/institutions/add?field=speakers_new_institution_id" in form

    refused = post(client, f"/courses/{KUKAR}/speakers/add?field=new-speakers",
                   {"speakers_new_front_titles": "Dr.", "speakers_new_name": ""},
                   headers=HTMX).get_data(as_text=True)
    assert 'data-testid="new-speaker"' in refused and "wajib" in refused.lower()
    refused = post(client, f"/courses/{KUKAR}/speakers/add?field=new-speakers",
                   {"speakers_new_name": "Rizali " * 40}, headers=HTMX).get_data(as_text=True)
    assert 'data-testid="speaker-added"' not in refused and "200" in refused

    added = post(client, f"/courses/{KUKAR}/speakers/add?field=new-facilitators", {
        "facilitators_new_front_titles": "Kombes Pol.", "facilitators_new_name": "Andi Wijaya",
        "facilitators_new_institution_id": str(directory)}, headers=HTMX).get_data(as_text=True)
    with app.app_context():
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Andi Wijaya"))
        assert speaker.institution.short_name == "Unhan" and speaker.created_by_id
        assert db.session.query(Speaker).count() == 3
    assert "Kombes Pol. Andi Wijaya ditambahkan ke daftar narasumber dan dipilih." in added
    assert f'name="new-facilitators" value="{speaker.id}"' in added and "checked" in added


@pytest.mark.parametrize("email, role, course_code", [
    ("organiser.sintang@bimtek.test", Role.ORGANISER, "KSP-SINTANG-2024"),
    ("desk@bimtek.test", Role.DESK, KUKAR),
])
def test_other_staff_may_neither_search_nor_add(app, client, make_user, directory, email,
                                                role, course_code):
    staff(app, make_user, email, role, course_code)
    login(client, email)
    assert client.get(f"/courses/{KUKAR}/speaker-choices?q=riza").status_code == 403
    assert client.get(f"/courses/{KUKAR}/speakers/add").status_code == 403
    assert post(client, f"/courses/{KUKAR}/speakers/add",
                {"speakers_new_name": "Penyusup"}).status_code == 403
    with app.app_context():
        assert db.session.query(Speaker).count() == 2


def test_a_participant_may_not_add_a_speaker(app, client, make_user, directory):
    make_user("peserta@bimtek.test", "participant")
    login(client, "peserta@bimtek.test")
    assert post(client, f"/courses/{KUKAR}/speakers/add",
                {"speakers_new_name": "Penyusup"}).status_code == 403
    with app.app_context():
        assert db.session.query(Speaker).count() == 2
