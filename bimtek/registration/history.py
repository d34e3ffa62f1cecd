"""A participant's history in words: the events the registration records, as the organiser
reads them on the participant's page."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from bimtek import audit
from bimtek.registration.models import Registration, RegistrationStatus

# The participant's fields as the participant page names them.
FIELD_LABELS = {
    "name": _l("Full name"), "front_titles": _l("Front titles"),
    "back_titles": _l("Back titles"), "nik": _l("NIK"), "nip": _l("NIP"), "nrp": _l("NRP"),
    "gender": _l("Gender"), "rank": _l("Rank (pangkat/golongan)"),
    "position": _l("Position"), "institution_id": _l("Institution"),
    "unit": _l("Unit (unsur)"), "kecamatan_id": _l("Kecamatan"),
    "desa_id": _l("Desa/kelurahan"), "phone": _l("Mobile phone"), "email": _l("E-mail"),
}


def of(registration: Registration) -> list[audit.HistoryLine]:
    return audit.history(registration)


@audit.describes("registration.created")
def _created(details: dict) -> str:
    if details.get("status") == RegistrationStatus.WAITLISTED:
        return _("Registered on the waiting list")
    return _("Registered")


@audit.describes("registration.updated")
def _updated(details: dict) -> str:
    fields = [str(FIELD_LABELS.get(name, name))
              for name in (details.get("fields") or "").split(", ") if name]
    return _("Details corrected: %(fields)s", fields=", ".join(fields))


@audit.describes("registration.cancelled")
def _cancelled(details: dict) -> str:
    if details.get("reason"):
        return _("Registration cancelled: %(reason)s", reason=details["reason"])
    return _("Registration cancelled")


@audit.describes("registration.promoted")
def _promoted(details: dict) -> str:
    return _("Moved up from the waiting list into the seat of participant %(number)s",
             number=details.get("seat_of"))


@audit.describes("registration.badge_reissued")
def _badge_reissued(details: dict) -> str:
    return _("New badge issued; the old one (%(old)s) no longer works", old=details.get("old"))


@audit.describes("registration.personal_link_rotated")
def _personal_link_rotated(details: dict) -> str:
    return _("New personal link made; the old one no longer works")
