from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from bimtek.auth.access import login_only
from bimtek.auth.models import Role, User
from bimtek.certificates import services as certificate_services
from bimtek.certificates import transcript
from bimtek.courses import staff as course_staff
from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.institutions.models import Institution
from bimtek.registration import services as registration_services
from bimtek.reports import bp

# The home page shows the latest few; the course list pages through the rest.
HOME_COURSES = 10


def _staff_jp() -> dict:
    """How many of the HR office's staff are below the yearly JP target."""
    year = transcript.default_year(current_user)
    return {"year": year, "target": transcript.jp_target(),
            "below": transcript.below_target_count(current_user, year)}


@bp.route("/")
@login_only
def home():
    totals = None
    if current_user.is_admin:
        totals = {
            label: db.session.scalar(select(func.count()).select_from(model))
            for label, model in (("users", User), ("institutions", Institution),
                                 ("courses", Course))
        }
    registrations = registration_services.registrations_of_user(current_user.id)
    return render_template(
        "reports/home.html",
        courses=course_staff.visible_courses_page(current_user, per_page=HOME_COURSES),
        registrations=registrations,
        certificates=certificate_services.issued_certificates_by_registration(
            [registration.id for registration in registrations]),
        staff_courses=certificate_services.staff_courses(current_user)
        if current_user.has_role(Role.HR) else [],
        staff_jp=_staff_jp() if current_user.has_role(Role.HR) else None,
        totals=totals,
    )

