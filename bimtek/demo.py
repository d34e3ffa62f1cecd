"""Demo data: the reference course of DOMAIN.md and one account per role.

The demo accounts are for trying the app only; the README says so.
"""
from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from bimtek.auth import services as auth_services
from bimtek.auth.models import Role, User
from bimtek.courses.models import Course, CourseStatus
from bimtek.extensions import db
from bimtek.speakers import services as institution_services

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
        status=CourseStatus.PUBLISHED,
    )
    db.session.add(course)
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
    course = _reference_course()
    for email, name, role, institutions in DEMO_ACCOUNTS:
        user = _demo_account(email, name, role, institutions, password)
        if role in (Role.ORGANISER, Role.DESK, Role.FACILITATOR):
            auth_services.assign_course(user, course, role)
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
    """Add the reference institutions of DOMAIN.md that are missing."""
    added = institution_services.seed_reference_institutions()
    click.echo(f"{added} institution(s) added.")
