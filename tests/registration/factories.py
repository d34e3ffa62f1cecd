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


HEADER = ["Gelar Depan", "Nama", "Gelar Belakang", "NIK", "NIP", "Jenis Kelamin",
          "Pangkat/Golongan", "Jabatan", "Instansi", "Unsur", "Kecamatan", "No HP", "Email"]


def row(serial: int, **cells) -> list:
    """A valid row of HEADER; `cells` by header, e.g. row(3, Nama="Budi")."""
    values = {"Nama": f"Peserta {serial}", "NIK": nik(serial), "Jenis Kelamin": "L",
              "Instansi": "PPK", "Unsur": "PPK", **cells}
    return [values.get(header, "") for header in HEADER]


def form_data(setup, **changes):
    return {"front_titles": "", "name": "Budi Santoso", "back_titles": "S.Sos.",
            "gender": "L", "nik": nik(7, day=5, month=3, year=90), "nip": "",
            "rank": "", "position": "Anggota PPK", "institution_id": setup["institution_id"],
            "unit": "PPK", "kecamatan_id": setup["kombeng"], "phone": "0812-3456-7890",
            "email": "", **changes}
