"""The whole demo, added where missing, and the seed-demo and seed-reference commands."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from bimtek.auth.models import COURSE_ROLES, Role, User
from bimtek.courses import staff as course_staff
from bimtek.courses.models import Course
from bimtek.demo import attendance, exercise, people
from bimtek.demo import courses as demo_courses
from bimtek.demo.data.courses import DEMO_ACCOUNTS
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.regions import services as region_services


def seed(password: str) -> Course:
    """Idempotent: adds what is missing and leaves what exists alone."""
    institution_services.seed_reference_institutions()
    region_services.load_regions()
    course = demo_courses.reference_course()
    demo_courses.reference_agenda(course)
    courses = [course, demo_courses.live_course(course)]
    users = {}
    for email, name, role, institutions in DEMO_ACCOUNTS:
        user = users[role] = demo_courses.account(email, name, role, institutions, password)
        if role in COURSE_ROLES:
            for each in courses:
                course_staff.assign_course(user, each, role)
    people.add_participants(courses, users[Role.PARTICIPANT])
    attendance.week_of_attendance(course, users[Role.ORGANISER])
    demo_courses.signatory(courses)
    exercise.seed_exercise(course)
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
