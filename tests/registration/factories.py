"""Valid participants for tests: NIKs and NIPs built from their documented parts."""
from __future__ import annotations

from bimtek.institutions.services import save_institution
from bimtek.registration import services
from tests.factories import make_course, seed_regions


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


NAMES = [  # (front titles, name, back titles, woman)
    ("Drs. H.", "Syahrani Noor", "M.Si.", False),
    ("Hj.", "Siti Rahmah", "S.Sos.", True),
    ("", "Andi Baso Mappaseng", "S.H.", False),
    ("", "Awang Ferdian", "S.IP.", False),
    ("", "Sri Wahyuni", "S.E.", True),
    ("H.", "Jamaluddin", "", False),
    ("", "Dayang Norlaila", "", True),
    ("", "Budi Santoso", "S.Sos.", False),
    ("", "Hairul Anwar", "", False),
]


def add_people(course, institution_id, specs, *, first_serial=1, unit="Kesbangpol",
               kecamatan_id=None):
    return services.register_many(course, [services.check_participant(course, participant(
        serial, institution_id, unit=unit, woman=woman, front_titles=front, name=name,
        back_titles=back, kecamatan_id=kecamatan_id))
        for serial, (front, name, back, woman) in enumerate(specs, start=first_serial)])


def badge_world() -> dict:
    """A Kutai Timur course with nine participants of two institutions (five in Muara
    Wahau), a cancelled one, and a participant of another course."""
    seed_regions()
    course = make_course("KSP-KUTIM-2024", capacity=400, city="Samarinda",
                         regions=("64.08",),
                         title="Bimbingan Teknis Mitigasi dan Penanganan Konflik Sosial")
    kesbangpol = save_institution(None, name="Badan Kesatuan Bangsa dan Politik",
                                  short_name="Kesbangpol Kutim")
    ppk = save_institution(None, name="Panitia Pemilihan Kecamatan", short_name="PPK")
    wahau = services.find_kecamatan(course, "Muara Wahau")
    people = add_people(course, kesbangpol.id, NAMES[:5], kecamatan_id=wahau.id)
    people += add_people(course, ppk.id, NAMES[5:], first_serial=6, unit="PPK")
    cancelled = add_people(course, ppk.id, [("", "Yang Batal", "", False)], first_serial=20)
    services.cancel(cancelled[0])
    other = make_course("KSP-SINTANG-2024", capacity=10)
    stranger = add_people(other, ppk.id, [("", "Peserta Sintang", "", False)])
    return {"course": course, "people": people, "kesbangpol": kesbangpol.id, "ppk": ppk.id,
            "cancelled": cancelled[0], "stranger": stranger[0]}
