"""Who may use a course's views: the roles a user holds for this very course."""
from __future__ import annotations

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.auth.access import declare
from bimtek.auth.models import Role
from bimtek.courses.models import Course
from bimtek.courses.staff import can_act_in_course
from bimtek.extensions import db


def course_permission(allowed, *roles: Role):
    """Loads the course named by `course_code` and asks `allowed(user, course)`; the view
    receives `course` instead of the code. `roles` documents who may pass."""

    def decorator(view):
        @login_required
        def wrapper(*args, course_code: str, **kwargs):
            course = db.session.scalar(select(Course).where(Course.code == course_code))
            if course is None:
                abort(404)
            if not allowed(current_user, course):
                abort(403)
            return view(*args, course=course, **kwargs)

        return declare(view, wrapper, roles, "course")

    return decorator


def course_roles_required(*roles: Role):
    """Holding one of `roles` for this very course (admins always pass)."""
    return course_permission(
        lambda user, course: can_act_in_course(user, course, roles), *roles)


def of_course_or_404(model, object_id: int, course: Course):
    """The `model` row `object_id` when it belongs to `course`; 404 otherwise, so that
    another course's ids in a URL or a form reveal nothing."""
    found = db.session.get(model, object_id)
    if found is None or found.course_id != course.id:
        abort(404)
    return found
