"""Demo data: the reference course of DOMAIN.md and one account per role.

The demo accounts are for trying the app only; the README says so.
"""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from bimtek.auth import services as auth_services
from bimtek.auth.models import COURSE_ROLES, Role, User
from bimtek.courses import services as course_services
from bimtek.courses.models import Course, CourseStatus, SessionKind
from bimtek.extensions import db
from bimtek.speakers import services as institution_services
from bimtek.speakers.models import Speaker, SpeakerRole

REFERENCE_COURSE_CODE = "KSP-KUTIM-2024"

# (e-mail, name, role, HR institutions by short name)
DEMO_ACCOUNTS = [
    ("admin@bimtek.test", "Admin Bimtek", Role.ADMIN, ()),
    ("organiser@bimtek.test", "Panitia Bimtek", Role.ORGANISER, ()),
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
        signatory_nip="197206012005011008",
        declared_jp=40,
        region=course_services.find_region("64.08"),
        status=CourseStatus.PUBLISHED,
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
        course_services.save_room(course, None, name=name, capacity=capacity,
                                  is_plenary=plenary)
    speakers = _demo_speakers()
    course_services.add_sessions(course, [
        course_services.SessionInput(
            day=day, starts_at=_clock(start), ends_at=_clock(end), title=title, kind=kind,
            room_id=course_services.find_room_by_name(course, room).id, jp=jp,
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
        signatory_nip=reference.signatory_nip, region_id=reference.region_id,
        registration_open=True)
    course_services.copy_agenda(reference, course)
    course.status = CourseStatus.PUBLISHED
    db.session.commit()
    return course


def _demo_account(email: str, name: str, role: Role, institutions: tuple[str, ...],
                  password: str) -> User:
    user = auth_services.find_user_by_email(email)
    if user is not None:
        return user
    return auth_services.save_user(
        None, email=email, name=name, roles=[role], password=password,
        institution_ids=[i.id for i in institution_services.find_by_short_names(institutions)],
    )


def seed(password: str) -> Course:
    """Idempotent: adds what is missing and leaves what exists alone."""
    institution_services.seed_reference_institutions()
    course_services.seed_reference_regions()
    course = _reference_course()
    _reference_agenda(course)
    courses = [course, _live_demo_course(course)]
    for email, name, role, institutions in DEMO_ACCOUNTS:
        user = _demo_account(email, name, role, institutions, password)
        if role in COURSE_ROLES:
            for each in courses:
                auth_services.assign_course(user, each, role)
    return course


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
    """Add the reference institutions and regions of DOMAIN.md that are missing."""
    institutions = institution_services.seed_reference_institutions()
    regions = course_services.seed_reference_regions()
    click.echo(f"{institutions} institution(s) and {regions} region(s) added.")
