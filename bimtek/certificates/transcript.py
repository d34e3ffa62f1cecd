"""Each employee's JP per year against the yearly target, for HR offices.

An employee is a person registered in any course from the HR office's institutions, known
by their NIP or, without one, their NIK. A year's JP are those of the valid, issued
certificates of courses ending in that year (the certificate's date is the course's last
day), each counted with the JP the certificate states."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from bimtek.auth.models import User
from bimtek.certificates import services
from bimtek.certificates.models import DEFAULT_TRAINING_KIND, Certificate
from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationStatus
from bimtek.spreadsheet_writing import SheetToWrite, write_workbook
from bimtek.timeutil import utcnow

EMPLOYEES_PER_PAGE = 100


def jp_target() -> int:
    return current_app.config["JP_TARGET"]


def employee_key(registration: Registration) -> str:
    """The same person across courses: their NIP, or their NIK when they have none."""
    return registration.nip or registration.nik


@dataclass
class EmployeeYear:
    """One employee's certificates and JP in one year."""

    key: str
    registration: Registration  # their latest: name, NIP, institution and unit as now
    target: int
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(certificate.jp for certificate in self.certificates)

    @property
    def met(self) -> bool:
        return self.total >= self.target

    @property
    def missing(self) -> int:
        return max(0, self.target - self.total)


@dataclass
class Filters:
    """What an HR office narrows the transcript to; None or "" means everything."""

    year: int
    institution_id: int | None = None
    unit: str = ""
    search: str = ""
    below_only: bool = False


def _in_scope(query, user: User):
    if user.is_admin:
        return query
    return query.where(Registration.institution_id.in_(
        [institution.id for institution in user.institutions]))


def certificate_years(user: User) -> list[int]:
    """The years in which the HR user's staff hold issued certificates, newest first."""
    ends = db.session.scalars(_in_scope(services.issued(
        select(Course.ends_on).select_from(Certificate).join(Certificate.registration)
        .join(Certificate.course)), user).distinct())
    return sorted({day.year for day in ends}, reverse=True)


def default_year(user: User) -> int:
    """This year once anybody has a certificate in it, else the latest year with any."""
    this_year = utcnow().year
    years = certificate_years(user)
    return this_year if not years or this_year in years else years[0]


def units(user: User, institution_id: int | None = None) -> list[str]:
    query = _in_scope(select(Registration.unit).where(Registration.unit != ""), user)
    if institution_id:
        query = query.where(Registration.institution_id == institution_id)
    return sorted(set(db.session.scalars(query.distinct())), key=str.casefold)


def matches_search(registration: Registration, search: str) -> bool:
    """Digits (spaces allowed, as a NIP is written) look in the NIP; anything else in
    the name."""
    search = search.strip().casefold()
    digits = search.replace(" ", "")
    if digits.isdigit():
        return digits in (registration.nip or "")
    return search in registration.full_name.casefold()


def _matches(employee: EmployeeYear, filters: Filters) -> bool:
    registration = employee.registration
    return ((not filters.institution_id
             or registration.institution_id == filters.institution_id)
            and (not filters.unit or registration.unit == filters.unit)
            and matches_search(registration, filters.search)
            and (not filters.below_only or not employee.met))


def transcript(user: User, filters: Filters) -> list[EmployeeYear]:
    """Every employee of the HR user's institutions with their certificates of the year,
    by name; in two queries whatever the number of employees."""
    registrations = db.session.scalars(_in_scope(
        select(Registration).join(Registration.course)
        .where(Registration.status == RegistrationStatus.REGISTERED), user)
        .order_by(Course.starts_on, Registration.id))
    target = jp_target()
    employees: dict[str, EmployeeYear] = {}
    for registration in registrations:  # the latest registration wins
        employees[employee_key(registration)] = EmployeeYear(
            employee_key(registration), registration, target)
    certificates = db.session.scalars(_in_scope(services.issued(
        select(Certificate).join(Certificate.registration).join(Certificate.course)
        .options(contains_eager(Certificate.registration), contains_eager(Certificate.course)
                 .joinedload(Course.host_institution))), user)
        .where(Course.ends_on.between(date(filters.year, 1, 1), date(filters.year, 12, 31)))
        .order_by(Course.starts_on, Course.code))
    for certificate in certificates:
        key = employee_key(certificate.registration)
        employees.setdefault(key, EmployeeYear(key, certificate.registration, target)
                             ).certificates.append(certificate)
    rows = [employee for employee in employees.values() if _matches(employee, filters)]
    return sorted(rows, key=lambda e: (e.registration.name.casefold(), e.key))


def below_target_count(user: User, year: int) -> int:
    return sum(not employee.met for employee in transcript(user, Filters(year=year)))


class _ListPagination(Pagination):
    """A page of a list already in memory, for the shared pagination macro."""

    def __init__(self, items: list, page: int, per_page: int):
        self._all = items
        super().__init__(page=page, per_page=per_page, error_out=False)

    def _query_items(self) -> list:
        return self._all[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._all)


def page_of(employees: list[EmployeeYear], page: int) -> Pagination:
    return _ListPagination(employees, page, EMPLOYEES_PER_PAGE)


EMPLOYEE_HEADERS = ("NIP", "NIK", "Nama", "Instansi", "Unit", "Tahun", "Jumlah JP",
                    "Target JP", "Memenuhi")
CERTIFICATE_HEADERS = ("NIP", "NIK", "Nama", "Instansi", "Jenis", "Nama Kursus",
                       "Institusi Penyelenggara", "Nomor Sertifikat", "Tanggal Mulai",
                       "Tanggal Selesai", "Jumlah Jam", "Tahun")


def workbook(employees: list[EmployeeYear], year: int) -> bytes:
    """One row per employee with the year's total and whether it meets the target, and
    a second sheet with one row per certificate."""
    kinds = services.training_kinds(
        {c.course_id for employee in employees for c in employee.certificates})
    people = []
    lines = []
    for employee in employees:
        holder = employee.registration
        person = (holder.nip or "", "" if holder.nip else holder.nik, holder.full_name,
                  holder.institution.name)
        people.append((*person, holder.unit, year, employee.total, employee.target,
                       "Ya" if employee.met else "Tidak"))
        lines += [(*person, kinds.get(c.course_id, DEFAULT_TRAINING_KIND), c.course.title,
                   services.issuer_name(c.course), c.number, c.course.starts_on,
                   c.course.ends_on, c.jp, year) for c in employee.certificates]
    return write_workbook([
        SheetToWrite(f"JP {year}", EMPLOYEE_HEADERS, people, text_columns=(0, 1)),
        SheetToWrite("Sertifikat", CERTIFICATE_HEADERS, lines, text_columns=(0, 1, 7))])

