"""A finished course for certificate tests: a five-day agenda with JP and speakers, and
attendance such that everyone but the last participant earns a certificate."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from bimtek.attendance.marking import mark_many
from bimtek.attendance.models import AttendanceStatus
from bimtek.courses.agenda import SessionInput, add_sessions
from bimtek.courses.models import Course, CourseStatus, Session, SessionKind
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.institutions.services import save_institution
from bimtek.registration import services
from bimtek.registration.models import Registration
from bimtek.speakers.models import SpeakerRole
from bimtek.speakers.services import save_speaker
from tests.factories import make_course
from tests.registration.factories import participant

STARTS_ON = date(2024, 10, 28)
SIGNATORY_NIP = "197206012005011008"
# (day, start, end, title, kind, JP, speakers as (name key, role)), in agenda order.
AGENDA = [
    (0, time(8, 0), time(9, 0), "Pembukaan", SessionKind.OPENING, 0, []),
    (0, time(9, 0), time(11, 15), "Kebijakan Nasional Penanganan Konflik Sosial",
     SessionKind.MATERIAL, 3, [("unhan", SpeakerRole.NARASUMBER)]),
    (0, time(11, 15), time(13, 0), "Ishoma", SessionKind.BREAK, 0, []),
    (1, time(8, 0), time(11, 0), "Deteksi Dini Potensi Konflik Pilkada",
     SessionKind.MATERIAL, 4, [("bin", SpeakerRole.NARASUMBER),
                               ("kpu", SpeakerRole.MODERATOR)]),
    (2, time(8, 0), time(11, 0), "Pengamanan Tahapan Pilkada", SessionKind.MATERIAL, 4,
     [("polres", SpeakerRole.NARASUMBER), ("bawaslu", SpeakerRole.NARASUMBER)]),
    (3, time(8, 0), time(11, 0), "Simulasi Penanganan Konflik", SessionKind.SIMULATION, 4,
     [("kpu", SpeakerRole.FASILITATOR)]),
    (4, time(8, 0), time(9, 0), "Penutupan", SessionKind.CLOSING, 0, []),
]
SPEAKERS = {  # key: (front titles, name, back titles, institution short name)
    "unhan": ("Dr.", "Budi Hartono", "M.Si. (Han)", "Unhan"),
    "bin": ("", "Agus Salim", "S.H., M.H.", "BINDA Kaltim"),
    "polres": ("AKBP", "Chandra Wijaya", "S.I.K.", "Polres Kutim"),
    "bawaslu": ("", "Siti Aminah", "S.Pd.", "Bawaslu Kutim"),
    "kpu": ("", "Rudi Hermawan", "S.Sos.", "KPU Kutim"),
}
MATERIAL_JP = 15  # the JP of the agenda above


def institution(short_name: str, name: str | None = None):
    """The institution with this short name, created when missing."""
    found = db.session.scalar(select(Institution).where(Institution.short_name == short_name))
    return found or save_institution(None, name=name or f"{short_name} (nama lengkap)",
                                     short_name=short_name)


def participant_nip(serial: int) -> str:
    """A PNS man born 28-10-1986 (the birth date of `participant`'s NIK), since 2015."""
    return f"198610282015051{serial:03d}"


def add_agenda(course: Course) -> list[Session]:
    speakers = {key: save_speaker(None, front_titles=front, name=name, back_titles=back,
                                  institution_id=institution(short).id)
                for key, (front, name, back, short) in SPEAKERS.items()}
    return add_sessions(course, [SessionInput(
        day=course.days[day], starts_at=start, ends_at=end, title=title, kind=kind, jp=jp,
        speakers=[(speakers[key].id, role) for key, role in roles])
        for day, start, end, title, kind, jp, roles in AGENDA])


def finished_course(participants: int = 3, *, code: str = "BIMTEK-PKS-2024",
                    **fields) -> Course:
    """A finished five-day course (28 Oct – 1 Nov 2024, Samarinda) whose participants
    1 … n-1 attended every session and participant n only the first material (3 of 15 JP,
    not eligible at the 80% minimum). Participant 1 has titles, a NIP and a position; the
    others have a NIP unless they are the last one."""
    host = institution("Pemkab Kutim", "Pemerintah Kabupaten Kutai Timur")
    course = make_course(
        code, starts_on=STARTS_ON,
        title=fields.pop("title", "Bimtek Mitigasi dan Penanganan Konflik Sosial pada "
                                  "Penyelenggaraan Pilkada 2024"),
        city=fields.pop("city", "Samarinda"), venue=fields.pop("venue", "Hotel Harris Samarinda"),
        capacity=fields.pop("capacity", max(participants, 1)), host_institution_id=host.id,
        signatory_position=fields.pop("signatory_position",
                                      "Kepala Badan Kesatuan Bangsa dan Politik"),
        signatory_name=fields.pop("signatory_name", "Dr. H. Muhammad Yusuf, M.Si."),
        signatory_nip=fields.pop("signatory_nip", SIGNATORY_NIP), **fields)
    sessions = add_agenda(course)
    kesbangpol = institution("Kesbangpol Kutim", "Badan Kesatuan Bangsa dan Politik")
    people = [services.register(course, participant(
        serial, kesbangpol.id, unit="Kesbangpol",
        name="Syahrani Noor" if serial == 1 else f"Peserta {serial}",
        front_titles="Drs. H." if serial == 1 else "",
        back_titles="M.Si." if serial == 1 else "S.Sos.",
        position="Kepala Bidang Politik Dalam Negeri" if serial == 1 else "Analis Kebijakan",
        nip=participant_nip(serial) if serial < participants else ""))
        for serial in range(1, participants + 1)]
    attending, absent = people[:-1], people[-1]
    for session in sessions:
        present = [r.id for r in attending] + ([absent.id] if session is sessions[1] else [])
        if present:
            mark_many(session, present, AttendanceStatus.HADIR)
    course.status = CourseStatus.FINISHED
    db.session.commit()
    return course


def participants_of(course: Course) -> list[Registration]:
    """The course's participants by number."""
    return list(db.session.scalars(select(Registration).where(
        Registration.course_id == course.id).order_by(Registration.number)))
