"""The one place that decides who may use a view.

Each view declares the roles it allows with a single decorator; the decorator records
them on the view (`allowed_roles`) so tests can enumerate every endpoint's rule. The
course-scoped decorators are in `bimtek.courses.access`, the scanner devices' in
`bimtek.attendance.api`.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from bimtek.auth.models import Role


def declare(view, wrapper, roles, scope):
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

        return declare(view, wrapper, roles, "global")

    return decorator


def login_only(view):
    """Any logged-in account, whatever its role."""
    return declare(view, login_required(view), tuple(Role), "own")


def public(view):
    """No login: the page is meant for everyone (login page, certificate check)."""
    return declare(view, view, (), "public")
