"""Rooms of a course: added, edited and deleted by its organisers, and by no one else."""
from datetime import date, time

import pytest

from bimtek.auth.models import Role
from bimtek.courses import services
from bimtek.courses.agenda import SessionInput, add_session, delete_room, save_room
from bimtek.courses.models import Room, Session, SessionKind
from bimtek.errors import ValidationError
from bimtek.extensions import db
from tests.courses.test_agenda_views import staff
from tests.factories import make_course
from tests.support.web import login, post

KUKAR = "KSP-KUKAR-2025"


@pytest.fixture
def rooms(app):
    """A Kutai Kartanegara course with a used plenary hall and an unused breakout room,
    and a Sintang course; returns the two rooms' ids."""
    with app.app_context():
        course = make_course(KUKAR, starts_on=date(2025, 3, 10))
        hall = save_room(course, None, name="Ruang Kutai", capacity=300, is_plenary=True)
        spare = save_room(course, None, name="Ruang Mahakam", capacity=40, is_plenary=False)
        add_session(course, SessionInput(
            day=date(2025, 3, 10), starts_at=time(8, 0), ends_at=time(9, 30),
            title="Pembukaan", kind=SessionKind.OPENING, room_id=hall.id))
        make_course("KSP-SINTANG-2024")
        return hall.id, spare.id


def test_an_unused_room_is_deleted_and_a_used_one_is_refused(app_context, rooms):
    hall_id, spare_id = rooms
    with pytest.raises(ValidationError) as refused:
        delete_room(db.session.get(Room, hall_id))
    assert "Ruang Kutai" in refused.value.message and "(1 sesi)" in refused.value.message
    db.session.rollback()
    assert db.session.get(Session, db.session.query(Session.id).scalar()).room_id == hall_id
    delete_room(db.session.get(Room, spare_id))
    assert [room.name for room in services.find_course(KUKAR).rooms] == ["Ruang Kutai"]


def test_a_room_cannot_take_the_name_of_another(app_context, rooms):
    hall_id, spare_id = rooms
    course = services.find_course(KUKAR)
    with pytest.raises(ValidationError):
        save_room(course, db.session.get(Room, spare_id), name="  ruang   KUTAI ",
                  capacity=None, is_plenary=False)


def test_the_organiser_adds_edits_and_deletes_rooms(app, client, make_user, rooms):
    hall_id, spare_id = rooms
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, KUKAR)
    login(client, "organiser@bimtek.test")
    page = post(client, f"/courses/{KUKAR}/rooms",
                {"name": "Ruang Berau", "capacity": "30"}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Ruang Berau ditambahkan ke daftar ruang." in html
    assert "Ruang Ruang" not in html

    page = post(client, f"/courses/{KUKAR}/rooms/{spare_id}", {
        f"room{spare_id}-name": "Ruang Mahakam 2", f"room{spare_id}-capacity": "60"},
        follow_redirects=True).get_data(as_text=True)
    assert "Ruang disimpan: Ruang Mahakam 2." in page and "60 kursi" in page

    page = post(client, f"/courses/{KUKAR}/rooms/{hall_id}/delete",
                follow_redirects=True).get_data(as_text=True)
    assert "Ruang Kutai dipakai dalam agenda (1 sesi)" in page
    page = post(client, f"/courses/{KUKAR}/rooms/{spare_id}/delete",
                follow_redirects=True).get_data(as_text=True)
    assert "Ruang Mahakam 2 dihapus dari daftar ruang." in page
    with app.app_context():
        assert sorted(room.name for room in services.find_course(KUKAR).rooms) == [
            "Ruang Berau", "Ruang Kutai"]


@pytest.mark.parametrize("email, role, course_code", [
    ("organiser.sintang@bimtek.test", Role.ORGANISER, "KSP-SINTANG-2024"),
    ("desk@bimtek.test", Role.DESK, KUKAR),
    ("fasilitator@bimtek.test", Role.FACILITATOR, KUKAR),
])
def test_other_staff_may_neither_edit_nor_delete_a_room(app, client, make_user, rooms,
                                                         email, role, course_code):
    hall_id, spare_id = rooms
    staff(app, make_user, email, role, course_code)
    login(client, email)
    assert post(client, f"/courses/{KUKAR}/rooms/{spare_id}",
                {f"room{spare_id}-name": "Diambil alih"}).status_code == 403
    assert post(client, f"/courses/{KUKAR}/rooms/{spare_id}/delete").status_code == 403
    with app.app_context():
        assert db.session.get(Room, spare_id).name == "Ruang Mahakam"


def test_another_course_s_room_is_not_found_through_this_course(app, client, make_user,
                                                                 rooms):
    hall_id, spare_id = rooms
    staff(app, make_user, "organiser@bimtek.test", Role.ORGANISER, "KSP-SINTANG-2024")
    login(client, "organiser@bimtek.test")
    assert post(client, f"/courses/KSP-SINTANG-2024/rooms/{spare_id}/delete"
                ).status_code == 404
    with app.app_context():
        assert db.session.get(Room, spare_id) is not None


def test_a_participant_may_neither_edit_nor_delete_a_room(app, client, make_user, rooms):
    hall_id, spare_id = rooms
    make_user("peserta@bimtek.test", "participant")
    login(client, "peserta@bimtek.test")
    assert post(client, f"/courses/{KUKAR}/rooms/{spare_id}",
                {f"room{spare_id}-name": "Diambil alih"}).status_code == 403
    assert post(client, f"/courses/{KUKAR}/rooms/{spare_id}/delete").status_code == 403
    with app.app_context():
        assert db.session.get(Room, spare_id).name == "Ruang Mahakam"
