"""The wording, numbering and signatory of a course's certificates."""
from __future__ import annotations

import re
import string
from datetime import date

from flask_babel import gettext as _

from bimtek import audit
from bimtek.certificates import signatories
from bimtek.certificates.models import DEFAULT_TRAINING_KIND, Certificate, CertificateSettings
from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.errors import ValidationError, check_length
from bimtek.extensions import db

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
NUMBER_FIELDS = {"seq", "year", "month", "month_roman", "course"}
# {seq:012} is plenty; {seq:050000000} would answer 50 MB.
MAX_NUMBER_FIELD_WIDTH = 12
_FORMAT_WIDTHS = re.compile(r"\d+")


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
    course_services.save_course(
        course, code=course.code, signatory_position=signatory_position.strip(),
        signatory_name=signatory_name.strip(), signatory_nip=signatory_nip)
    return settings
