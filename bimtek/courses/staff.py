"""A course's staff: the accounts given a course role (organiser, desk, facilitator) for
it, and the courses each account may see."""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bimtek.auth.models import COURSE_ROLES, Role, User
from bimtek.courses.models import Course
from bimtek.enums import enum_column_type
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.unit_of_work import flush_changes


class CourseAssignment(db.Model):
    """Grants a course role (organiser, desk, facilitator) for one course."""

    __tablename__ = "course_assignment"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column_type(Role), primary_key=True)

    course: Mapped[Course] = relationship(lazy="joined")
    user: Mapped[User] = relationship(back_populates="course_assignments")


def assign_course(user: User, course: Course, role: Role) -> CourseAssignment:
    role = Role(role)
    if role not in COURSE_ROLES:
        raise ValidationError(_("This role is not given per course."), field="role")
    if role not in user.roles:
        raise ValidationError(
            _("Give the account the role %(role)s first.", role=role.label), field="role"
        )
    for assignment in user.course_assignments:
        if assignment.course_id == course.id and assignment.role == role:
            return assignment
    assignment = CourseAssignment(course=course, role=role)
    user.course_assignments.append(assignment)
    flush_changes()
    return assignment


def unassign_course(user: User, course: Course, role: Role) -> None:
    user.course_assignments = [
        a for a in user.course_assignments if not (a.course_id == course.id and a.role == role)
    ]
    flush_changes()


def can_act_in_course(user: User, course: Course, roles: Iterable[Role]) -> bool:
    """Admins everywhere; others only with a matching assignment to this course."""
    if user.is_admin:
        return True
    roles = set(roles) & user.roles
    return any(a.course_id == course.id and a.role in roles for a in user.course_assignments)


COURSES_PER_PAGE = 30


def _visible_courses_query(user: User):
    query = select(Course).order_by(Course.starts_on.desc(), Course.code)
    if not user.is_admin:
        assigned = {a.course_id for a in user.course_assignments if a.role in user.roles}
        query = query.where(Course.id.in_(assigned))
    return query


def visible_courses(user: User) -> list[Course]:
    return list(db.session.scalars(_visible_courses_query(user)))


def visible_courses_page(user: User, page: int = 1, per_page: int | None = None):
    """One page of the user's courses, newest first: an admin sees years of them."""
    return db.paginate(_visible_courses_query(user), page=page,
                       per_page=per_page or COURSES_PER_PAGE, error_out=False)
