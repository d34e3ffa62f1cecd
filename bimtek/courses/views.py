from __future__ import annotations

from flask import render_template
from flask_login import current_user

from bimtek.auth import services as auth_services
from bimtek.auth.access import course_roles_required, roles_required
from bimtek.auth.models import COURSE_ROLES, Role
from bimtek.courses import bp


@bp.route("/")
@roles_required(*COURSE_ROLES)
def index():
    return render_template("courses/index.html",
                           courses=auth_services.visible_courses(current_user))


@bp.route("/<course_code>")
@course_roles_required(Role.ORGANISER, Role.DESK, Role.FACILITATOR)
def detail(course):
    return render_template("courses/detail.html", course=course)
