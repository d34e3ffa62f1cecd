"""The one place that decides who may use a view.

Each view declares the roles it allows with a single decorator; the decorator records
them on the view (`allowed_roles`) so tests can enumerate every endpoint's rule.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import select

from bimtek.attendance.devices import device_for_token
from bimtek.auth import services
from bimtek.auth.models import Role
from bimtek.courses.models import Course
from bimtek.extensions import db


def _declare(view, wrapper, roles, scope):
    wrapper.allowed_roles = tuple(roles)
    wrapper.access_scope = scope
    return wraps(view)(wrapper)


def roles_required(*roles: Role):
    """Logged in and holding one of `roles` (admins always pass)."""

    def decorator(view):
        @login_required
        def wrapper(*args, **kwargs):
            if not (current_user.is_admin or current_user.has_role(*roles)):
                abort(403)
            return view(*args, **kwargs)

        return _declare(view, wrapper, roles, "global")

    return decorator


def login_only(view):
    """Any logged-in account, whatever its role."""
    return _declare(view, login_required(view), tuple(Role), "own")


def public(view):
    """No login: the page is meant for everyone (login page, certificate check)."""
    return _declare(view, view, (), "public")


def device_token_required(view):
    """A scanner device's bearer token, issued per course and revocable. The view
    receives `device`; a missing, unknown or revoked token is answered 401 in JSON."""

    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        device = device_for_token(token.strip()) \
            if scheme.lower() == "bearer" and token.strip() else None
        if device is None:
            return jsonify(error="unauthorized",
                           message="A valid device token is required."), 401, {
                               "WWW-Authenticate": 'Bearer realm="bimtek"'}
        return view(*args, device=device, **kwargs)

    return _declare(view, wrapper, (), "device")


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

        return _declare(view, wrapper, roles, "course")

    return decorator


def course_roles_required(*roles: Role):
    """Holding one of `roles` for this very course (admins always pass)."""
    return course_permission(
        lambda user, course: services.can_act_in_course(user, course, roles), *roles)


def of_course_or_404(model, object_id: int, course: Course):
    """The `model` row `object_id` when it belongs to `course`; 404 otherwise, so that
    another course's ids in a URL or a form reveal nothing."""
    found = db.session.get(model, object_id)
    if found is None or found.course_id != course.id:
        abort(404)
    return found
