"""The demo participants: who they are, in the proportions of docs/domain.md.

400 made-up people per course, the same every time (a fixed seed): identity numbers that
pass the checks, names of the district's main groups, the units of docs/domain.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from bimtek.demo.data.courses import DEMO_REGION_CODE

DEMO_PARTICIPANTS_SEED = 20241028
DEMO_REGION = DEMO_REGION_CODE.replace(".", "")
# The course year: ages, years of service and ranks are reckoned at it.
DEMO_YEAR = 2024

# Given names and second names per group and gender: Banjar, Bugis, Kutai, Javanese, and
# the Dayak of the upriver kecamatan. '' among the second names: a one-word name, allowed
# only for the given names in DEMO_ONE_WORD_NAMES.
DEMO_NAMES = {
    "banjar": {
        "L": (("Muhammad", "Ahmad", "Akhmad", "Abdul", "Rahmadi", "Hairul", "Mahyudin",
               "Saipul", "Masrani", "Rusdi", "Fahmi", "Jumberi", "Yusran", "Khairil",
               "Gusti", "Aspian"),
              ("Noor", "Rijani", "Hidayat", "Fahrianoor", "Ansyari", "Rusdiansyah",
               "Mahfuzi", "Arsyad", "Syarifuddin", "Anwar", "Rahman", "Hamdani",
               "Yusransyah", "Baihaqi", "Zainuddin", "Aspiannoor")),
        "P": (("Siti", "Hairani", "Rusmini", "Nor", "Mahdiah", "Fitriani", "Raudah", "Laila",
               "Salasiah", "Hamidah", "Jubaidah", "Rahmawati"),
              ("Aminah", "Rahmah", "Hasanah", "Norhayati", "Jannah", "Fauziah", "Mardiana",
               "Khadijah", "Hayati", "Rusmilawati", "")),
    },
    "bugis": {
        "L": (("Andi", "Muh.", "Muhammad", "Syamsul", "Baharuddin", "Jamaluddin",
               "Hasanuddin", "Amiruddin", "Sulaiman", "Rusli", "Ambo", "Arifin"),
              ("Baso", "Mappaseng", "Tenri", "Alimuddin", "Rahman", "Amir", "Tahir", "Saleh",
               "Nasir", "Mappiasse", "Arsyad", "Kadir", "Haris", "")),
        "P": (("Andi", "Hasnah", "Nurhayati", "Sitti", "Hasmawati", "Nurhaedah", "Rosmini",
               "Fatmawati", "Marhani", "Wahidah"),
              ("Nurjannah", "Tenri", "Rahmawati", "Hasnawati", "Fatimah", "Asmawati",
               "Nurlina", "Mardiah", "Rismawati", "")),
    },
    "kutai": {
        "L": (("Awang", "Aji", "Encik", "Muhammad", "Ahmad", "Yusuf", "Ismail", "Kadri",
               "Syahrul", "Jailani"),
              ("Ferdian", "Sofyan", "Iskandar", "Syahrani", "Idris", "Kadir", "Maulana",
               "Ridwan", "Syahruddin", "Hamzah", "Abdullah", "Effendi")),
        "P": (("Dayang", "Aji", "Siti", "Nurul", "Masitah", "Rusdiana", "Faridah", "Norlaila"),
              ("Norlaila", "Khairunnisa", "Masitah", "Hamidah", "Rosita", "Zubaidah",
               "Marlina", "")),
    },
    "jawa": {
        "L": (("Budi", "Agus", "Eko", "Joko", "Slamet", "Bambang", "Dwi", "Teguh", "Heru",
               "Sugeng", "Wahyu", "Adi", "Tri", "Sutrisno", "Suyanto", "Supriyadi"),
              ("Santoso", "Setiawan", "Prasetyo", "Susilo", "Riyadi", "Hariyanto", "Wahyudi",
               "Wibowo", "Purnomo", "Saputro", "Nugroho", "Kurniawan", "")),
        "P": (("Sri", "Endang", "Siti", "Dwi", "Retno", "Tri", "Ratna", "Eka", "Yuli", "Dewi",
               "Rina", "Sumiati", "Sulastri"),
              ("Wahyuni", "Susilowati", "Lestari", "Wulandari", "Handayani", "Rahayu",
               "Puspitasari", "Kusumawati", "Astuti", "Ningsih", "Mulyani", "")),
    },
    "dayak": {
        "L": (("Yohanes", "Paulus", "Stefanus", "Agustinus", "Yakobus", "Petrus", "Markus",
               "Lukas", "Lahang", "Ding"),
              ("Lung", "Jiu", "Ajang", "Bilung", "Anyeq", "Ibau", "Lawing", "Usat", "Ngau",
               "Lerang")),
        "P": (("Maria", "Yuliana", "Theresia", "Magdalena", "Elisabeth", "Veronika", "Lusia"),
              ("Lung", "Ding", "Anyeq", "Ubung", "Ajang", "Usat", "Lawing", "Irang")),
    },
}
DEMO_ONE_WORD_NAMES = {
    "Rahmadi", "Masrani", "Hairani", "Rusmini", "Salasiah", "Baharuddin", "Jamaluddin",
    "Hasanuddin", "Amiruddin", "Sulaiman", "Rusli", "Arifin", "Nurhayati", "Fatmawati",
    "Rosmini", "Jailani", "Faridah", "Sutrisno", "Suyanto", "Supriyadi", "Sumiati", "Sulastri",
}
# Who lives where, roughly: (Banjar, Bugis, Kutai, Javanese, Dayak) weights per kecamatan.
DEMO_GROUPS = ("banjar", "bugis", "kutai", "jawa", "dayak")
_UPRIVER, _KUTAI, _TRANSMIGRATION, _COAST = (15, 10, 25, 20, 30), (20, 10, 40, 15, 15), \
    (15, 20, 10, 45, 10), (20, 40, 15, 20, 5)
DEMO_KECAMATAN_MIX = {
    "01": _KUTAI, "02": _UPRIVER, "03": _KUTAI, "05": _COAST, "06": _UPRIVER, "07": _UPRIVER,
    "08": _UPRIVER, "09": _COAST, "10": _TRANSMIGRATION, "11": _COAST, "13": _COAST,
    "14": _TRANSMIGRATION, "15": _TRANSMIGRATION, "16": _TRANSMIGRATION, "17": _COAST,
    "18": _TRANSMIGRATION,
}
DEMO_TOWN_MIX = (26, 26, 18, 24, 6)  # Sangatta Utara and Selatan, the district capital
# Where the district offices' staff live: mostly in and around Sangatta.
DEMO_TOWN_WEIGHTS = {"04": 40, "12": 20, "13": 8, "14": 6, "09": 6}

BACHELORS = ("S.Sos.",) * 4 + ("S.H.", "S.IP.", "S.E.", "S.Pd.") * 3 + \
    ("S.AP.",) * 2 + ("S.T.", "S.Kom.", "S.Ag.")
MASTERS = ("M.Si.",) * 4 + ("M.M.", "M.H.") * 2 + ("M.AP.", "M.Pd.")
# Pangkat of civil servants (PNS) by golongan, lowest first.
GRADES = (("Pengatur Muda", "II/a"), ("Pengatur Muda Tk. I", "II/b"), ("Pengatur", "II/c"),
          ("Pengatur Tk. I", "II/d"), ("Penata Muda", "III/a"), ("Penata Muda Tk. I", "III/b"),
          ("Penata", "III/c"), ("Penata Tk. I", "III/d"), ("Pembina", "IV/a"),
          ("Pembina Tk. I", "IV/b"))
# By education: (age at the earliest appointment, first grade, highest grade reached by
# regular promotion, one step every 4 years).
EDUCATION_GRADES = {"sma": (19, 0, 5), "d3": (21, 2, 6), "s1": (22, 4, 7), "s2": (22, 4, 8)}
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "823", "851", "852", "853", "815",
                   "816", "856", "857", "858", "817", "818", "819", "859", "877", "878",
                   "831", "838", "895", "896", "898", "881")


@dataclass(frozen=True)
class DemoUnit:
    """One block of participants, as an institution would send its list."""

    unit: str
    institution: str
    count: int  # in all, or per kecamatan when `per_kecamatan`
    leaders: tuple[str, ...]  # the most senior first (per kecamatan when `per_kecamatan`)
    staff: tuple[tuple[str, ...], tuple[str, ...]]  # (with a degree, without)
    pns: float  # share of civil servants with a NIP
    pppk: float  # share of contract civil servants with a NI PPPK
    men: float
    education: tuple[int, int, int, int]  # weights of SMA, D3, S1, S2
    per_kecamatan: bool = False


_OFFICE_STAFF = ("Penelaah Teknis Kebijakan", "Pengolah Data dan Informasi",
                 "Pengadministrasi Perkantoran", "Penata Layanan Operasional")
DEMO_UNITS = [
    DemoUnit("Kesbangpol", "Kesbangpol Kutim", 40,
             ("Kepala Bidang Kewaspadaan Nasional dan Penanganan Konflik",
              "Kepala Bidang Politik Dalam Negeri dan Organisasi Kemasyarakatan",
              "Kepala Bidang Ideologi dan Wawasan Kebangsaan",
              "Kepala Subbagian Umum dan Kepegawaian"),
             (("Analis Kebijakan Ahli Muda", "Analis Kebijakan Ahli Pertama",
               "Penelaah Teknis Kebijakan", "Pengolah Data dan Informasi"),
              ("Pengadministrasi Perkantoran", "Penata Layanan Operasional")),
             pns=0.88, pppk=0.12, men=0.6, education=(10, 10, 60, 20)),
    DemoUnit("Satpol PP", "Satpol PP Kutim", 50,
             ("Kepala Bidang Ketenteraman dan Ketertiban Umum",
              "Kepala Bidang Penegakan Peraturan Daerah", "Kepala Seksi Operasi dan Pengendalian",
              "Kepala Seksi Perlindungan Masyarakat"),
             (("Polisi Pamong Praja Ahli Pertama", "Polisi Pamong Praja Ahli Muda"),
              ("Polisi Pamong Praja Terampil", "Polisi Pamong Praja Mahir", "Komandan Regu")),
             pns=0.7, pppk=0.3, men=0.85, education=(45, 10, 40, 5)),
    DemoUnit("Perangkat Daerah", "Sekretariat Kabupaten Kutim", 20,
             ("Kepala Bagian Pemerintahan", "Kepala Subbagian Pemerintahan Umum",
              "Kepala Subbagian Otonomi Daerah dan Kerja Sama"),
             (("Analis Kebijakan Ahli Pertama", "Analis Hukum Ahli Pertama", *_OFFICE_STAFF),
              _OFFICE_STAFF), pns=0.9, pppk=0.1, men=0.55, education=(5, 10, 60, 25)),
    # Two from each kantor kecamatan: the officers for order and for government affairs.
    DemoUnit("Perangkat Daerah", "Sekretariat Kabupaten Kutim", 2,
             ("Kepala Seksi Ketenteraman dan Ketertiban Umum", "Kepala Seksi Pemerintahan"),
             ((), ()), pns=1.0, pppk=0.0, men=0.7, education=(10, 10, 65, 15),
             per_kecamatan=True),
    DemoUnit("Perangkat Daerah", "BKPSDM Kutim", 4, (),
             (("Analis Sumber Daya Manusia Aparatur Ahli Pertama",),
              ("Pengadministrasi Perkantoran",)),
             pns=1.0, pppk=0.0, men=0.5, education=(10, 10, 60, 20)),
    DemoUnit("Sekretariat KPU", "KPU Kutai Timur", 8,
             ("Kepala Subbagian Teknis Penyelenggaraan Pemilu dan Hubungan Masyarakat",),
             (("Penata Kelola Pemilu Ahli Pertama", "Pengolah Data dan Informasi"),
              ("Pengadministrasi Perkantoran",)),
             pns=0.85, pppk=0.15, men=0.6, education=(10, 10, 65, 15)),
    DemoUnit("Sekretariat Bawaslu", "Bawaslu Kutai Timur", 8,
             ("Kepala Subbagian Penanganan Pelanggaran dan Penyelesaian Sengketa",),
             (("Penata Kelola Pemilu Ahli Pertama", "Analis Pengawasan Pemilu"),
              ("Pengadministrasi Perkantoran",)),
             pns=0.85, pppk=0.15, men=0.6, education=(10, 10, 65, 15)),
    # Most PPK and Panwaslu members are not civil servants: a NIK, no NIP (docs/domain.md).
    DemoUnit("PPK", "PPK", 5, ("Ketua PPK",), (("Anggota PPK",), ("Anggota PPK",)),
             pns=0.03, pppk=0.04, men=0.7, education=(30, 5, 55, 10), per_kecamatan=True),
    DemoUnit("Panwaslu Kecamatan", "Panwaslu Kecamatan", 3, ("Ketua Panwaslu Kecamatan",),
             (("Anggota Panwaslu Kecamatan",), ("Anggota Panwaslu Kecamatan",)),
             pns=0.02, pppk=0.03, men=0.7, education=(30, 5, 55, 10), per_kecamatan=True),
    DemoUnit("PPS", "KPU Kutai Timur", 5, ("Ketua PPS",), (("Anggota PPS",), ("Anggota PPS",)),
             pns=0.12, pppk=0.05, men=0.6, education=(55, 10, 35, 0), per_kecamatan=True),
]
# The demo participant account's own registration, among Kesbangpol's list in both courses.
DEMO_PARTICIPANT = {
    "back_titles": "S.IP.", "gender": "L", "nik": "6408041203920003",
    "nip": "19920312 201903 1 004", "rank": "Penata Muda Tk. I, III/b",
    "position": "Penelaah Teknis Kebijakan", "unit": "Kesbangpol", "kecamatan": "04",
    "phone": "0812-5410-2024", "email": "peserta@bimtek.test",
}
DEMO_PARTICIPANT_INSTITUTION = "Kesbangpol Kutim"
DEMO_PARTICIPANT_INDEX = 5  # number 6 in each course
