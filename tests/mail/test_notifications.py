"""Notifications: one debounced digest of agenda changes to the participants and to the
speakers of the changed sessions, and "Sertifikat Anda tersedia" once per certificate."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bimtek.certificates import tasks
from bimtek.courses import services as course_services
from bimtek.courses.agenda import (
    SessionInput,
    add_session,
    delete_session,
    move_session,
    save_room,
    session_input,
    update_session,
)
from bimtek.courses.announcements import announce_agenda
from bimtek.courses.models import CourseStatus, SessionKind
from bimtek.extensions import db
from bimtek.mail.models import MessageKind, OutgoingMessage
from bimtek.registration.notifications import send_agenda_digests
from bimtek.speakers.models import SpeakerRole
from bimtek.speakers.services import save_speaker
from bimtek.timeutil import utcnow
from tests.certificates.factories import finished_course, participants_of
from tests.mail.factories import WITH_EMAIL, published_course

SPEAKER = "kapolres@polres-kutim.example.go.id"


@pytest.fixture
def agenda(app, make_user):
    """Call inside an app context: the published course, announced, with a speaker (with
    an address) on its second session."""
    world = published_course(make_user)
    course = world["course"]
    speaker = save_speaker(None, name="Kapolres Kutai Timur", email=SPEAKER)
    second = course.sessions[1]
    update_session(second, session_input(
        second, speakers=[(speaker.id, SpeakerRole.NARASUMBER)]))
    announce_agenda(course)
    db.session.commit()
    return course


def quiet(app) -> timedelta:
    return timedelta(minutes=app.config["DIGEST_QUIET_MINUTES"])


def test_ten_edits_in_a_row_make_one_digest(app, app_context, smtp, agenda):
    first, second = agenda.sessions
    room = save_room(agenda, None, name="Ruang Mahakam", capacity=80,
                     is_plenary=False)
    start = utcnow()
    for minute in range(10):  # re-timed, moved and re-roomed, a minute apart
        move_session(second, agenda.days[2], (
            second.starts_at.replace(hour=10 + minute % 3)))
        send_agenda_digests(now=start + timedelta(minutes=minute))
    update_session(second, session_input(
        second, room_id=room.id))
    send_agenda_digests(now=start + timedelta(minutes=10))
    assert smtp.received == []  # still being edited
    send_agenda_digests(now=start + timedelta(minutes=10) + quiet(app) - timedelta(seconds=1))
    assert smtp.received == []
    send_agenda_digests(now=start + timedelta(minutes=10) + quiet(app))
    assert smtp.recipients == sorted(WITH_EMAIL + [SPEAKER])
    body = smtp.body_to(WITH_EMAIL[0])
    assert "Selasa, 29 Oktober 2024, 08.00-09.30 WITA" in body
    assert "Rabu, 30 Oktober 2024, 10.00-11.30 WITA, Ruang Mahakam" in body
    assert "/me/" in body and first.title in body
    assert "/speakers/agenda/" in smtp.body_to(SPEAKER)
    send_agenda_digests(now=start + timedelta(hours=2))  # nothing new: nothing sent
    assert len(smtp.received) == 4


def test_a_cancelled_session_reaches_participants_and_its_speaker(app, app_context, smtp,
                                                                  agenda):
    cancelled = agenda.sessions[1]
    title = cancelled.title
    delete_session(cancelled)
    add_session(agenda, SessionInput(
        day=agenda.days[3], starts_at=cancelled.starts_at, ends_at=cancelled.ends_at,
        title="Simulasi penanganan massa", kind=SessionKind.SIMULATION))
    now = utcnow()
    send_agenda_digests(now=now)
    send_agenda_digests(now=now + quiet(app))
    body = smtp.body_to(SPEAKER)
    assert f"{title}: sesi dibatalkan (Selasa, 29 Oktober 2024" in body
    assert "Simulasi penanganan massa" not in body  # not the speaker's session
    assert "Simulasi penanganan massa: sesi baru, Kamis, 31 Oktober 2024" in \
        smtp.body_to(WITH_EMAIL[0])


def test_drafts_and_unchanged_agendas_send_nothing(app, app_context, smtp, agenda):
    agenda.status = CourseStatus.DRAFT
    db.session.commit()
    move_session(agenda.sessions[0], agenda.days[4], agenda.sessions[0].starts_at)
    send_agenda_digests(now=utcnow())
    send_agenda_digests(now=utcnow() + 2 * quiet(app))
    assert smtp.received == []


def test_publishing_records_the_agenda_people_are_told_of(app, app_context, smtp, make_user):
    world = published_course(make_user, code="KSP-KUTIM-2025")
    course = world["course"]
    course.status = CourseStatus.DRAFT
    db.session.commit()
    course_services.advance_status(course, accept_warnings=True)
    send_agenda_digests(now=utcnow() + 2 * quiet(app))
    assert smtp.received == []


def test_certificate_available_once(app, app_context, smtp):
    course = finished_course(3)
    people = participants_of(course)
    for serial, registration in enumerate(people, start=1):
        registration.email = f"peserta{serial}@kesbangpol.example.go.id"
    db.session.commit()
    tasks.start_batch(course)
    # The third participant is not eligible: no certificate, no message.
    assert smtp.recipients == ["peserta1@kesbangpol.example.go.id",
                               "peserta2@kesbangpol.example.go.id"]
    _tos, message = smtp.received[0]
    assert message["Subject"].startswith("Sertifikat Anda tersedia")
    assert f"/me/{people[0].personal_token}" in message.get_body().get_content()
    tasks.start_batch(course)  # issued again: nobody is told twice
    assert len(smtp.received) == 2
    kinds = {m.kind for m in db.session.query(OutgoingMessage)}
    assert kinds == {MessageKind.CERTIFICATE}
