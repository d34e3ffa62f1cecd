"""Issuing certificates, revoking them, finding them by number or code, and who sees which
(the JP rule and certificate conventions: docs/domain.md)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from bimtek import audit
from bimtek.auth.models import User
from bimtek.auth.services import can_see_institution, may_issue_for
from bimtek.certificates import storage
from bimtek.certificates.eligibility import eligibility
from bimtek.certificates.models import (
    CODE_ALPHABET,
    DEFAULT_TRAINING_KIND,
    Certificate,
    CertificateSettings,
)
from bimtek.certificates.settings import check_number_pattern, format_number, settings_for
from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.courses.services import total_jp
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.registration.models import Registration
from bimtek.spreadsheet_writing import write_table
from bimtek.timeutil import utcnow
from bimtek.unit_of_work import flush_changes

# --- issuing ---------------------------------------------------------------------------

def assign_certificates(course: Course, *, by=None, issued_on: date | None = None
                        ) -> list[Certificate]:
    """Give every eligible participant without a valid certificate a new one, numbered in
    participant-number order after the course's highest number ever given (revoked
    numbers included), and return all the course's valid certificates. The course stays
    locked until the unit of work ends."""
    settings = settings_for(course)
    check_number_pattern(settings.number_pattern)
    issued_on = issued_on or settings.signing_date or course.ends_on
    course_services.lock_course(course)
    holders = set(db.session.scalars(select(Certificate.registration_id).where(
        Certificate.course_id == course.id, Certificate.revoked_at.is_(None))))
    last_seq = db.session.scalar(select(func.coalesce(func.max(Certificate.seq), 0))
                                 .where(Certificate.course_id == course.id))
    newcomers = [row for row in eligibility(course)
                 if row.eligible and row.registration.id not in holders]
    issuer_id = vouched_issuer_id(course, by)
    numbers = [format_number(settings.number_pattern, last_seq + offset, course.code,
                             issued_on) for offset in range(1, len(newcomers) + 1)]
    taken = db.session.scalar(select(Certificate.number).where(Certificate.number.in_(numbers))
                              .limit(1)) if numbers else None
    if taken is not None:
        raise ValidationError(_("Number %(number)s is already on another certificate. Put "
                                "{course} in the number pattern, or start it differently.",
                                number=taken), field="number_pattern")
    for row, number in zip(newcomers, numbers, strict=True):
        last_seq += 1
        certificate = Certificate(
            course_id=course.id, registration_id=row.registration.id, seq=last_seq,
            number=number, attended_jp=row.attended_jp, total_jp=row.total_jp,
            issued_by_id=getattr(by, "id", None), issuer_institution_id=issuer_id)
        db.session.add(certificate)
        db.session.flush()
        audit.record("certificate.issued", certificate, actor=by, number=certificate.number)
    return valid_certificates(course)


def valid_certificates(course: Course) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).join(Certificate.registration)
        .options(contains_eager(Certificate.registration))
        .where(Certificate.course_id == course.id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.seq)))


def revoke(certificate: Certificate, reason: str, *, by=None) -> None:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Write the reason for revoking the certificate."),
                              field="reason")
    check_length(reason, Certificate.revoked_reason, "reason")
    if not certificate.is_valid:
        raise ValidationError(_("Certificate %(number)s is already revoked.",
                                number=certificate.number), field="number")
    certificate.revoked_at, certificate.revoked_reason = utcnow(), reason
    certificate.revoked_by_id = getattr(by, "id", None)
    audit.record("certificate.revoked", certificate, actor=by, number=certificate.number,
                 reason=reason)
    flush_changes()


def find_by_number(number: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.number == number.strip()))


def normalise_code(code: str) -> str | None:
    """A code as typed from paper (any case, spaces or dashes anywhere) in its printed
    form, or None when it cannot be one."""
    characters = re.sub(r"[\s-]", "", code).upper()
    if len(characters) != 12 or any(c not in CODE_ALPHABET for c in characters):
        return None
    return "-".join(characters[i:i + 4] for i in range(0, 12, 4))


def find_by_code(code: str) -> Certificate | None:
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalar(select(Certificate).where(
        Certificate.verification_code == normalised))


def check_can_issue(course: Course, by: User | None = None, *,
                    accept_jp_gap: bool = False) -> None:
    """Issuing needs JP to state and at least one participant to give a certificate to,
    and `by` must be allowed to issue in the name of the course's host institution. An
    agenda whose JP differ from the course's declared JP is issued from only once the
    organiser has said that is right."""
    if by is not None and not may_issue_for(by, course.host_institution_id):
        raise ValidationError(
            _("You may not issue certificates in the name of %(institution)s. An "
              "administrator assigns the institutions you issue for.",
              institution=course.host_institution.name) if course.host_institution else
            _("Choose the course's host institution, in whose name its certificates are "
              "issued, before issuing them."), field="host_institution_id")
    if total_jp(course) == 0:
        raise ValidationError(_("The course has no JP yet: give the material sessions "
                                "their JP in the agenda before issuing certificates."))
    gap = course_services.jp_gap(course)
    if gap and not accept_jp_gap:
        raise ValidationError(
            _("The agenda has %(agenda)d JP but the course declares %(declared)d JP: the "
              "certificates would state %(agenda)d JP. Tick that this is right, or correct "
              "the agenda or the declared JP first.",
              agenda=gap.agenda_jp, declared=gap.declared_jp), field="accept_jp_gap")
    if not any(row.eligible for row in eligibility(course)):
        raise ValidationError(_("Nobody is eligible for a certificate: no participant "
                                "attended enough JP and no decision makes one eligible."))


# --- who sees which certificate --------------------------------------------------------

def mask_nip(nip: str | None) -> str:
    """'1986**** ****** * 001': enough for a reader of a public page to match the holder,
    too little to be used as their NIP."""
    if not nip:
        return ""
    hidden = nip[:4] + "*" * (len(nip) - 7) + nip[-3:]
    return f"{hidden[:8]} {hidden[8:14]} {hidden[14:15]} {hidden[15:]}"


def _with_holder_and_course(query):
    """Loads each certificate's participant and course (with its host) in the same query."""
    return (query.join(Certificate.registration).join(Certificate.course)
            .options(contains_eager(Certificate.registration),
                     contains_eager(Certificate.course).joinedload(Course.host_institution)))


def issued(query):
    """Only certificates that are valid and rendered, i.e. can be downloaded."""
    return query.where(Certificate.revoked_at.is_(None), Certificate.pdf_file != "")


def _of_staff(query, user: User):
    """Narrowed to holders from the HR user's institutions (an admin: everyone)."""
    if user.is_admin:
        return query
    return query.where(Registration.institution_id.in_(
        [institution.id for institution in user.institutions]))


def record_certificate_export(what: str, certificates: list[Certificate], *, actor) -> None:
    """Certificates carry the NIP: each course's share of the file goes in its export log."""
    for course, rows in Counter(certificate.course for certificate in certificates).items():
        audit.record_export(what, course, rows, actor=actor)


def staff_certificates(user: User, *, course_id: int | None = None, search: str = ""
                       ) -> list[Certificate]:
    """The issued certificates of the HR user's staff across all courses, newest first."""
    return list(db.session.scalars(_staff_certificates_query(user, course_id, search)))


def _search_holder(query, search: str):
    """Digits (spaces allowed, as a NIP is written) look in the NIP; anything else in the
    name, case aside."""
    search = " ".join(search.split())
    if not search:
        return query
    digits = search.replace(" ", "")
    if digits.isdigit():
        return query.where(Registration.nip.contains(digits, autoescape=True))
    return query.where(func.lower(Registration.name).contains(search.lower(), autoescape=True))


def _staff_certificates_query(user: User, course_id: int | None, search: str = ""):
    query = _search_holder(_of_staff(issued(_with_holder_and_course(select(Certificate))),
                                     user), search)
    if course_id is not None:
        query = query.where(Certificate.course_id == course_id)
    return query.order_by(Course.starts_on.desc(), Course.code, Registration.name,
                          Registration.number)


STAFF_CERTIFICATES_PER_PAGE = 100


def staff_certificates_page(user: User, *, course_id: int | None = None, search: str = "",
                            page: int = 1, per_page: int | None = None):
    """One page of `staff_certificates`: an HR office gathers thousands over the years."""
    return db.paginate(_staff_certificates_query(user, course_id, search), page=page,
                       per_page=per_page or STAFF_CERTIFICATES_PER_PAGE, error_out=False)


# What an HR office's home page calls new: issued within this many days.
NEW_CERTIFICATE_DAYS = 30


def new_staff_certificates(user: User, *, limit: int = 5, now: datetime | None = None
                           ) -> tuple[int, list[Certificate]]:
    """The HR user's staff's certificates issued in the last NEW_CERTIFICATE_DAYS days:
    how many, and the newest `limit` of them, in two queries."""
    since = (now or utcnow()) - timedelta(days=NEW_CERTIFICATE_DAYS)
    query = _of_staff(issued(_with_holder_and_course(select(Certificate))), user).where(
        Certificate.issued_at >= since)
    count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    newest = db.session.scalars(query.order_by(Certificate.issued_at.desc(), Certificate.id)
                                .limit(limit))
    return count, list(newest)


def staff_institutions() -> list[Institution]:
    """Every institution whose staff hold a registration: what an admin filters by."""
    return list(db.session.scalars(select(Institution).where(Institution.id.in_(
        select(Registration.institution_id))).order_by(Institution.short_name)))


def staff_courses(user: User) -> list[Course]:
    """The courses in which the HR user's staff hold issued certificates."""
    held = _of_staff(issued(select(Certificate.course_id).join(Certificate.registration)),
                     user)
    return list(db.session.scalars(select(Course).where(Course.id.in_(held))
                                   .order_by(Course.starts_on.desc(), Course.code)))


def find_issued(certificate_id: int) -> Certificate | None:
    return db.session.scalar(issued(_with_holder_and_course(select(Certificate)))
                             .where(Certificate.id == certificate_id))


def staff_certificate(user: User, certificate_id: int) -> Certificate | None:
    """One issued certificate, when its holder is from the HR user's institutions."""
    certificate = find_issued(certificate_id)
    if certificate is None or not can_see_institution(
            user, certificate.registration.institution_id):
        return None
    return certificate


def download_name(certificate: Certificate) -> str:
    """The certificate's file name in downloads and ZIPs: `NIP_Nama_Nomor.pdf`."""
    holder = certificate.registration
    return storage.holder_file_name(holder.nip, holder.name, certificate.number)


def training_kinds(course_ids) -> dict[int, str]:
    """Each course's jenis (Bimtek, Kursus …) as its certificate settings name it."""
    return dict(db.session.execute(
        select(CertificateSettings.course_id, CertificateSettings.training_kind)
        .where(CertificateSettings.course_id.in_(list(course_ids)))).all())


def issuer_name(course: Course) -> str:
    """The institution that issues the course's certificates."""
    return course.host_institution.name if course.host_institution else ""


def vouched_issuer_id(course: Course, by: User | None) -> int | None:
    """The institution a certificate `by` issues names as its issuer: the course's host,
    when `by` may issue in its name (an admin gave the organiser that institution); from
    the command line, by the server's operator, too. Otherwise none."""
    host_id = course.host_institution_id
    return host_id if by is None or may_issue_for(by, host_id) else None


# The columns of the training history (riwayat kursus) in the national civil-servant
# system, after the holder's name and NIP.
RECAP_HEADERS = ("Nama", "NIP", "Jenis", "Nama Kursus", "Institusi Penyelenggara",
                 "Nomor Sertifikat", "Tanggal Mulai", "Tanggal Selesai", "Jumlah Jam",
                 "Tahun", "Nama File")


def jp_recap(certificates: list[Certificate], fmt: str) -> bytes:
    """What an HR office records per course in the national civil-servant system; the
    file names are those of the ZIP."""
    kinds = training_kinds({c.course_id for c in certificates})
    rows = [(c.registration.full_name, c.registration.nip or "",
             kinds.get(c.course_id, DEFAULT_TRAINING_KIND), c.course.title,
             issuer_name(c.course), c.number, c.course.starts_on, c.course.ends_on, c.jp,
             c.dated.year, download_name(c)) for c in certificates]
    return write_table(fmt, RECAP_HEADERS, rows, text_columns=(1, 5), title="Rekap JP")


def issued_certificate_of(registration: Registration) -> Certificate | None:
    """The participant's own certificate, once issued and as long as it is valid."""
    return db.session.scalar(issued(select(Certificate)).where(
        Certificate.registration_id == registration.id))


def issued_certificates_by_registration(registration_ids: list[int]
                                        ) -> dict[int, Certificate]:
    return {c.registration_id: c for c in db.session.scalars(issued(select(Certificate)).where(
        Certificate.registration_id.in_(registration_ids)))}
