"""Reading what people type or paste from spreadsheets: NIK, NIP, phone, gender
(their formats: docs/domain.md, "Identity numbers").

Pure functions. Parse errors raise ValidationError naming the field; messages go through
gettext, which returns the English msgid when there is no app context (CLI, tests)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from bimtek.errors import ValidationError
from bimtek.timeutil import utcnow

# Characters that are invisible yet survive copying from web pages, Word and CSV files.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Excel's marker for "store as text": typed in front of a number, it is not part of it.
_TEXT_MARKER = "'"
# What people put between the digit groups of an identity number (incl. Word's dashes).
_NUMBER_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2013]")
_PHONE_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2013()]")
# How a spreadsheet shows a number it stored as a float: 6.40801E+15 (6,40801E+15 in
# Indonesian Excel), 6408012809860001.0, or with thousands separators 6.408.012.809.860.000.
_SCIENTIFIC = re.compile(r"[+-]?\d*[.,]?\d+[eE][+-]?\d+")
_WHOLE_DECIMAL = re.compile(r"\d+[.,]0+")
_THOUSANDS = re.compile(r"\d{1,3}([.,])\d{3}(?:\1\d{3})+")

NIK_LENGTH = 16
NIP_LENGTH = 18
# Polri's NRP has 8 digits; TNI's length depends on the rank group, from 5 (old tamtama
# numbers) to 14 (officers). Only digits and a plausible length are checked.
NRP_LENGTHS = range(5, 15)
# National significant numbers after +62: mobile 8xx…, landline area code 2x…9xx.
_PHONE_DIGITS = re.compile(r"[2-9]\d{8,12}")
# A NIP's start of service is checked against this minimum age, a plausibility bound only.
MINIMUM_AGE_AT_APPOINTMENT = 15

MAN = "L"
WOMAN = "P"
_GENDER_WORDS = {
    MAN: ("l", "lk", "laki", "lakilaki", "pria", "m", "male", "man"),
    WOMAN: ("p", "pr", "perempuan", "wanita", "f", "female", "woman"),
}
_GENDERS = {word: gender for gender, words in _GENDER_WORDS.items() for word in words}


@dataclass(frozen=True)
class Nik:
    """A NIK, `PP KK CC DDMMYY NNNN`: region of first registration, birth date, serial."""

    digits: str
    province: str
    regency: str
    district: str
    birth_date: date
    gender: str
    serial: str

    @property
    def region_code(self) -> str:
        """Kemendagri notation, e.g. '64.08.01'."""
        return f"{self.province}.{self.regency}.{self.district}"


@dataclass(frozen=True)
class Nip:
    """A civil servant's NIP ('pns') or a contract civil servant's NI PPPK ('pppk')."""

    digits: str
    kind: str
    birth_date: date
    start_year: int
    start_month: int | None  # PNS only: month the service started
    contract_number: int | None  # PPPK only
    gender: str
    serial: str

    @property
    def formatted(self) -> str:
        return format_nip(self.digits)


def clean_text(value: object) -> str:
    """Whitespace (incl. non-breaking spaces) collapsed, ends stripped, Excel's text marker
    removed (all of them: no name or number starts with one). None becomes ''."""
    if value is None:
        return ""
    text = " ".join(str(value).translate(_INVISIBLE).split())
    return text.lstrip(_TEXT_MARKER + " ")


# How the messages name each number, so that a row's error says which column to fix.
_NUMBER_NAMES = {"nik": "NIK", "nip": "NIP", "nrp": "NRP", "phone": _l("Mobile phone")}


def _excel_float_error(value: object, field: str) -> ValidationError:
    return ValidationError(
        _("%(field)s: Excel turned this number into a float and lost digits (%(value)s). "
          "Format the column as Text, then type or paste the numbers again.",
          field=_NUMBER_NAMES[field], value=value),
        field=field)


def _number_text(value: object, field: str) -> str:
    """The characters of an identity number without separators; a float is refused because
    a float holds only 15 significant digits, so the 16th and later are already lost."""
    if isinstance(value, float):
        raise _excel_float_error(value, field)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = clean_text(value)
    if any(pattern.fullmatch(text) for pattern in (_SCIENTIFIC, _WHOLE_DECIMAL, _THOUSANDS)):
        raise _excel_float_error(text, field)
    return _NUMBER_SEPARATORS.sub("", text)


def _is_digits(text: str) -> bool:
    # str.isdigit alone also accepts '²' and non-Latin digits, which int() then rejects.
    return text.isascii() and text.isdigit()


def _parse_ymd(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def parse_nik(value: object, *, today: date | None = None) -> Nik:
    """Read a 16-digit NIK; `today` decides the century of a two-digit birth year."""
    text = _number_text(value, "nik")
    if not text:
        raise ValidationError(_("Fill in the NIK."), field="nik")
    if not _is_digits(text):
        raise ValidationError(_("The NIK may contain only digits."), field="nik")
    if len(text) != NIK_LENGTH:
        raise ValidationError(_("The NIK must have 16 digits, not %(count)d.", count=len(text)),
                              field="nik")
    province, regency, district = text[0:2], text[2:4], text[4:6]
    if int(province) < 11:
        raise ValidationError(
            _("The NIK starts with %(code)s, which is not a province code (11–99).",
              code=province), field="nik")
    day, month, two_digit_year = int(text[6:8]), int(text[8:10]), int(text[10:12])
    gender = MAN
    if 41 <= day <= 71:  # women have 40 added to the day of birth
        gender, day = WOMAN, day - 40
    elif not 1 <= day <= 31:
        raise ValidationError(
            _("Digits 7–8 of the NIK are the day of birth: 01–31, or 41–71 for women."),
            field="nik")
    if not 1 <= month <= 12:
        raise ValidationError(_("Digits 9–10 of the NIK are the month of birth: 01–12."),
                              field="nik")
    today = today or utcnow().date()
    year = 2000 + two_digit_year
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("Digits 7–12 of the NIK (%(digits)s) are not a real date of birth.",
              digits=text[6:12]), field="nik") from None
    serial = text[12:16]
    if serial == "0000":
        raise ValidationError(_("The last four digits of the NIK cannot be 0000."), field="nik")
    return Nik(text, province, regency, district, birth_date, gender, serial)


def parse_nip(value: object) -> Nip | None:
    """Read an 18-digit NIP or NI PPPK; None when empty ('-' counts as empty)."""
    text = _number_text(value, "nip")
    if not text:
        return None
    if not _is_digits(text):
        raise ValidationError(_("The NIP may contain only digits."), field="nip")
    if len(text) != NIP_LENGTH:
        raise ValidationError(_("The NIP must have 18 digits, not %(count)d.", count=len(text)),
                              field="nip")
    birth_date = _parse_ymd(text[0:8])
    if birth_date is None:
        raise ValidationError(
            _("The first 8 digits of the NIP (%(digits)s) are not a date of birth (YYYYMMDD).",
              digits=text[0:8]), field="nip")
    start_year = int(text[8:12])
    if start_year < birth_date.year + MINIMUM_AGE_AT_APPOINTMENT:
        raise ValidationError(
            _("Digits 9–12 of the NIP (%(year)s) should be the year of appointment, but that "
              "is less than 15 years after the year of birth.", year=text[8:12]), field="nip")
    # Digits 13–14: the PNS start month 01–12, or for PPPK a 2 then the contract number.
    start_month = contract_number = None
    if 1 <= int(text[12:14]) <= 12:
        kind, start_month = "pns", int(text[12:14])
    elif text[12] == "2" and text[13] != "0":
        kind, contract_number = "pppk", int(text[13])
    else:
        raise ValidationError(
            _("Digits 13–14 of the NIP must be a month 01–12 (PNS) or 21–29 (PPPK)."),
            field="nip")
    genders = {"1": MAN, "2": WOMAN}
    if text[14] not in genders:
        raise ValidationError(_("Digit 15 of the NIP must be 1 (man) or 2 (woman)."),
                              field="nip")
    serial = text[15:18]
    if serial == "000":
        raise ValidationError(_("The last three digits of the NIP cannot be 000."), field="nip")
    return Nip(text, kind, birth_date, start_year, start_month, contract_number,
               genders[text[14]], serial)


def mask_nik(digits: str | None) -> str:
    """`6408********0004`: enough to tell two people apart in a list, too little to misuse
    (UU 27/2022). The whole number is shown on one participant's page and in exports."""
    if not digits:
        return ""
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:] if len(digits) > 8 else \
        "*" * len(digits)


def format_nip(digits: str) -> str:
    """'198609262015051001' → '19860926 201505 1 001', the same grouping for PPPK. Anything
    but 18 digits comes back unchanged, so showing old data never fails."""
    if len(digits) != NIP_LENGTH or not _is_digits(digits):
        return digits
    return f"{digits[0:8]} {digits[8:14]} {digits[14]} {digits[15:18]}"


def identity_warnings(nik: Nik, nip: Nip | None, gender: str | None) -> list[str]:
    """Disagreements worth a second look, not errors: the numbers were issued by different
    offices and either may carry a typing mistake the other does not."""
    warnings = []
    if nip is not None and nip.birth_date != nik.birth_date:
        warnings.append(_(
            "The date of birth in the NIK (%(nik)s) differs from the one in the NIP (%(nip)s).",
            nik=f"{nik.birth_date:%d-%m-%Y}", nip=f"{nip.birth_date:%d-%m-%Y}"))
    if nip is not None and nip.gender != nik.gender:
        warnings.append(_("The gender in the NIK differs from the gender in the NIP."))
    if gender and gender != nik.gender:
        warnings.append(_("The gender chosen differs from the gender in the NIK."))
    return warnings


def normalise_phone(value: object) -> str | None:
    """'0812-3456-7890', '+62 812 3456 7890', '812345678 90' → '+6281234567890'; None when
    empty. A number without its leading 0 is how Excel stores a phone typed as a number."""
    if isinstance(value, float):
        if not value.is_integer():
            raise _phone_error()
        value = int(value)
    text = clean_text(value)
    if _SCIENTIFIC.fullmatch(text):
        raise _excel_float_error(text, "phone")
    if _WHOLE_DECIMAL.fullmatch(text):  # a float written out by a CSV export: 81234567890.0
        text = re.split("[.,]", text)[0]
    text = _PHONE_SEPARATORS.sub("", text)
    if not text:
        return None
    international = text.startswith("+")
    digits = text.removeprefix("+")
    if not _is_digits(digits):
        raise ValidationError(
            _("A phone number may contain only digits, spaces, hyphens, brackets and a "
              "leading +."), field="phone")
    if digits.startswith("00"):  # international call prefix, as in 0062 812…
        international, digits = True, digits[2:]
    if international or digits.startswith("62"):
        if not digits.startswith("62"):
            raise _phone_error()
        # '+62 (0)812…' and '+620812…' repeat the trunk 0 that the country code replaces.
        national = digits[2:].removeprefix("0")
    else:
        national = digits.removeprefix("0")
    if not _PHONE_DIGITS.fullmatch(national):
        raise _phone_error()
    return f"+62{national}"


def _phone_error() -> ValidationError:
    return ValidationError(
        _("This is not an Indonesian phone number; write it like 0812-3456-7890 or "
          "+62 812 3456 7890."), field="phone")


def parse_nrp(value: object) -> str | None:
    """A Polri or TNI member's NRP (registration number), digits only; None when empty."""
    text = _number_text(value, "nrp")
    if not text:
        return None
    if not _is_digits(text):
        raise ValidationError(_("The NRP may contain only digits."), field="nrp")
    if len(text) not in NRP_LENGTHS:
        raise ValidationError(
            _("An NRP has 8 digits (Polri) or 5 to 14 (TNI), not %(count)d.", count=len(text)),
            field="nrp")
    return text


def parse_gender(value: object) -> str:
    """'L' or 'P' from L/P, Laki-laki/Perempuan, Pria/Wanita, M/F, Male/Female."""
    word = clean_text(value).casefold().replace("-", "").replace(" ", "").rstrip(".")
    if word not in _GENDERS:
        raise ValidationError(_("Write the gender as L (laki-laki) or P (perempuan)."),
                              field="gender")
    return _GENDERS[word]
