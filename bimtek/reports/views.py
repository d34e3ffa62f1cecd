from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from bimtek.auth import services as auth_services
from bimtek.auth.access import login_only
from bimtek.auth.models import User
from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.registration import services as registration_services
from bimtek.reports import bp
from bimtek.speakers.models import Institution


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
    return render_template(
        "reports/home.html",
        courses=auth_services.visible_courses(current_user),
        registrations=registration_services.registrations_of_user(current_user.id),
        totals=totals,
    )

