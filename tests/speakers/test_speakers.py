"""The speakers' directory and a speaker's own agenda link."""
from datetime import date, time

from bimtek.courses import services
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import (
    SessionInput,
    add_session,
    save_room,
    session_input,
    update_session,
)
from bimtek.courses.models import CourseStatus, SessionKind
from bimtek.extensions import db
from bimtek.speakers import services as speaker_services
from bimtek.speakers.models import Speaker, SpeakerRole
from tests.factories import make_course
from tests.support.web import login, post


def test_organiser_adds_a_speaker_with_titles(app, client, make_user):
    make_user("organiser@bimtek.test", "organiser")
    login(client, "organiser@bimtek.test")
    response = post(client, "/speakers/new", {
        "front_titles": "Dr. H.", "name": " Rizali   Hadi ", "back_titles": "M.Pd.",
        "institution_id": "", "position": "Dosen"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Dr. H. Rizali Hadi, M.Pd." in page
    assert "Rizali Hadi" in client.get("/speakers/?q=rizali").get_data(as_text=True)
    response = post(client, "/speakers/new", {"name": "", "institution_id": ""})
    assert response.status_code == 200


def sessions_in_two_courses(app):
    with app.app_context():
        speaker = speaker_services.save_speaker(None, name="Narasumber Polres Kutai Timur",
                                                back_titles="S.I.K.", rank="AKBP")
        for code, day, status in [("KSP-KUTIM-2024", date(2024, 10, 30), CourseStatus.PUBLISHED),
                                  ("KSP-SINTANG-2024", date(2024, 11, 5), CourseStatus.DRAFT)]:
            course = make_course(code, starts_on=day, status=status,
                                 timezone="Asia/Pontianak" if "SINTANG" in code else
                                 "Asia/Makassar")
            add_session(course, SessionInput(
                day=day, starts_at=time(8, 0), ends_at=time(10, 15),
                title=f"Penanganan massa {code}", kind=SessionKind.MATERIAL,
                speakers=[(speaker.id, SpeakerRole.NARASUMBER)]))
        return speaker.id, speaker.agenda_token


def test_speaker_page_lists_sessions_across_courses(app, client, make_user):
    speaker_id, _token = sessions_in_two_courses(app)
    organiser_id = make_user("organiser@bimtek.test", "organiser")
    make_user("other@bimtek.test", "organiser")
    with app.app_context():
        from bimtek.auth.models import Role, User

        course_staff.assign_course(db.session.get(User, organiser_id),
                                    services.find_course("KSP-SINTANG-2024"), Role.ORGANISER)
    login(client, "organiser@bimtek.test")
    page = client.get(f"/speakers/{speaker_id}").get_data(as_text=True)
    assert "Penanganan massa KSP-KUTIM-2024" in page and "08.00–10.15 WITA" in page
    assert "Penanganan massa KSP-SINTANG-2024" in page and "08.00–10.15 WIB" in page
    # An organiser of a course the speaker is in may change the entry.
    assert client.get(f"/speakers/{speaker_id}/edit").status_code == 200
    post(client, "/logout")
    # An organiser of neither course sees the published course only, not the draft.
    login(client, "other@bimtek.test")
    page = client.get(f"/speakers/{speaker_id}").get_data(as_text=True)
    assert "KSP-KUTIM-2024" in page and "KSP-SINTANG-2024" not in page


def test_private_link_shows_only_published_courses(app, client):
    _speaker_id, token = sessions_in_two_courses(app)
    page = client.get(f"/speakers/agenda/{token}").get_data(as_text=True)
    assert "Penanganan massa KSP-KUTIM-2024" in page
    assert "KSP-SINTANG-2024" not in page
    assert client.get("/speakers/agenda/not-the-token").status_code == 404


def test_only_organisers_manage_speakers(app, client, make_user):
    with app.app_context():
        speaker = Speaker(name="Narasumber KPU")
        db.session.add(speaker)
        db.session.commit()
        speaker_id = speaker.id
    for role in ("desk", "facilitator", "participant"):
        make_user(f"{role}@bimtek.test", role)
        login(client, f"{role}@bimtek.test")
        for url in ["/speakers/", "/speakers/new", f"/speakers/{speaker_id}",
                    f"/speakers/{speaker_id}/edit"]:
            assert client.get(url).status_code == 403, (role, url)
        assert post(client, f"/speakers/{speaker_id}/edit",
                    {"name": "Diganti", "institution_id": ""}).status_code == 403
        post(client, "/logout")
    with app.app_context():
        assert db.session.get(Speaker, speaker_id).name == "Narasumber KPU"


def test_contacts_and_private_link_only_for_the_speakers_courses_creator_and_admins(
        app, client, make_user):
    speaker_id, token = sessions_in_two_courses(app)  # added by nobody (e.g. an import)
    creator_id = make_user("creator@bimtek.test", "organiser")
    kutim_id = make_user("kutim@bimtek.test", "organiser")
    make_user("stranger@bimtek.test", "organiser")
    make_user("admin@bimtek.test", "admin")
    with app.app_context():
        from bimtek.auth.models import Role, User

        course_staff.assign_course(db.session.get(User, kutim_id),
                                    services.find_course("KSP-KUTIM-2024"), Role.ORGANISER)
        speaker = db.session.get(Speaker, speaker_id)
        speaker.phone, speaker.email = "+6281350001111", "polres@kutaitimur.test"
        fresh = speaker_services.save_speaker(
            None, by=db.session.get(User, creator_id), name="Narasumber Baru",
            phone="+6281350002222", email="baru@kutaitimur.test")
        fresh_id, fresh_token = fresh.id, fresh.agenda_token

    def page(speaker):
        return client.get(f"/speakers/{speaker}").get_data(as_text=True)

    login(client, "stranger@bimtek.test")
    for speaker, secret_token, phone in [(speaker_id, token, "+6281350001111"),
                                          (fresh_id, fresh_token, "+6281350002222")]:
        text = page(speaker)
        assert "Narasumber" in text  # the directory stays shared
        assert phone not in text and secret_token not in text
        assert 'data-testid="contacts-hidden"' in text
        assert client.get(f"/speakers/{speaker}/edit").status_code == 403
        assert post(client, f"/speakers/{speaker}/edit",
                    {"name": "Diganti", "institution_id": ""}).status_code == 403
    post(client, "/logout")
    with app.app_context():
        assert db.session.get(Speaker, fresh_id).name == "Narasumber Baru"

    for email, speaker, secret_token, phone in [
            ("creator@bimtek.test", fresh_id, fresh_token, "+6281350002222"),
            ("kutim@bimtek.test", speaker_id, token, "+6281350001111"),
            ("admin@bimtek.test", fresh_id, fresh_token, "+6281350002222")]:
        login(client, email)
        text = page(speaker)
        assert phone in text and secret_token in text, email
        assert client.get(f"/speakers/{speaker}/edit").status_code == 200, email
        post(client, "/logout")
    login(client, "creator@bimtek.test")
    assert "+6281350001111" not in page(speaker_id)  # not theirs, not in their course


def test_private_agenda_names_room_and_venue(app, client):
    _speaker_id, token = sessions_in_two_courses(app)
    with app.app_context():
        course = services.find_course("KSP-KUTIM-2024")
        course.venue, course.city = "Hotel Harris", "Samarinda"
        room = save_room(course, None, name="Ruang Mahakam", capacity=80,
                         is_plenary=False)
        session = course.sessions[0]
        update_session(session, session_input(session, room_id=room.id))
    page = client.get(f"/speakers/agenda/{token}").get_data(as_text=True)
    assert "Ruang Mahakam · Hotel Harris, Samarinda" in page
    assert "Rabu, 30 Oktober 2024" in page and "08.00–10.15 WITA" in page


def test_a_new_private_link_kills_the_old_one(app, client, make_user):
    speaker_id, token = sessions_in_two_courses(app)
    make_user("admin@bimtek.test", "admin")
    login(client, "admin@bimtek.test")
    post(client, f"/speakers/{speaker_id}/agenda-link")
    assert client.get(f"/speakers/agenda/{token}").status_code == 404
    assert client.get(f"/speakers/agenda/{token}.ics").status_code == 404
    with app.app_context():
        new_token = db.session.get(Speaker, speaker_id).agenda_token
    assert new_token != token and client.get(f"/speakers/agenda/{new_token}").status_code == 200
