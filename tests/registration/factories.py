"""Valid participants for tests: NIKs and NIPs built from their documented parts."""
from __future__ import annotations

from bimtek.registration import services


def nik(serial: int, *, day: int = 28, month: int = 10, year: int = 86,
        woman: bool = False, region: str = "640801") -> str:
    """PP KK CC DDMMYY NNNN; women have 40 added to the day."""
    return f"{region}{day + 40 if woman else day:02d}{month:02d}{year:02d}{serial:04d}"


def participant(serial: int, institution_id: int, *, unit: str = "PPK", woman: bool = False,
                **fields) -> services.ParticipantInput:
    return services.ParticipantInput(
        name=fields.pop("name", f"Peserta {serial}"), nik=fields.pop("nik", nik(
            serial, woman=woman)), gender="P" if woman else "L",
        institution_id=institution_id, unit=unit, **fields)
