"""What a participant does without an account: registering themself, safely, and asking
for a lost personal link. Every answer to the public is the same whether or not the NIK is
known: the details only ever go to the e-mail address on record."""
from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.errors import ErrorCollector, ValidationError
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.mail.models import MessageKind
from bimtek.registration import messages
from bimtek.registration.identity import clean_text, normalise_phone, parse_nik
from bimtek.registration.models import PendingRegistration, Registration
from bimtek.registration.services import (
    ACTIVE,
    CheckedParticipant,
    ParticipantInput,
    check_participant,
    register_many,
)
from bimtek.timeutil import utcnow
from bimtek.urls import public_url


def _send_link_on_record(registration: Registration) -> None:
    """Someone asked about this registration: its link goes to the address on record, and
    nowhere when there is none."""
    if registration.email:
        mail.start_job(MessageKind.LOST_LINK, [messages.personal_link_message(
            registration, MessageKind.LOST_LINK)], course_id=registration.course_id)


def _active_with_nik(course: Course, nik: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.course_id == course.id, Registration.nik == nik,
        Registration.status.in_(ACTIVE)))


def purge_expired(now=None) -> int:
    """Unconfirmed self-registrations past their time are forgotten."""
    result = db.session.execute(delete(PendingRegistration).where(
        PendingRegistration.expires_at <= (now or utcnow())))
    return result.rowcount


def check_request(course: Course, data: ParticipantInput) -> CheckedParticipant:
    """A self-registration's details as the participant typed them; ValidationErrors
    names every bad field at once, so that the form is corrected in one go."""
    errors = ErrorCollector()
    with errors:
        checked = check_participant(course, data)
    with errors:
        if not clean_text(data.email):
            raise ValidationError(_("An e-mail address is needed: the confirmation link is "
                                    "sent there."), field="email")
    errors.raise_any()
    return checked


def request_registration(course: Course, data: ParticipantInput, *,
                         user_id: int | None = None) -> None:
    """A self-registration: a form that does not read raises ValidationError naming the
    field; otherwise the answer is the same for a new and an already registered NIK. A new
    one waits, taking no seat, for the confirmation link e-mailed to the address given; an
    already registered NIK gets its link sent to the address on record instead."""
    checked = check_request(course, data)
    purge_expired()
    existing = _active_with_nik(course, checked.fields["nik"])
    if existing is not None:
        _send_link_on_record(existing)
        return
    hours = current_app.config["REGISTRATION_CONFIRM_HOURS"]
    pending = PendingRegistration(course_id=course.id, details=asdict(data),
                                  name=checked.fields["name"], email=checked.fields["email"],
                                  user_id=user_id, expires_at=utcnow() + timedelta(hours=hours))
    db.session.add(pending)
    db.session.flush()
    subject, body = messages.compose(
        "mail/confirmation.txt", course=course, name=pending.name, hours=hours,
        link=public_url("registration.confirm_registration", token=pending.token))
    mail.start_job(MessageKind.CONFIRMATION, [mail.message(
        MessageKind.CONFIRMATION, pending.email, subject, body, recipient_name=pending.name,
        course_id=course.id)], course_id=course.id)


def find_pending(token: str) -> PendingRegistration | None:
    """A self-registration still waiting for its confirmation."""
    return db.session.scalar(select(PendingRegistration).where(
        PendingRegistration.token == token, PendingRegistration.expires_at > utcnow()))


def pending_of(course: Course) -> list[PendingRegistration]:
    return list(db.session.scalars(select(PendingRegistration).where(
        PendingRegistration.course_id == course.id, PendingRegistration.expires_at > utcnow())
        .order_by(PendingRegistration.created_at)))


def confirm(pending: PendingRegistration, *, actor=None) -> Registration | None:
    """The confirmation link was opened, or an organiser approved: now the registration
    takes its seat (or its place on the waitlist) and its personal link is e-mailed. None
    when the NIK was registered meanwhile; that registration's link goes to its own
    address on record."""
    course, data, user_id = pending.course, ParticipantInput(**pending.details), pending.user_id
    db.session.delete(pending)  # kept with the registration, or alone
    course_services.lock_course(course)  # no registration of this NIK can come between
    checked = check_participant(course, data)
    existing = _active_with_nik(course, checked.fields["nik"])
    if existing is not None:
        _send_link_on_record(existing)
        return None
    (registration,) = register_many(course, [checked], actor=actor, user_ids=[user_id])
    mail.start_job(MessageKind.PERSONAL_LINK, [messages.personal_link_message(registration)],
                   course_id=course.id, by=actor)
    return registration


def send_lost_link(nik: str, contact: str) -> None:
    """A lost personal link: sent to the e-mail on record of each active registration with
    this NIK whose e-mail or phone on record is `contact`. Says nothing about what
    matched; only a NIK or contact that cannot be read is refused."""
    digits = parse_nik(nik).digits
    contact = clean_text(contact)
    if not contact:
        raise ValidationError(_("Type the e-mail address or mobile number you registered "
                                "with."), field="contact")
    matches = [Registration.email == contact.lower()]
    if "@" not in contact:
        try:
            phone = normalise_phone(contact)
        except ValidationError as error:
            raise ValidationError(error.message, field="contact") from error
        matches = [Registration.phone == phone]
    for registration in db.session.scalars(select(Registration).where(
            Registration.nik == digits, Registration.status.in_(ACTIVE),
            Registration.email != "", or_(*matches))):
        _send_link_on_record(registration)
