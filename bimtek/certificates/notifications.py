"""\"Sertifikat Anda tersedia\": once a certificate can be downloaded, its holder is told, by
e-mail, once."""
from __future__ import annotations

from sqlalchemy import select

from bimtek.certificates.models import Certificate
from bimtek.certificates.services import issued
from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.mail.models import MailJob, MessageKind, OutgoingMessage
from bimtek.registration.messages import compose, personal_link
from bimtek.registration.models import Registration


def notify_issued(course: Course) -> MailJob | None:
    """E-mail every holder of a downloadable certificate of `course` who has an address
    and was not told before; None when nobody is waiting."""
    told = select(OutgoingMessage.registration_id).where(
        OutgoingMessage.course_id == course.id, OutgoingMessage.kind == MessageKind.CERTIFICATE,
        OutgoingMessage.registration_id.is_not(None))
    waiting = db.session.execute(issued(select(Certificate, Registration).join(
        Registration, Certificate.registration_id == Registration.id)).where(
        Certificate.course_id == course.id, Registration.email != "",
        Registration.id.not_in(told)).order_by(Certificate.seq)).all()
    if not waiting:
        return None
    messages = []
    for certificate, registration in waiting:
        subject, body = compose("mail/certificate.txt", course=course,
                                registration=registration, certificate=certificate,
                                link=personal_link(registration))
        messages.append(mail.message(MessageKind.CERTIFICATE, registration.email, subject,
                                     body, recipient_name=registration.full_name,
                                     course_id=course.id, registration_id=registration.id))
    return mail.start_job(MessageKind.CERTIFICATE, messages, course_id=course.id)
