"""Who earns a certificate, the numbers they get, revocation and lookup by code
(the JP rule and certificate conventions: docs/domain.md)."""
from __future__ import annotations

import io
import re
import secrets
import string
import struct
from collections import Counter
from datetime import date
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from flask_babel import gettext as _
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from bimtek import audit
from bimtek.attendance.models import EligibilityOverride
from bimtek.attendance.rule import AttendedJp, attended_jp, total_jp
from bimtek.auth.models import User
from bimtek.auth.services import can_see_institution, may_issue_for
from bimtek.certificates import signatories, storage
from bimtek.certificates.models import (
    CODE_ALPHABET,
    DEFAULT_TRAINING_KIND,
    Certificate,
    CertificateSettings,
)
from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.speakers.models import Institution
from bimtek.spreadsheets import write_table
from bimtek.timeutil import utcnow

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
NUMBER_FIELDS = {"seq", "year", "month", "month_roman", "course"}
# {seq:012} is plenty; {seq:050000000} would answer 50 MB.
MAX_NUMBER_FIELD_WIDTH = 12
_FORMAT_WIDTHS = re.compile(r"\d+")


# --- settings --------------------------------------------------------------------------

def settings_for(course: Course) -> CertificateSettings:
    """The course's certificate settings, with sensible defaults until someone edits them."""
    settings = db.session.get(CertificateSettings, course.id)
    if settings is None:
        host = course.host_institution
        settings = CertificateSettings(course_id=course.id, course=course,
                                       heading=host.name.upper() if host else "",
                                       signing_place=course.city)
        db.session.add(settings)
        db.session.flush()
    return settings


# --- numbering -------------------------------------------------------------------------

def check_number_pattern(pattern: str) -> str:
    """The pattern, trimmed, if it can number certificates; else a message naming the
    problem. It must contain {seq} so that no two certificates share a number."""
    pattern = pattern.strip()
    longest = Certificate.number.type.length
    if len(pattern) > longest:
        raise ValidationError(_("The number pattern may be at most %(max)d characters long.",
                                max=longest), field="number_pattern")
    try:
        fields = [(name, spec) for _text, name, spec, _conv in string.Formatter().parse(pattern)
                  if name is not None]
    except ValueError as error:
        raise ValidationError(_("The number pattern has an unmatched brace."),
                              field="number_pattern") from error
    unknown = sorted({name for name, _spec in fields} - NUMBER_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field in the number pattern: %(fields)s. Use "
                                "{seq}, {year}, {month}, {month_roman} and {course}.",
                                fields=", ".join(f"{{{name}}}" for name in unknown)),
                              field="number_pattern")
    if "seq" not in {name for name, _spec in fields}:
        raise ValidationError(_("The number pattern needs {seq}, the running number."),
                              field="number_pattern")
    if any(int(width) > MAX_NUMBER_FIELD_WIDTH
           for _name, spec in fields for width in _FORMAT_WIDTHS.findall(spec or "")):
        raise ValidationError(_("A field of the number pattern may be at most %(width)d "
                                "characters wide, e.g. {seq:03}.", width=MAX_NUMBER_FIELD_WIDTH),
                              field="number_pattern")
    try:
        example = format_number(pattern, 1, "X" * 40, date(2024, 11, 1))
    except ValueError as error:
        raise ValidationError(_("A format in the number pattern is not valid: write the "
                                "running number as {seq}, or zero-padded as {seq:03}."),
                              field="number_pattern") from error
    if len(example) > longest:
        raise ValidationError(_("The number pattern may be at most %(max)d characters long.",
                                max=longest), field="number_pattern")
    return pattern


def format_number(pattern: str, seq: int, course_code: str, issued_on: date) -> str:
    """`{seq:03}/BIMTEK-PKS/{month_roman}/{year}` → `001/BIMTEK-PKS/XI/2024`."""
    return pattern.format(seq=seq, year=issued_on.year, month=f"{issued_on.month:02d}",
                          month_roman=ROMAN_MONTHS[issued_on.month - 1], course=course_code)


# --- eligibility -----------------------------------------------------------------------

def eligibility(course: Course) -> list[AttendedJp]:
    """Every registered participant under the course's attendance rule, by number."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.course_id == course.id,
                                   Registration.status == RegistrationStatus.REGISTERED)
        .order_by(Registration.number)).all()
    return list(attended_jp(course, registrations).values())


def override_eligibility(registration: Registration, eligible: bool, reason: str, *,
                         by=None) -> EligibilityOverride:
    """Decide against (or for) the attendance rule for one participant, in writing."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Write the reason for the decision."), field="reason")
    check_length(reason, EligibilityOverride.reason, "reason")
    override = db.session.get(EligibilityOverride, registration.id)
    if override is None:
        override = EligibilityOverride(registration_id=registration.id)
        db.session.add(override)
    override.eligible, override.reason = eligible, reason
    override.decided_by_id, override.decided_at = getattr(by, "id", None), utcnow()
    audit.record("certificate.eligibility_overridden", registration, actor=by,
                 eligible=eligible, reason=reason)
    db.session.commit()
    return override


@audit.describes("certificate.eligibility_overridden")
def _overridden(details: dict) -> str:
    if details.get("eligible") == str(True):
        return _("Eligible for a certificate by decision: %(reason)s", reason=details["reason"])
    return _("Not eligible for a certificate by decision: %(reason)s", reason=details["reason"])


@audit.describes("certificate.override_cleared")
def _override_cleared(_details: dict) -> str:
    return _("Judged by attendance again")


def clear_override(registration: Registration, *, by=None) -> None:
    override = db.session.get(EligibilityOverride, registration.id)
    if override is not None:
        db.session.delete(override)
        audit.record("certificate.override_cleared", registration, actor=by)
        db.session.commit()


# --- issuing ---------------------------------------------------------------------------

def assign_certificates(course: Course, *, by=None, issued_on: date | None = None,
                        commit: bool = True) -> list[Certificate]:
    """Give every eligible participant without a valid certificate a new one, numbered in
    participant-number order after the course's highest number ever given (revoked
    numbers included), and return all the course's valid certificates. `commit=False`
    leaves the transaction, and the course's lock, to the caller."""
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
        db.session.rollback()
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
    if commit:
        db.session.commit()
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
    db.session.commit()


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


# --- wording, signature and logos ------------------------------------------------------

STATEMENT_FIELDS = ("course", "dates", "place", "jp")
STATEMENT_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def check_statement(statement: str) -> str:
    """The statement, trimmed, if its only braces are the placeholders the certificate
    fills; else a message naming what is wrong."""
    statement = statement.strip()
    unknown = sorted({name for name in STATEMENT_PLACEHOLDER.findall(statement)
                      if name not in STATEMENT_FIELDS})
    if unknown:
        raise ValidationError(_("Unknown placeholder in the statement: %(fields)s. Use "
                                "{course}, {dates}, {place} and {jp}.",
                                fields=", ".join(f"{{{name}}}" for name in unknown)),
                              field="statement")
    if re.search(r"[{}]", STATEMENT_PLACEHOLDER.sub("", statement)):
        raise ValidationError(_("The statement has an unmatched brace."), field="statement")
    return statement


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


def check_training_kind(kind: str) -> str:
    kind = " ".join(kind.split())
    if not kind:
        raise ValidationError(_("Name the kind of development, e.g. Bimtek."),
                              field="training_kind")
    return check_length(kind, CertificateSettings.training_kind, "training_kind")


def example_number(course: Course, pattern: str | None = None) -> str:
    """The number the first certificate gets under `pattern` (default: the saved one)."""
    settings = settings_for(course)
    pattern = check_number_pattern(settings.number_pattern if pattern is None else pattern)
    return format_number(pattern, 1, course.code, settings.signing_date or course.ends_on)


def save_settings(course: Course, *, number_pattern: str, izin_counts: bool, heading: str,
                  statement: str, signing_place: str, signing_date: date | None,
                  signatory_position: str, signatory_name: str, signatory_nip: str,
                  training_kind: str = DEFAULT_TRAINING_KIND, signatory_id: int | None = None,
                  by=None) -> CertificateSettings:
    """Save the wording and numbering of the course's certificates and its signatory (kept
    on the course), all or nothing. With a registered signatory (`signatory_id`) the
    certificates are signed electronically and print that signatory's name, position
    and NIP."""
    number_pattern = check_number_pattern(number_pattern)
    statement = check_statement(statement)
    settings = settings_for(course)
    signatory = signatories.check_choice(signatory_id, by, settings.signatory)
    if signatory is not None:
        signatory_position, signatory_name = signatory.position, signatory.name
        signatory_nip = signatory.nip
    settings.signatory = signatory
    settings.number_pattern, course.izin_counts = number_pattern, izin_counts
    settings.heading = check_length(heading.strip(), CertificateSettings.heading, "heading")
    settings.training_kind = check_training_kind(training_kind)
    settings.statement = check_length(statement, CertificateSettings.statement, "statement")
    settings.signing_place, settings.signing_date = signing_place.strip(), signing_date
    audit.record("certificate.settings_saved", course, actor=by, course_id=course.id,
                 number_pattern=number_pattern, izin_counts=izin_counts,
                 signatory_id=signatory.id if signatory else None)
    try:
        course_services.save_course(
            course, code=course.code, signatory_position=signatory_position.strip(),
            signatory_name=signatory_name.strip(), signatory_nip=signatory_nip)
    except ValidationError:
        db.session.rollback()
        raise
    return settings


MAX_LOGO_BYTES = 1024 * 1024
LOGO_FIELDS = ("logo", "partner_logo")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_ROOTS = ("svg", "{http://www.w3.org/2000/svg}svg")
# Inline raster images are what drawing programs embed; anything else would be fetched.
SVG_INLINE_IMAGES = ("data:image/png;", "data:image/jpeg;")


# A logo is printed a few centimetres wide; 4,000 pixels a side is poster size already,
# and a PNG declaring more is a small file that would unpack to gigabytes when drawn.
MAX_LOGO_SIDE = 4000
_PNG_HEADER = struct.Struct(">I4sII")  # the IHDR chunk: length, type, width, height
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk, always these 12 bytes
# Some programs write a little after IEND (padding, a signature); a cut file has no IEND.
_PNG_END_WITHIN = 4096
# SVG animation can set a link after the checks below have looked at the attributes.
SVG_ANIMATIONS = ("set", "animate")
SVG_ANIMATED_VALUES = ("to", "from", "by", "values")
# Every certificate of a batch draws the logo, and each <use> draws its target again: a
# <use> of a group of <use>s multiplies (four levels of ten took 3.5 s a preview). A real
# logo stays far within these, which keep any accepted logo's preview under a second.
MAX_SVG_ELEMENTS = 2000  # counting each element a <use> draws again
MAX_SVG_USES = 100
MAX_SVG_DEPTH = 40


def logo_format(data: bytes) -> str:
    """'png' or 'svg', judged by the content whatever the file's name says; a PNG must be
    whole and of a sane size, an SVG must hold no script and refer to nothing outside
    itself."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(_("The logo is larger than 1 MB."), field="file")
    if data.startswith(PNG_SIGNATURE):
        _check_png(data)
        return "png"
    _check_svg(data)
    return "svg"


def _check_png(data: bytes) -> None:
    damaged = ValidationError(_("The PNG logo is damaged or incomplete; save it again and "
                                "upload it again."), field="file")
    header = data[len(PNG_SIGNATURE):len(PNG_SIGNATURE) + _PNG_HEADER.size]
    if len(header) < _PNG_HEADER.size:
        raise damaged
    _length, kind, width, height = _PNG_HEADER.unpack(header)
    # A file cut short anywhere has lost its IEND. Checked here because Pillow, once
    # WeasyPrint is loaded, draws what it has of a truncated image without a word.
    if kind != b"IHDR" or not width or not height or _PNG_END not in data[-_PNG_END_WITHIN:]:
        raise damaged
    # Read from the header before any pixel is unpacked.
    if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE:
        raise ValidationError(_("The logo is %(width)d × %(height)d pixels; it may be at most "
                                "%(limit)d pixels wide and high.", width=width,
                                height=height, limit=MAX_LOGO_SIDE), field="file")
    try:
        # verify() checks the checksums and load() reads the pixels: a file failing either
        # is better refused now than found in a batch of PDFs.
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.verify()
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.load()
    except Exception as error:  # a damaged image fails in many different ways
        raise damaged from error


def _local_name(name: str) -> str:
    return name.rpartition("}")[2].lower()


def _check_svg(data: bytes) -> None:
    not_an_image = ValidationError(_("The logo must be a PNG or SVG image."), field="file")
    refers_outside = ValidationError(_("An SVG logo may not refer to other files or "
                                       "addresses."), field="file")
    _check_svg_prolog(data, not_an_image, refers_outside)
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, LookupError) as error:
        raise not_an_image from error
    if root.tag not in SVG_ROOTS:
        raise not_an_image
    _check_svg_size(root)
    for element in root.iter():
        if _local_name(element.tag) in ("script", "foreignobject") or any(
                _local_name(name).startswith("on") for name in element.attrib):
            raise ValidationError(_("An SVG logo may not contain scripts."), field="file")
        references = [value for name, value in element.attrib.items()
                      if _local_name(name) == "href"]
        if _local_name(element.tag) in SVG_ANIMATIONS and element.get(
                "attributeName", "").rpartition(":")[2].lower() == "href":
            # `values` is a list, one link per step of the animation.
            references += [value.strip() for name in SVG_ANIMATED_VALUES
                           for value in (element.get(name) or "").split(";")
                           if value.strip()]
        # url() may sit in a style attribute, a <style> element or a presentation
        # attribute such as fill.
        css = " ".join([*element.attrib.values(),
                        element.text or "" if _local_name(element.tag) == "style" else ""])
        if any(not value.startswith("#") and not value.startswith(SVG_INLINE_IMAGES)
               for value in references) or re.search(r"url\(\s*['\"]?(?!#)|@import",
                                                     css, re.IGNORECASE):
            raise refers_outside


def _depth(root: ElementTree.Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _check_svg_size(root: ElementTree.Element) -> None:
    """Bounds what drawing the SVG costs: elements, <use> copies (never of a <use>), depth."""
    too_complex = ValidationError(
        _("The SVG logo is too complex to draw quickly: at most %(elements)d elements "
          "(counting what <use> repeats), %(uses)d <use> and %(depth)d levels, and no "
          "<use> of something that itself holds a <use>. Simplify it or save it as PNG.",
          elements=MAX_SVG_ELEMENTS, uses=MAX_SVG_USES, depth=MAX_SVG_DEPTH), field="file")
    elements = list(root.iter())
    uses = [element for element in elements if _local_name(element.tag) == "use"]
    if len(uses) > MAX_SVG_USES or _depth(root) > MAX_SVG_DEPTH:
        raise too_complex
    by_id = {element.get("id"): element for element in elements if element.get("id")}
    drawn = len(elements)
    for use in uses:
        link = next((value for name, value in use.attrib.items()
                     if _local_name(name) == "href"), "")
        target = by_id.get(link.strip().removeprefix("#"))
        if target is None:
            continue
        copied = list(target.iter())
        if any(_local_name(element.tag) == "use" for element in copied):
            raise too_complex
        drawn += len(copied)
    if drawn > MAX_SVG_ELEMENTS:
        raise too_complex


def _check_svg_prolog(data: bytes, not_an_image: ValidationError,
                      refers_outside: ValidationError) -> None:
    """Refuse what the parsed tree no longer shows: a DTD with declarations of its own
    (how entity attacks get in) and a linked style sheet. Expat reads the file in the
    encoding it declares, so this holds in every encoding it accepts: UTF-8, UTF-16,
    ISO-8859-1 and US-ASCII itself and, through Python's codecs, the one-byte encodings
    that keep ASCII as it is (windows-1252, ISO-8859-2, KOI8-R …). EBCDIC, multi-byte
    encodings (UTF-7, Shift JIS …), UTF-32 and unknown names it refuses. WeasyPrint reads
    SVG with the same parser (ElementTree), so it draws whatever passes, UTF-16 included."""
    def doctype(_name, _system_id, _public_id, has_internal_subset):
        # The DOCTYPE CorelDRAW and older Illustrator write names the SVG 1.1 DTD, which
        # nothing here fetches: expat reads no external DTD and WeasyPrint asks for none.
        if has_internal_subset:
            raise not_an_image

    def entity(*_declaration):
        raise not_an_image

    def instruction(target, _data):
        if target.lower() == "xml-stylesheet":
            raise refers_outside

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    # ValueError: a multi-byte encoding; LookupError: a name Python does not know.
    except (expat.ExpatError, ValueError, LookupError) as error:
        raise not_an_image from error


def _check_logo_field(which: str) -> None:
    if which not in LOGO_FIELDS:
        raise ValueError(f"unknown logo {which!r}")


def save_logo(course: Course, which: str, data: bytes, *, by=None) -> CertificateSettings:
    """Store an uploaded logo under a random name, replacing (and deleting) the old one."""
    _check_logo_field(which)
    kind = logo_format(data)
    folder = storage.logo_folder(course)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.{kind}"
    (folder / name).write_bytes(data)
    return _replace_logo(course, which, name, "certificate.logo_uploaded", by)


def remove_logo(course: Course, which: str, *, by=None) -> CertificateSettings:
    _check_logo_field(which)
    return _replace_logo(course, which, "", "certificate.logo_removed", by)


def _replace_logo(course: Course, which: str, name: str, action: str, by
                  ) -> CertificateSettings:
    settings = settings_for(course)
    old = getattr(settings, which)
    setattr(settings, which, name)
    audit.record(action, course, actor=by, course_id=course.id, logo=which)
    db.session.commit()
    # Deleted only once the new name is committed: a failed commit leaves a stray file,
    # never a certificate pointing at a missing one.
    if old:
        (storage.logo_folder(course) / old).unlink(missing_ok=True)
    return settings


def logo_path(course: Course, which: str) -> Path | None:
    _check_logo_field(which)
    name = getattr(settings_for(course), which)
    return storage.logo_folder(course) / name if name else None


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
