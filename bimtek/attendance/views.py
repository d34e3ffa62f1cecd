from __future__ import annotations

import uuid

from flask import render_template, request
from flask_login import current_user

from bimtek.attendance import bp, services
from bimtek.attendance.services import CheckInResult
from bimtek.auth.access import course_roles_required
from bimtek.auth.models import Role
from bimtek.i18n import clock, zone_label
from bimtek.timeutil import utcnow

DESK_ROLES = (Role.DESK, Role.ORGANISER)


@bp.route("/courses/<course_code>/desk")
@course_roles_required(*DESK_ROLES)
def desk(course):
    now = utcnow()
    today = services.wall_clock(course, now).date()
    return render_template(
        "attendance/desk.html", course=course, current=services.current_session(course, now),
        sessions_today=[s for s in course.sessions if s.day == today],
        zone=zone_label(course.timezone))


@bp.route("/courses/<course_code>/desk/scan", methods=["POST"])
@course_roles_required(*DESK_ROLES)
def scan(course):
    session_id = request.form.get("session_id", type=int)
    outcome = services.check_in(
        course, request.form.get("badge", ""),
        nonce=request.form.get("nonce") or str(uuid.uuid4()), session_id=session_id,
        by=current_user, device="web")
    checked_in_at = None
    if outcome.attendance is not None:
        checked_in_at = clock(services.wall_clock(course, outcome.attendance.happened_at))
    return render_template("attendance/_scan_result.html", outcome=outcome, Result=CheckInResult,
                           checked_in_at=checked_in_at, zone=zone_label(course.timezone))
