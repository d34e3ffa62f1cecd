"""Demo data: the reference course of docs/domain.md and one account per role.

The demo accounts are for trying the app only; the README says so.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select

from bimtek import audit
from bimtek.attendance.models import Attendance, AttendanceMethod, AttendanceStatus
from bimtek.auth import services as auth_services
from bimtek.auth.models import COURSE_ROLES, Role, User
from bimtek.certificates import demo_keys, signatories
from bimtek.certificates.models import Signatory
from bimtek.certificates.settings import settings_for
from bimtek.courses import services as course_services
from bimtek.courses.agenda import (
    SessionInput,
    add_sessions,
    copy_agenda,
    find_room_by_name,
    save_room,
)
from bimtek.courses.models import Course, CourseRegion, CourseStatus, Session, SessionKind
from bimtek.errors import ValidationError
from bimtek.exercises.demo import seed_exercise
from bimtek.extensions import db
from bimtek.regions import services as region_services
from bimtek.registration import services as registration_services
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.speakers import services as institution_services
from bimtek.speakers.models import Speaker, SpeakerRole
from bimtek.timeutil import minutes_between

REFERENCE_COURSE_CODE = "KSP-KUTIM-2024"

# (e-mail, name, role, institutions by short name: an HR office's staff, or those an
# organiser issues certificates for)
DEMO_ACCOUNTS = [
    ("admin@bimtek.test", "Admin Bimtek", Role.ADMIN, ()),
    ("organiser@bimtek.test", "Panitia Bimtek", Role.ORGANISER, ("Sekretariat Kabupaten Kutim",)),
    ("desk@bimtek.test", "Petugas Meja Registrasi", Role.DESK, ()),
    ("fasilitator@bimtek.test", "Fasilitator Smart Academy", Role.FACILITATOR, ()),
    ("hr@bimtek.test", "Petugas Kepegawaian", Role.HR, ("Kesbangpol Kutim", "Satpol PP Kutim")),
    ("peserta@bimtek.test", "Peserta Demo", Role.PARTICIPANT, ()),
]


def _reference_course() -> Course:
    course = db.session.scalar(select(Course).where(Course.code == REFERENCE_COURSE_CODE))
    if course is not None:
        return course
    host, facilitator = institution_services.find_by_short_names(
        ["Sekretariat Kabupaten Kutim", "Smart Academy"]
    )
    course = Course(
        code=REFERENCE_COURSE_CODE,
        title="Bimbingan Teknis Mitigasi dan Penanganan Konflik Sosial "
              "pada Penyelenggaraan Pilkada 2024",
        programme="Bimtek Mitigasi dan Penanganan Konflik Sosial pada Penyelenggaraan Pilkada",
        batch=2,
        host_institution=host,
        facilitator_institution=facilitator,
        venue="Hotel Harris",
        city="Samarinda",
        starts_on=date(2024, 10, 28),
        ends_on=date(2024, 11, 1),
        timezone="Asia/Makassar",
        capacity=400,
        min_attendance_percent=80,
        signatory_position="Sekretaris Kabupaten Kutai Timur",
        signatory_name="Dr. H. Rizali Hadi, M.Pd.",
        signatory_nip="197206012005011008",
        declared_jp=40,
        areas=[CourseRegion.of(region_services.find_area(DEMO_REGION_CODE))],
        status=CourseStatus.FINISHED,
    )
    db.session.add(course)
    db.session.commit()
    return course


# (front titles, name, back titles, rank, position, institution short name)
DEMO_SPEAKERS = {
    "sekda": ("", "Sekretaris Kabupaten Kutai Timur", "", "", "Sekretaris Kabupaten",
              "Sekretariat Kabupaten Kutim"),
    "unhan": ("Dr.", "Narasumber Unhan", "M.Si. (Han)", "",
              "Dosen Program Studi Damai dan Resolusi Konflik", "Unhan"),
    "bin": ("", "Narasumber BIN Daerah Kaltim", "", "", "Analis Intelijen",
            "BIN Daerah Kaltim"),
    "polres": ("", "Narasumber Polres Kutai Timur", "S.I.K.", "AKBP", "Kepala Bagian Operasi",
               "Polres Kutai Timur"),
    "kpu": ("", "Narasumber KPU Kutai Timur", "S.H.", "", "Anggota KPU Kabupaten Kutai Timur",
            "KPU Kutai Timur"),
    "bawaslu": ("", "Narasumber Bawaslu Kutai Timur", "S.Sos.", "",
                "Anggota Bawaslu Kabupaten Kutai Timur", "Bawaslu Kutai Timur"),
    "fasilitator": ("", "Fasilitator Smart Academy", "", "", "Fasilitator", "Smart Academy"),
}

DEMO_ROOMS = [("Ballroom", 400, True), ("Ruang Diskusi 1", 100, False),
              ("Ruang Diskusi 2", 100, False)]

# Per day: (start, end, title, kind, room, [(speaker key, role)], JP or None for the default)
M, B, N, F = SessionKind.MATERIAL, SessionKind.BREAK, SpeakerRole.NARASUMBER, \
    SpeakerRole.FASILITATOR
DEMO_AGENDA = [
    [("07.30", "08.30", "Registrasi peserta", SessionKind.REGISTRATION, "Ballroom", [], None),
     ("08.30", "09.30", "Pembukaan oleh Sekretaris Kabupaten Kutai Timur", SessionKind.OPENING,
      "Ballroom", [("sekda", N)], None),
     ("09.30", "09.45", "Rehat kopi", B, "Ballroom", [], None),
     ("09.45", "12.00", "Kebijakan tahapan penyelenggaraan Pilkada 2024", M, "Ballroom",
      [("kpu", N)], None),
     ("12.00", "13.00", "ISHOMA", B, "Ballroom", [], None),
     ("13.00", "15.15", "Pengawasan tahapan dan penanganan pelanggaran Pilkada", M, "Ballroom",
      [("bawaslu", N)], None),
     ("15.15", "16.45", "Diskusi: peta kerawanan Pilkada di 18 kecamatan",
      SessionKind.DISCUSSION, "Ballroom", [("kpu", N), ("bawaslu", N)], 2)],
    [("08.00", "10.15", "Mitigasi dan resolusi konflik sosial", M, "Ballroom",
      [("unhan", N)], None),
     ("10.15", "10.30", "Rehat kopi", B, "Ballroom", [], None),
     ("10.30", "12.00", "Komunikasi efektif dan komunikasi krisis", M, "Ballroom",
      [("unhan", N)], None),
     ("12.00", "13.00", "ISHOMA", B, "Ballroom", [], None),
     ("13.00", "15.15", "Pemetaan intelijen keamanan menjelang pemungutan suara", M,
      "Ballroom", [("bin", N)], None)],
    [("08.00", "10.15", "Penggunaan kekuatan secara proporsional dan penanganan massa", M,
      "Ballroom", [("polres", N)], None),
     ("10.15", "10.30", "Rehat kopi", B, "Ballroom", [], None),
     ("10.30", "12.00", "Penegakan hukum terhadap provokasi, hoaks dan kekerasan politik", M,
      "Ballroom", [("polres", N)], None),
     ("12.00", "13.00", "ISHOMA", B, "Ballroom", [], None),
     ("13.00", "15.15", "Pemantauan media sosial dan penanganan ujaran kebencian", M,
      "Ballroom", [("bin", N)], None)],
    [("08.00", "09.30", "Peran tokoh agama dan tokoh masyarakat sebagai mediator", M,
      "Ballroom", [("unhan", N)], None),
     ("09.30", "09.45", "Rehat kopi", B, "Ballroom", [], None),
     ("09.45", "12.00", "Simulasi penanganan potensi gangguan keamanan (bagian 1)",
      SessionKind.SIMULATION, "Ruang Diskusi 1", [("fasilitator", F), ("polres", N)], None),
     ("12.00", "13.00", "ISHOMA", B, "Ballroom", [], None),
     ("13.00", "15.15", "Simulasi penanganan potensi gangguan keamanan (bagian 2)",
      SessionKind.SIMULATION, "Ruang Diskusi 1", [("fasilitator", F), ("polres", N)], None),
     ("15.15", "16.45", "Diskusi kelompok: rencana kontinjensi kecamatan",
      SessionKind.DISCUSSION, "Ruang Diskusi 2", [("fasilitator", F)], 2)],
    [("08.00", "10.15", "Evaluasi simulasi dan rencana tindak lanjut", M, "Ballroom",
      [("fasilitator", F), ("unhan", N)], None),
     ("10.15", "10.30", "Rehat kopi", B, "Ballroom", [], None),
     ("10.30", "12.00", "Rencana tindak lanjut per kecamatan", SessionKind.DISCUSSION,
      "Ballroom", [("kpu", N), ("bawaslu", N)], 2),
     ("12.00", "12.45", "Post-test dan evaluasi penyelenggaraan", M, "Ballroom", [], None),
     ("12.45", "13.15", "Penutupan", SessionKind.CLOSING, "Ballroom", [("sekda", N)], None)],
]
DEMO_COURSE_CODE = "KSP-KUTIM-DEMO"


def _clock(text: str) -> time:
    hour, minute = text.split(".")
    return time(int(hour), int(minute))


def _demo_speakers() -> dict[str, int]:
    ids = {}
    for key, (front, name, back, rank, position, institution) in DEMO_SPEAKERS.items():
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == name))
        if speaker is None:
            (owner,) = institution_services.find_by_short_names([institution])
            speaker = institution_services.save_speaker(
                None, front_titles=front, name=name, back_titles=back, rank=rank,
                position=position, institution_id=owner.id)
        ids[key] = speaker.id
    return ids


def _reference_agenda(course: Course) -> None:
    if course.sessions:
        return
    for name, capacity, plenary in DEMO_ROOMS:
        save_room(course, None, name=name, capacity=capacity,
                  is_plenary=plenary)
    speakers = _demo_speakers()
    add_sessions(course, [
        SessionInput(
            day=day, starts_at=_clock(start), ends_at=_clock(end), title=title, kind=kind,
            room_id=find_room_by_name(course, room).id, jp=jp,
            speakers=[(speakers[key], role) for key, role in roles])
        for day, items in zip(course.days, DEMO_AGENDA, strict=True)
        for start, end, title, kind, room, roles, jp in items
    ])


def _live_demo_course(reference: Course) -> Course:
    """A later batch whose five days start today, so check-in can be tried live."""
    course = course_services.find_course(DEMO_COURSE_CODE)
    if course is not None:
        return course
    today = datetime.now(ZoneInfo(reference.timezone)).date()
    course = course_services.save_course(
        None, code=DEMO_COURSE_CODE, title=reference.title, programme=reference.programme,
        batch=reference.batch + 1, host_institution_id=reference.host_institution_id,
        facilitator_institution_id=reference.facilitator_institution_id,
        venue=reference.venue, city=reference.city, starts_on=today,
        ends_on=course_services.course_end(today, len(reference.days)),
        timezone=reference.timezone, capacity=reference.capacity,
        min_attendance_percent=reference.min_attendance_percent,
        declared_jp=reference.declared_jp, signatory_position=reference.signatory_position,
        signatory_name=reference.signatory_name, signatory_nip=reference.signatory_nip,
        areas=[CourseRegion.of(area.area) for area in reference.areas],
        registration_open=True)
    copy_agenda(reference, course)
    course.status = CourseStatus.PUBLISHED
    db.session.commit()
    return course


def _demo_account(email: str, name: str, role: Role, institutions: tuple[str, ...],
                  password: str) -> User:
    user = auth_services.find_user_by_email(email)
    if user is not None:
        return user
    ids = [i.id for i in institution_services.find_by_short_names(institutions)]
    return auth_services.save_user(None, email=email, name=name, roles=[role],
                                   password=password, institution_ids=ids,
                                   issuing_institution_ids=ids)


# --- demo participants -----------------------------------------------------------------
# 400 made-up people per course, the same every time (a fixed seed): identity numbers that
# pass the checks, names of the district's main groups, the units of docs/domain.md.

DEMO_PARTICIPANTS_SEED = 20241028
DEMO_REGION_CODE = "64.08"
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
_TOWN_MIX = (26, 26, 18, 24, 6)  # Sangatta Utara and Selatan, the district capital
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


class _DemoPeople:
    """Makes up people whose identity numbers agree with each other and are unique."""

    def __init__(self, rng: random.Random, kecamatan_codes: list[str]):
        self.rng = rng
        self.kecamatan_codes = kecamatan_codes  # '01' … '18'
        self.niks = {DEMO_PARTICIPANT["nik"]}
        self.nips = {DEMO_PARTICIPANT["nip"].replace(" ", "")}
        self.phones = {DEMO_PARTICIPANT["phone"]}

    def _weighted(self, options, weights):
        return self.rng.choices(options, weights=weights)[0]

    def unit(self, unit: DemoUnit) -> list[dict]:
        codes = self.kecamatan_codes
        if unit.per_kecamatan:
            people = []
            for code in codes:
                members = [self.person(unit, code) for _ in range(unit.count)]
                for person, position in zip(members, unit.leaders, strict=False):
                    person["position"] = position
                people += members
            return people
        weights = [DEMO_TOWN_WEIGHTS.get(code, 2) for code in codes]
        people = [self.person(unit, self._weighted(codes, weights)) for _ in range(unit.count)]
        # The heads of the office's sections are its civil servants of highest grade.
        seniors = sorted((p for p in people if p["grade"] is not None),
                         key=lambda p: (-p["grade"], p["birth"]))
        for person, position in zip(seniors, unit.leaders, strict=False):
            person["position"] = position
        return people

    def person(self, unit: DemoUnit, kecamatan: str) -> dict:
        rng = self.rng
        gender = "L" if rng.random() < unit.men else "P"
        draw = rng.random()
        service = "pns" if draw < unit.pns else "pppk" if draw < unit.pns + unit.pppk else None
        # Civil servants born before 1967 have retired by 2024 (retirement age 58).
        first_year, last_year = {"pns": (1967, 1998), "pppk": (1975, 1998)}.get(
            service, (1965, 2000))
        birth = date(rng.randint(first_year, last_year), 1, 1) + timedelta(rng.randrange(365))
        education = self._weighted(("sma", "d3", "s1", "s2"), unit.education)
        group = self._weighted(DEMO_GROUPS, DEMO_KECAMATAN_MIX.get(kecamatan, _TOWN_MIX))
        front_titles, back_titles = self._titles(group, gender, birth, education)
        nip, grade = self._nip(service, birth, gender, education)
        positions = unit.staff[0 if education in ("s1", "s2") else 1]
        return {
            "front_titles": front_titles, "name": self._name(group, gender),
            "back_titles": back_titles, "gender": gender,
            "nik": self._nik(kecamatan, birth, gender), "nip": nip,
            "rank": "{}, {}".format(*GRADES[grade]) if grade is not None else "",
            "position": rng.choice(positions) if positions else "", "unit": unit.unit,
            "institution": unit.institution, "kecamatan": kecamatan, "phone": self._phone(),
            "email": "", "birth": birth, "grade": grade,
        }

    def _name(self, group: str, gender: str) -> str:
        given_names, second_names = DEMO_NAMES[group][gender]
        given = self.rng.choice(given_names)
        seconds = [s for s in second_names if s != given
                   and (s or given in DEMO_ONE_WORD_NAMES)]
        return f"{given} {self.rng.choice(seconds)}".strip()

    def _titles(self, group: str, gender: str, birth: date, education: str
                ) -> tuple[str, str]:
        front, back = [], []
        if education in ("s1", "s2"):
            # Drs./Dra.: the bachelor's title of those who graduated before the 1990s.
            if birth.year <= 1969 and self.rng.random() < 0.6:
                front.append("Drs." if gender == "L" else "Dra.")
            else:
                back.append(self.rng.choice(BACHELORS))
            if education == "s2":
                back.append(self.rng.choice(MASTERS))
        elif education == "d3":
            back.append("A.Md.")
        if group != "dayak" and birth.year <= 1982 and self.rng.random() < 0.2:
            front.append("H." if gender == "L" else "Hj.")
        return " ".join(front), ", ".join(back)

    def _nik(self, kecamatan: str, birth: date, gender: str) -> str:
        """PP KK CC DDMMYY NNNN, 40 added to a woman's day of birth."""
        day = birth.day + 40 if gender == "P" else birth.day
        prefix = f"{DEMO_REGION}{kecamatan}{day:02d}{birth:%m%y}"
        serial = self.rng.randint(1, 40)
        while f"{prefix}{serial:04d}" in self.niks:
            serial += 1
        self.niks.add(f"{prefix}{serial:04d}")
        return f"{prefix}{serial:04d}"

    def _nip(self, service: str | None, birth: date, gender: str, education: str
             ) -> tuple[str, int | None]:
        """A PNS NIP (birth, start of service YYYYMM, gender, serial) with the grade reached
        by regular promotion, or a NI PPPK (birth, appointment year, 2, contract number,
        gender, serial), or none."""
        if service is None:
            return "", None
        gender_digit = "1" if gender == "L" else "2"
        if service == "pns":
            age, first, highest = EDUCATION_GRADES[education]
            start = min(self.rng.randint(birth.year + age, birth.year + age + 10), 2021)
            middle = f"{start}{self._weighted((1, 3, 4, 12), (4, 3, 1, 2)):02d}"
            grade = min(first + (DEMO_YEAR - start) // 4, highest)
        else:
            middle, grade = f"{self.rng.choice((2021, 2022, 2023))}21", None
        prefix = f"{birth:%Y%m%d}{middle}{gender_digit}"
        serial = self.rng.randint(1, 12)
        while f"{prefix}{serial:03d}" in self.nips:
            serial += 1
        self.nips.add(f"{prefix}{serial:03d}")
        return f"{prefix}{serial:03d}", grade

    def _phone(self) -> str:
        while True:
            prefix = self.rng.choice(MOBILE_PREFIXES)
            number = f"0{prefix}-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}"
            if number not in self.phones:
                self.phones.add(number)
                return number


def _demo_people(count: int = 2) -> list[list[dict]]:
    """The participants of `count` courses (different people in each batch), the demo
    participant among each course's Kesbangpol list."""
    districts = region_services.read_region_data(within=[DEMO_REGION_CODE])[2]
    people = _DemoPeople(random.Random(DEMO_PARTICIPANTS_SEED),
                         [code[-2:] for code, _region, _name in districts])
    own_name = next(name for _email, name, role, _i in DEMO_ACCOUNTS
                    if role == Role.PARTICIPANT)
    courses = []
    for _ in range(count):
        lists = []
        for unit in DEMO_UNITS:
            if unit.institution != DEMO_PARTICIPANT_INSTITUTION:
                lists += people.unit(unit)
                continue
            members = people.unit(replace(unit, count=unit.count - 1))
            members.insert(DEMO_PARTICIPANT_INDEX, {
                **DEMO_PARTICIPANT, "front_titles": "", "name": own_name,
                "institution": unit.institution, "own": True})
            lists += members
        courses.append(lists)
    return courses


def _demo_participants(courses: list[Course], participant: User) -> None:
    """Fill each demo course with its 400 participants, unless it has participants
    already. One transaction per course; scrypt is not involved, so this is quick."""
    institutions = {i.short_name: i.id for i in institution_services.list_institutions()}
    for course, people in zip(courses, _demo_people(len(courses)), strict=True):
        if db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.course_id == course.id)):
            continue
        kecamatan = {k.code[-2:]: k.id for k in course_services.course_kecamatan(course)}
        checked = [registration_services.check_participant(
            course, registration_services.ParticipantInput(
                front_titles=p["front_titles"], name=p["name"], back_titles=p["back_titles"],
                gender=p["gender"], nik=p["nik"], nip=p["nip"], rank=p["rank"],
                position=p["position"], institution_id=institutions[p["institution"]],
                unit=p["unit"], kecamatan_id=kecamatan[p["kecamatan"]], phone=p["phone"],
                email=p["email"]))
            for p in people]
        registration_services.register_many(
            course, checked, user_ids=[participant.id if p.get("own") else None
                                       for p in people])


# --- demo attendance -------------------------------------------------------------------
# The reference course is over: the week of attendance it left, the same every time (a
# fixed seed). Most people at most sessions, some late, some excused (izin) or sick for a
# session or a day, and a few away for days, below the course's attendance threshold.

DEMO_ATTENDANCE_SEED = 20241101
DEMO_BELOW_THRESHOLD = 14  # away for whole days until their JP falls below the threshold
DEMO_DAY_OFF = 6  # excused for one whole day that the threshold still allows
DEMO_SESSION_MISS = 0.015  # anyone else's chance of missing a session
DEMO_HABITUALLY_LATE = 0.06  # share of people who are often late
DEMO_LATE = {False: 0.03, True: 0.3}  # chance of being late at a session, by habit
DEMO_SELF_CHECK_IN = 0.5  # participants with an account scan the room's code this often
# Where the scanners stand: two at the ballroom door, one at each discussion room.
DEMO_DESKS = {"Ballroom": ("Meja 1", "Meja 2"), "Ruang Diskusi 1": ("Meja 3",),
              "Ruang Diskusi 2": ("Meja 4",)}
# What people write on the izin and sakit forms, for one session and for whole days.
DEMO_SESSION_REASONS = {
    AttendanceStatus.IZIN: ("Dipanggil rapat oleh Camat", "Mengurus surat perjalanan dinas",
                            "Keperluan keluarga mendesak",
                            "Menerima tamu dinas dari kecamatan"),
    AttendanceStatus.SAKIT: ("Sakit kepala, istirahat di kamar",
                             "Sakit perut, berobat ke klinik hotel",
                             "Demam, diperiksa dokter hotel"),
}
DEMO_DAY_REASONS = {
    AttendanceStatus.IZIN: ("Dinas luar", "Dinas luar: pengawasan kampanye di kecamatan",
                            "Dinas luar: rapat pembentukan KPPS",
                            "Dinas luar: pengamanan kampanye pasangan calon",
                            "Keluarga meninggal dunia"),
    AttendanceStatus.SAKIT: ("Sakit demam, surat dokter", "Sakit diare, surat keterangan dokter",
                             "Sakit tifus, dirawat di rumah sakit"),
}
# An absence: izin or sakit with its reason, or None with "" for nobody saying anything.
Absence = tuple[AttendanceStatus | None, str]


def _whole_days(rng: random.Random, days: dict[date, list[Session]], allowance: float, *,
                below: bool) -> dict[int, Absence]:
    """Days away: until more JP is missed than `allowance` (below), or one day within it."""
    status = rng.choice((AttendanceStatus.IZIN, AttendanceStatus.SAKIT, None)) if below \
        else AttendanceStatus.IZIN
    reason = rng.choice(DEMO_DAY_REASONS[status]) if status else ""
    day_jp = {day: sum(s.jp for s in sessions) for day, sessions in days.items()}
    if below:
        away, missed = [], 0
        for day in rng.sample(list(days), len(days)):
            away.append(day)
            missed += day_jp[day]
            if missed > allowance:
                break
    else:
        fits = [day for day in days if day_jp[day] <= allowance]
        away = rng.sample(fits, min(1, len(fits)))
    return {s.id: (status, reason) for day in away for s in days[day]}


def _single_sessions(rng: random.Random, sessions: list[Session], allowance: float
                     ) -> dict[int, Absence]:
    """A session missed now and then, never so many that the certificate is lost."""
    absences, missed = {}, 0
    for session in sessions:
        if rng.random() < DEMO_SESSION_MISS and missed + session.jp <= allowance:
            missed += session.jp
            status = rng.choice((AttendanceStatus.IZIN, AttendanceStatus.IZIN,
                                 AttendanceStatus.SAKIT, None))
            absences[session.id] = (status, rng.choice(DEMO_SESSION_REASONS[status])
                                    if status else "")
    return absences


def _utc(course: Course, local: datetime) -> datetime:
    """A wall-clock time in the course's zone as a stored instant (naive UTC)."""
    return local.replace(tzinfo=ZoneInfo(course.timezone)).astimezone(UTC).replace(
        tzinfo=None)


def _scan(rng: random.Random, course: Course, session: Session, registration: Registration,
          late_rate: float) -> dict:
    """A badge scanned at the room's desk, or the room's code entered by a participant
    with an account (it only works once the session has started): up to 20 minutes
    early, or after the grace period when late."""
    self_check_in = registration.user_id is not None and rng.random() < DEMO_SELF_CHECK_IN
    late = rng.random() < late_rate
    grace = course.late_after_minutes * 60
    if late:
        length = minutes_between(session.starts_at, session.ends_at) * 60
        seconds = rng.randint(grace + 1, min(grace + 45 * 60, length - 5 * 60))
    else:
        seconds = rng.randint(0 if self_check_in else -20 * 60, grace)
    return {
        "status": AttendanceStatus.TERLAMBAT if late else AttendanceStatus.HADIR,
        "reason": "",
        "happened_at": _utc(course, datetime.combine(session.day, session.starts_at)
                            + timedelta(seconds=seconds)),
        "method": AttendanceMethod.SELF if self_check_in else AttendanceMethod.DESK,
        "recorded_by_id": registration.user_id if self_check_in else None,
        "device": "" if self_check_in else rng.choice(DEMO_DESKS[session.room.name]),
    }


def _marked(course: Course, session: Session, registration: Registration, organiser: User,
            status: AttendanceStatus, reason: str) -> dict:
    """Izin or sakit marked by the organiser when the session starts, audited as
    services.mark() audits it."""
    at = _utc(course, datetime.combine(session.day, session.starts_at))
    event = audit.record("attendance.marked", registration, actor=organiser,
                         session=session.title, previous=None, status=status.value,
                         reason=reason)
    event.at = at
    return {"status": status, "reason": reason, "happened_at": at,
            "method": AttendanceMethod.MANUAL, "recorded_by_id": organiser.id, "device": ""}


def _demo_attendance(course: Course, organiser: User) -> None:
    """Give the finished reference course its week of attendance, unless it has some."""
    if db.session.scalar(select(Attendance.id).join(Attendance.session)
                         .where(Session.course_id == course.id).limit(1)) is not None:
        return
    rng = random.Random(DEMO_ATTENDANCE_SEED)
    sessions = [s for s in course.sessions if s.kind != SessionKind.BREAK]
    days = {day: [s for s in sessions if s.day == day] for day in course.days}
    # The JP one may miss and still get the certificate.
    allowance = sum(s.jp for s in sessions) * (100 - course.min_attendance_percent) / 100
    registrations = db.session.scalars(select(Registration).where(
        Registration.course_id == course.id,
        Registration.status == RegistrationStatus.REGISTERED).order_by(Registration.number)
    ).all()
    # The demo participant's own record stays clean: their certificate can be tried.
    away = rng.sample([r for r in registrations if r.user_id is None],
                      DEMO_BELOW_THRESHOLD + DEMO_DAY_OFF)
    absences = {r.id: _whole_days(rng, days, allowance, below=n < DEMO_BELOW_THRESHOLD)
                for n, r in enumerate(away)}
    rows = []
    for registration in registrations:
        missing = absences.get(registration.id) or _single_sessions(rng, sessions, allowance)
        late_rate = DEMO_LATE[rng.random() < DEMO_HABITUALLY_LATE]
        for session in sessions:
            if session.id not in missing:
                row = _scan(rng, course, session, registration, late_rate)
            elif missing[session.id][0] is not None:
                row = _marked(course, session, registration, organiser, *missing[session.id])
            else:
                continue
            rows.append({**row, "registration_id": registration.id, "session_id": session.id,
                         "received_at": row["happened_at"]})
    db.session.execute(insert(Attendance.__table__), rows)
    db.session.commit()


def seed(password: str) -> Course:
    """Idempotent: adds what is missing and leaves what exists alone."""
    institution_services.seed_reference_institutions()
    region_services.load_regions()
    course = _reference_course()
    _reference_agenda(course)
    courses = [course, _live_demo_course(course)]
    users = {}
    for email, name, role, institutions in DEMO_ACCOUNTS:
        user = users[role] = _demo_account(email, name, role, institutions, password)
        if role in COURSE_ROLES:
            for each in courses:
                auth_services.assign_course(user, each, role)
    _demo_participants(courses, users[Role.PARTICIPANT])
    _demo_attendance(course, users[Role.ORGANISER])
    _demo_signatory(courses)
    seed_exercise(course)
    return course


def _demo_signatory(courses: list[Course]) -> None:
    """The reference course's signatory with a key of the demo's own authority, labelled
    "DEMO — bukan TTE resmi", so that the demo's certificates come out signed. The key's
    passphrase is the DEMO_SIGNATORY_PASSPHRASE setting."""
    signatory = db.session.scalar(select(Signatory).where(Signatory.is_demo))
    if signatory is None:
        reference = courses[0]
        passphrase = current_app.config["DEMO_SIGNATORY_PASSPHRASE"]
        signatory = signatories.register(
            name=reference.signatory_name, nip=reference.signatory_nip,
            position=reference.signatory_position,
            institution_id=reference.host_institution_id, passphrase=passphrase,
            key_data=demo_keys.signatory_pkcs12(reference.signatory_name, passphrase),
            is_demo=True)
    for course in courses:
        settings = settings_for(course)
        if settings.signatory_id is None:
            settings.signatory = signatory
    db.session.commit()


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def print_demo_logins(password: str) -> None:
    emails = {email for email, *_ in DEMO_ACCOUNTS}
    present = db.session.scalars(select(User.email).where(User.email.in_(emails))).all()
    if not present:
        return
    click.echo("Demo logins (for trying Bimtek only; never use them on a real course):")
    for email, _name, role, _institutions in DEMO_ACCOUNTS:
        if email in present:
            click.echo(f"  {role.value:<12} {email:<26} password: {password}")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True,
              help="Only seed when the database has no accounts yet.")
def seed_demo(if_empty: bool) -> None:
    """Load the reference course and the demo accounts (idempotent)."""
    if current_app.config["BIMTEK_ENV"] == "production":
        # Everyone who has read the README knows the demo accounts' password.
        raise click.ClickException(
            "BIMTEK_ENV=production: the demo accounts and courses are never loaded here.")
    password = current_app.config["DEMO_PASSWORD"]
    if if_empty and not database_is_empty():
        click.echo("The database already has accounts; demo data not loaded.")
    else:
        course = seed(password)
        click.echo(f"Demo data ready: {course.code} — {course.title}.")
    print_demo_logins(password)


@click.command("seed-reference")
@with_appcontext
def seed_reference() -> None:
    """Add the reference institutions that are missing, and load or update Indonesia's
    regions from data/idn-area-data (only what is missing or renamed is written)."""
    institutions = institution_services.seed_reference_institutions()
    click.echo(f"{institutions} institution(s) added.")
    try:
        report = region_services.load_regions()
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Regions: {report}.")
