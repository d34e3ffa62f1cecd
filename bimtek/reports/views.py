from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from bimtek.auth.access import login_only
from bimtek.auth.models import Role, User
from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.reports import bp
from bimtek.reports import home as role_home


@bp.route("/")
@login_only
def home():
    """Each role's day, one click away: an organiser's courses with their figures, the
    desk's check-in lists of today, the exercises a facilitator runs or rates, an HR
    office's staff below the JP target and new certificates, a participant's sessions of
    today and certificate."""
    user = current_user
    totals = None
    if user.is_admin:
        totals = {
            label: db.session.scalar(select(func.count()).select_from(model))
            for label, model in (("users", User), ("institutions", Institution),
                                 ("courses", Course))
        }
    organises = user.is_admin or user.has_role(Role.ORGANISER)
    courses, course_page = role_home.organiser_courses(user) if organises else ([], None)
    return render_template(
        "reports/home.html", totals=totals, organises=organises, courses=courses,
        course_page=course_page,
        desk_days=role_home.desk_days(user) if user.has_role(Role.DESK) else None,
        exercises=role_home.staff_exercises(user) if user.has_role(Role.FACILITATOR) else None,
        staff_jp=role_home.staff_jp(user) if user.has_role(Role.HR) else None,
        my_courses=role_home.my_courses(user) if user.has_role(Role.PARTICIPANT) else None,
    )
