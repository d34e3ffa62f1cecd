"""Agenda digests: when a published agenda changes, the participants and the speakers of
the changed sessions get one message, once the agenda has stood still for
BIMTEK_DIGEST_QUIET_MINUTES, so ten edits in a row make one e-mail."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from bimtek.courses.announcements import agenda_changes, agenda_snapshot, announce_agenda
from bimtek.courses.models import AgendaAnnouncement, Course, CourseStatus
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.mail.models import MailJob, MessageKind, OutgoingMessage
from bimtek.registration.messages import compose, personal_link
from bimtek.registration.models import Registration
from bimtek.registration.services import ACTIVE
from bimtek.speakers.models import Speaker
from bimtek.timeutil import utcnow
from bimtek.urls import public_url


def send_agenda_digests(now: datetime | None = None) -> list[MailJob]:
    """One sweep over the published courses (the task queue runs it every minute): a
    changed agenda is noted with the time it was seen; one that has not changed again for
    the quiet period is announced."""
    now = now or utcnow()
    quiet = timedelta(minutes=current_app.config["DIGEST_QUIET_MINUTES"])
    jobs = []
    for course in db.session.scalars(select(Course).where(
            Course.status == CourseStatus.PUBLISHED)):
        announcement = db.session.get(AgendaAnnouncement, course.id)
        if announcement is None:  # published before digests existed: this is the baseline
            announce_agenda(course, now=now)
        elif course.agenda_version == announcement.announced_version:
            continue
        elif announcement.seen_version != course.agenda_version:
            announcement.seen_version, announcement.seen_at = course.agenda_version, now
        elif now - announcement.seen_at >= quiet:
            changes = agenda_changes(
                announcement.snapshot, agenda_snapshot(course))
            announce_agenda(course, now=now)
            if changes:
                jobs.append(_send_digest(course, changes))
    return jobs


def _readable(session: dict | None) -> dict | None:
    if session is None:
        return None
    return session | {"day": date.fromisoformat(session["day"]),
                      "starts_at": time.fromisoformat(session["starts_at"]),
                      "ends_at": time.fromisoformat(session["ends_at"])}


def _digest(course: Course, name: str, changes, link: str) -> tuple[str, str]:
    return compose("mail/agenda_digest.txt", course=course, name=name, link=link,
                   changes=[(_readable(c.before), _readable(c.after)) for c in changes])


def _send_digest(course: Course, changes) -> MailJob:
    messages: list[OutgoingMessage] = []
    for registration in db.session.scalars(select(Registration).where(
            Registration.course_id == course.id, Registration.status.in_(ACTIVE),
            Registration.email != "").order_by(Registration.number)):
        subject, body = _digest(course, registration.full_name, changes,
                                personal_link(registration))
        messages.append(mail.message(MessageKind.AGENDA_CHANGE, registration.email, subject,
                                     body, recipient_name=registration.full_name,
                                     course_id=course.id, registration_id=registration.id))
    speaker_ids = set().union(*(change.speakers for change in changes))
    for speaker in db.session.scalars(select(Speaker).where(
            Speaker.id.in_(speaker_ids), Speaker.email != "").order_by(Speaker.id)):
        theirs = [change for change in changes if speaker.id in change.speakers]
        subject, body = _digest(course, speaker.full_name, theirs, public_url(
            "speakers.speaker_agenda", token=speaker.agenda_token))
        messages.append(mail.message(MessageKind.AGENDA_CHANGE, speaker.email, subject, body,
                                     recipient_name=speaker.full_name, course_id=course.id,
                                     speaker_id=speaker.id))
    return mail.start_job(MessageKind.AGENDA_CHANGE, messages, course_id=course.id)
