"""A simulation exercise ready to run, for exercise and report tests; call inside an app
context.

`exercise_setting()` builds a course of Kutai Timur with a simulation session, participants
of four units from several kecamatan checked in to it (one more registered but absent), an
exercise with objectives, staff, confirmed teams and an MSEL, and the accounts to use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from bimtek.attendance.marking import mark_many
from bimtek.attendance.models import AttendanceStatus
from bimtek.auth.models import Role, User
from bimtek.courses import staff as course_staff
from bimtek.courses.agenda import SessionInput, add_session
from bimtek.courses.models import Course, Session, SessionKind
from bimtek.exercises import msel, setup
from bimtek.exercises import teams as exercise_teams
from bimtek.exercises.models import Delivery, Exercise, Inject, Objective, Team
from bimtek.extensions import db
from bimtek.regions.models import Kecamatan
from bimtek.regions.services import find_area
from bimtek.registration import services as registration_services
from bimtek.registration.models import Registration
from tests.certificates.factories import finished_course, institution, participants_of
from tests.factories import make_course, seed_regions
from tests.registration.factories import participant
from tests.support.web import TEST_PASSWORD

# The units (unsur) of the reference course and the institution each comes from.
UNITS = {
    "Kesbangpol": "Kesbangpol Kutim",
    "Satpol PP": "Satpol PP Kutim",
    "PPK": "KPU Kutim",
    "Panwaslu": "Bawaslu Kutim",
}
# Participant n (from 1) is of unit n mod 4 and kecamatan n mod KECAMATAN_USED, so each
# unit comes from several kecamatan and each kecamatan sends several units.
KECAMATAN_USED = 6

OBJECTIVES = [
    ("Koordinasi pengamanan kampanye akbar", "Koordinasi operasional",
     "Membagi jadwal dan rute\nMenghubungi Polres dan tim pasangan calon"),
    ("Kontra-narasi hoaks di media sosial", "Informasi publik dan peringatan",
     "Memverifikasi isi\nMenyiapkan klarifikasi resmi"),
    ("Mediasi provokasi di desa", "Mediasi konflik",
     "Melibatkan tokoh agama dan adat\nMelapor ke Kesbangpol"),
]
# (number, scenario time, planned offset minutes, delivery, sender, team numbers or None
# for all teams, message, objective position)
INJECTS = [
    (1, "H-3 07.00", 0, Delivery.MESSAGE, "Kesbangpol Kutim", None,
     "Dua pasangan calon menjadwalkan kampanye akbar pada hari yang sama, berjarak 10 km.", 1),
    (2, "H-3 09.30", 10, Delivery.SOCIAL, "Akun @kutimviral", [1],
     "Beredar unggahan bahwa kotak suara di Kecamatan Bengalon sudah dibuka.", 2),
    (3, "H-3 10.15", 20, Delivery.FIELD_REPORT, "Camat Kaliorang", [2],
     "Sekelompok pemuda menghadang konvoi di Desa Bukit Makmur.", 3),
    (4, "H+1 20.00", 30, Delivery.NEWS, "Tribun Kaltim", None,
     "Massa berkumpul di depan kantor KPU setelah hasil diumumkan.", 1),
]


@dataclass
class ExerciseSetting:
    course: Course
    session: Session
    exercise: Exercise
    organiser: User
    facilitator: User  # facilitator and evaluator of the exercise
    evaluator: User  # evaluator only
    participants: list[Registration]  # checked in to the session, by number
    absent: Registration  # registered, with an account, not checked in: in no team
    objectives: list[Objective]
    teams: list[Team]
    injects: list[Inject]

    def member(self, team_number: int, index: int = 0) -> Registration:
        """A member of team `team_number` (from 1), by participant number."""
        team = self.teams[team_number - 1]
        return sorted((m.registration for m in team.members), key=lambda r: r.number)[index]

    def account(self, registration: Registration) -> User:
        return db.session.get(User, registration.user_id)


def account(email: str, role: Role) -> User:
    """An account holding `role`, not yet saved, with password TEST_PASSWORD."""
    # A cheap hash: hashing at full strength would dominate the tests' time.
    user = User(email=email, name=email.split("@")[0].title(),
                password_hash=generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1"))
    user.roles = [role]
    db.session.add(user)
    return user


def staff_user(email: str, course: Course, role: Role) -> User:
    """An account holding `role` for `course`."""
    user = account(email, role)
    db.session.commit()
    course_staff.assign_course(user, course, role)
    return user


def finished_course_with_accounts(code: str, tag: str) -> tuple[Course, list[Registration], dict]:
    """`finished_course` with four participants holding accounts peserta<n>@<tag>.test,
    and its organiser, facilitator and desk (organiser@<tag>.test, …)."""
    course = finished_course(4, code=code)
    people = participants_of(course)
    accounts = [account(f"peserta{serial}@{tag}.test", Role.PARTICIPANT)
                for serial in range(1, len(people) + 1)]
    db.session.flush()
    for registration, user in zip(people, accounts, strict=True):
        registration.user_id = user.id
    db.session.commit()
    staff = {role: staff_user(f"{prefix}@{tag}.test", course, Role(role))
             for role, prefix in (("organiser", "organiser"), ("facilitator", "fasilitator"),
                                  ("desk", "desk"))}
    return course, people, staff


def simulation_course(code: str = "KSP-KUTIM-2024", participants: int = 12,
                      late: int = 1) -> tuple[Course, Session, list[Registration], Registration]:
    """A Kutai Timur course with a simulation session; `participants` participants with
    accounts are checked in to it (the last `late` of them terlambat) and one more is
    registered but absent."""
    seed_regions()
    course = make_course(code, regions=("64.08",),
                         capacity=participants + 1)
    session = add_session(course, SessionInput(
        day=course.days[3], starts_at=time(8, 0), ends_at=time(11, 0),
        title="Simulasi Penanganan Potensi Gangguan Keamanan", kind=SessionKind.SIMULATION))
    kecamatan = list(db.session.scalars(select(Kecamatan).where(
        Kecamatan.region_id == find_area("64.08").id).order_by(Kecamatan.code)))[:KECAMATAN_USED]
    institutions = {unit: institution(short_name).id for unit, short_name in UNITS.items()}
    units = list(UNITS)
    serials = range(1, participants + 2)
    accounts = [account(f"peserta{serial}@{code.lower()}.test", Role.PARTICIPANT)
                for serial in serials]
    db.session.commit()
    people = registration_services.register_many(course, [
        registration_services.check_participant(course, participant(
            serial, institutions[units[serial % len(units)]], unit=units[serial % len(units)],
            name=f"Peserta {serial}", kecamatan_id=kecamatan[serial % len(kecamatan)].id))
        for serial in serials], user_ids=[user.id for user in accounts])
    present, absent = people[:-1], people[-1]
    on_time = [r.id for r in present[:len(present) - late]]
    mark_many(session, on_time, AttendanceStatus.HADIR)
    if late:
        mark_many(session, [r.id for r in present[-late:]], AttendanceStatus.TERLAMBAT)
    db.session.commit()  # as the requests that set it up would have
    return course, session, present, absent


def exercise_setting(code: str = "KSP-KUTIM-2024", participants: int = 12,
                     teams: int = 3) -> ExerciseSetting:
    """The whole setting, in draft: confirmed teams (the proposal as it is), objectives,
    staff and the MSEL of INJECTS (which needs at least two teams)."""
    course, session, people, absent = simulation_course(code, participants)
    organiser = staff_user(f"organiser@{code.lower()}.test", course, Role.ORGANISER)
    facilitator = staff_user(f"fasilitator@{code.lower()}.test", course, Role.FACILITATOR)
    evaluator = staff_user(f"evaluator@{code.lower()}.test", course, Role.FACILITATOR)
    exercise = setup.create_exercise(
        course, title="Simulasi Penanganan Potensi Gangguan Keamanan Pilkada",
        scenario="Kampanye akbar dua pasangan calon pada hari yang sama.",
        session_id=session.id, facilitator_ids=[facilitator.id],
        evaluator_ids=[facilitator.id, evaluator.id], actor=organiser)
    objectives = [setup.add_objective(exercise, setup.ObjectiveInput(
        title=title, capability=capability, evaluation_points=points), actor=organiser)
        for title, capability, points in OBJECTIVES]
    proposal = exercise_teams.propose_teams(exercise, teams)
    team_rows = exercise_teams.confirm_teams(
        exercise, [[r.id for r in group] for group in proposal], actor=organiser)
    injects = [msel.add_inject(exercise, msel.InjectInput(
        number=number, scenario_time=scenario_time, planned_offset_minutes=offset,
        delivery=delivery, sender=sender, to_all_teams=targets is None,
        target_team_ids=[team_rows[n - 1].id for n in targets or ()], message=message,
        objective_id=objectives[objective - 1].id), actor=organiser)
        for number, scenario_time, offset, delivery, sender, targets, message, objective
        in INJECTS]
    db.session.commit()
    return ExerciseSetting(course=course, session=session, exercise=exercise,
                           organiser=organiser, facilitator=facilitator, evaluator=evaluator,
                           participants=people, absent=absent, objectives=objectives,
                           teams=team_rows, injects=injects)
