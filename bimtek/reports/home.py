"""What each role's home page shows: the day's work, one click away. The figures come from
the modules that own their rules (registered counts, check-ins, agenda warnings, JP
targets, certificates); this module only gathers them, in a bounded number of queries
whatever the number of participants."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bimtek.attendance import live
from bimtek.auth.models import Role, User
from bimtek.certificates import services as certificate_services
from bimtek.certificates import transcript
from bimtek.certificates.models import Certificate
from bimtek.courses import services as course_services
from bimtek.courses import staff as course_staff
from bimtek.courses.conflicts import agenda_warnings_for
from bimtek.courses.models import Course, CourseStatus, Session
from bimtek.exercises import access as exercise_access
from bimtek.exercises.models import Exercise, StaffRole
from bimtek.registration import services as registration_services
from bimtek.registration.models import Registration

# The home page shows the latest few; the course list pages through the rest.
HOME_COURSES = 10


@dataclass
class CourseLine:
    """One of an organiser's courses: seats, today's check-ins and what needs a look."""
    course: Course
    registered: int
    checked_in_today: int | None  # None: the course does not run today
    warnings: int
    jp_gap: object | None


def organiser_courses(user: User, now: datetime | None = None):
    """The organiser's (or admin's) latest courses with their figures, and the page of
    courses they come from (for the link to all of them)."""
    page = course_staff.visible_courses_page(user, per_page=HOME_COURSES)
    courses = [course for course in page.items
               if user.is_admin or _assigned(user, course, Role.ORGANISER)]
    registered = registration_services.registered_counts(course.id for course in courses)
    checked_in = live.checked_in_today(courses, now)
    lines = [CourseLine(
        course=course, registered=registered.get(course.id, 0),
        checked_in_today=checked_in.get(course.id),
        warnings=0 if course.status == CourseStatus.FINISHED
        else len(agenda_warnings_for(course)),
        jp_gap=course_services.jp_gap(course)) for course in courses]
    return lines, page


def _assigned(user: User, course: Course, role: Role) -> bool:
    return role in user.roles and any(
        a.course_id == course.id and a.role == role for a in user.course_assignments)


@dataclass
class DeskDay:
    """A course the desk officer checks in today, with today's sessions."""
    course: Course
    day: date
    sessions: list[Session] = field(default_factory=list)


def desk_days(user: User, now: datetime | None = None) -> list[DeskDay]:
    """The desk officer's courses that run today, each with today's sessions."""
    days = []
    for assignment in user.course_assignments:
        if assignment.role != Role.DESK or Role.DESK not in user.roles:
            continue
        course = assignment.course
        day = live.course_today(course, now)
        if day is not None:
            days.append(DeskDay(course, day, [s for s in course.sessions if s.day == day]))
    return sorted(days, key=lambda desk_day: desk_day.course.code)


@dataclass
class StaffExercise:
    exercise: Exercise
    facilitates: bool
    evaluates: bool


def staff_exercises(user: User) -> list[StaffExercise]:
    return [StaffExercise(exercise, StaffRole.FACILITATOR in roles,
                          StaffRole.EVALUATOR in roles)
            for exercise, roles in exercise_access.exercises_of_staff(user)]


@dataclass
class StaffJp:
    """An HR office's figures: staff below the yearly JP target, new certificates."""
    year: int
    target: int
    below: int
    new_count: int
    new_certificates: list[Certificate]
    courses: list[Course]  # those in which the staff hold certificates
    new_days: int = certificate_services.NEW_CERTIFICATE_DAYS


def staff_jp(user: User, now: datetime | None = None) -> StaffJp:
    year = transcript.default_year(user)
    count, newest = certificate_services.new_staff_certificates(user, now=now)
    return StaffJp(year=year, target=transcript.jp_target(),
                   below=transcript.below_target_count(user, year),
                   new_count=count, new_certificates=newest,
                   courses=certificate_services.staff_courses(user))


@dataclass
class MyCourse:
    """A participant's registration: today's sessions, when the course runs today, and
    the certificate once it can be downloaded."""
    registration: Registration
    today: list[Session]
    certificate: Certificate | None


def my_courses(user: User, now: datetime | None = None) -> list[MyCourse]:
    registrations = registration_services.registrations_of_user(user.id)
    certificates = certificate_services.issued_certificates_by_registration(
        [registration.id for registration in registrations])
    courses = []
    for registration in registrations:
        day = live.course_today(registration.course, now) if registration.is_active else None
        today = [s for s in registration.course.sessions if s.day == day] if day else []
        courses.append(MyCourse(registration, today, certificates.get(registration.id)))
    return courses
