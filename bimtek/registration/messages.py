"""What participants are sent: their personal link by e-mail, a WhatsApp click-to-chat
link for those reached by phone, and the rotation of a link that leaked. Messages are
written in Indonesian whatever language the organiser's screen is in."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from itertools import groupby
from urllib.parse import quote

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from bimtek import audit
from bimtek.courses.agenda import published_sessions
from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.mail.models import MailJob, MessageKind, OutgoingMessage
from bimtek.registration.models import Registration
from bimtek.registration.services import ACTIVE
from bimtek.unit_of_work import flush_changes
from bimtek.urls import public_url

MESSAGE_LOCALE = "id"


def personal_link(registration: Registration) -> str:
    return public_url("registration.my_registration", token=registration.personal_token)


def compose(template: str, **context) -> tuple[str, str]:
    """A message's subject (the template's first line) and plain-text body, in
    Indonesian."""
    with force_locale(MESSAGE_LOCALE):
        text = render_template(template, **context)
    subject, _newline, body = text.lstrip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def agenda_days(course: Course) -> list[tuple]:
    """The published agenda as (day, sessions) pairs, for a message's summary."""
    return [(day, list(sessions)) for day, sessions in groupby(
        published_sessions(course), key=lambda session: session.day)]


def personal_link_message(registration: Registration, kind: MessageKind = (
        MessageKind.PERSONAL_LINK), *, days: list[tuple] | None = None) -> OutgoingMessage:
    """The participant's link, badge code and agenda summary, to the e-mail on record."""
    course = registration.course
    subject, body = compose("mail/personal_link.txt", registration=registration,
                            course=course, link=personal_link(registration),
                            days=agenda_days(course) if days is None else days)
    return mail.message(kind, registration.email, subject, body,
                        recipient_name=registration.full_name, course_id=course.id,
                        registration_id=registration.id)


def _with_email(course: Course) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.course_id == course.id, Registration.status.in_(ACTIVE),
        Registration.email != "").order_by(Registration.number)))


def send_personal_links(course: Course, *, only_new: bool = False, by=None,
                        background: bool = True) -> MailJob:
    """Every registered or waitlisted participant with an e-mail address gets their link;
    with `only_new`, only those whose link has not reached them yet."""
    registrations = _with_email(course)
    if only_new:
        done = mail.delivered_registration_ids(course.id, MessageKind.PERSONAL_LINK)
        registrations = [r for r in registrations if r.id not in done]
    if not registrations:
        raise ValidationError(_("No participant with an e-mail address is waiting for their "
                                "personal link."), field="only_new")
    days = agenda_days(course)
    return mail.start_job(MessageKind.PERSONAL_LINK, [
        personal_link_message(registration, days=days) for registration in registrations],
        course_id=course.id, by=by, background=background)


def send_personal_link(registration: Registration, *, by=None) -> MailJob:
    """One participant's link again, in one click."""
    if not registration.email:
        raise ValidationError(_("%(name)s has no e-mail address on record.",
                                name=registration.full_name), field="email")
    return mail.start_job(MessageKind.PERSONAL_LINK, [personal_link_message(registration)],
                          course_id=registration.course_id, by=by)


def whatsapp_link(registration: Registration) -> str | None:
    """wa.me click-to-chat with the personal link in the text, for the organiser's phone;
    None without a phone number. Phones are stored as +62…."""
    if not registration.phone:
        return None
    with force_locale(MESSAGE_LOCALE):
        text = _("Hello %(name)s, this is your personal link for %(course)s: %(link)s",
                 name=registration.full_name, course=registration.course.title,
                 link=personal_link(registration))
    return f"https://wa.me/{registration.phone.lstrip('+')}?text={quote(text, safe='')}"


def reachable(course: Course) -> list[Registration]:
    """Everyone registered or waitlisted, by number, for the WhatsApp list."""
    return list(db.session.scalars(select(Registration).where(
        Registration.course_id == course.id, Registration.status.in_(ACTIVE))
        .order_by(Registration.number)))


def rotate_personal_link(registration: Registration, *, actor=None) -> str:
    """A leaked link: a new one, and the old one stops working at once."""
    registration.personal_token = secrets.token_urlsafe(16)
    audit.record("registration.personal_link_rotated", registration, actor=actor)
    flush_changes()
    return registration.personal_token


def delivery_states(registrations: Iterable[Registration]) -> dict[int, OutgoingMessage]:
    """The last personal-link e-mail of each participant: sent, in the outbox or failed."""
    return mail.latest_per_registration((r.id for r in registrations),
                                        [MessageKind.PERSONAL_LINK, MessageKind.LOST_LINK])
