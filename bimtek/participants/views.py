"""A participant's pages that show their attendance and certificate: the organiser's page
of one participant, and the participant's own page by their personal link. On the
registration blueprint (same addresses and endpoints), here because they read attendance
and certificates."""
from __future__ import annotations

import hashlib

from flask import abort, current_app, render_template, request

from bimtek.attendance import room_codes
from bimtek.attendance.models import AttendanceStatus
from bimtek.attendance.roll import attendance_of
from bimtek.attendance.rule import jp_summary
from bimtek.attendance.scanning import CheckInResult, current_session
from bimtek.auth.access import public
from bimtek.auth.models import Role
from bimtek.certificates import services as certificate_services
from bimtek.courses.access import course_roles_required, of_course_or_404
from bimtek.courses.agenda import published_sessions
from bimtek.extensions import limiter
from bimtek.registration import bp, history, messages, services
from bimtek.registration.models import Registration
from bimtek.timeutil import utcnow, wall_clock


@bp.route("/courses/<course_code>/participants/<int:registration_id>")
@course_roles_required(Role.ORGANISER)
def participant(course, registration_id: int):
    registration = of_course_or_404(Registration, registration_id, course)
    return render_template("registration/participant.html", course=course,
                           registration=registration, history=history.of(registration),
                           link=messages.personal_link(registration),
                           whatsapp=messages.whatsapp_link(registration),
                           delivery=messages.delivery_states([registration]).get(
                               registration.id),
                           attendance=attendance_of(registration),
                           jp=jp_summary(registration),
                           statuses=AttendanceStatus)


def _by_personal_link(token: str) -> Registration:
    registration = services.find_by_personal_token(token)
    if registration is None:
        abort(404)
    return registration


def _personal_page(registration: Registration, outcome=None):
    """The participant's whole app on a phone: certificate once issued, check-in, today's
    sessions with the current one marked, the badge, attendance and JP, the agenda."""
    course = registration.course
    now = utcnow()
    sessions = published_sessions(course)
    today = wall_clock(course, now).date()
    return render_template(
        "registration/me.html", registration=registration, course=course,
        badge_svg=services.badge_qr_svg(registration), sessions=sessions,
        today=[session for session in sessions if session.day == today],
        current=current_session(course, now) if sessions else None,
        attendance=attendance_of(registration),
        jp=jp_summary(registration),
        certificate=certificate_services.issued_certificate_of(registration),
        outcome=outcome, Result=CheckInResult)


@bp.route("/me/<token>")
@public
def my_registration(token: str):
    """The participant's own page, reached by their personal link."""
    return _personal_page(_by_personal_link(token))


def _personal_link_key() -> str:
    """Rate limits count per personal link, never per address: a ballroom shares one."""
    return "me:" + hashlib.sha256(request.view_args["token"].encode()).hexdigest()[:24]


@bp.route("/me/<token>/check-in", methods=["POST"])
@limiter.limit("20 per minute", key_func=_personal_link_key)
@public
def my_check_in(token: str):
    """Self check-in from the personal page with the code on the room's screen."""
    registration = _by_personal_link(token)
    outcome = room_codes.self_check_in_by_link(
        registration, request.form.get("code", ""), secret=current_app.config["SECRET_KEY"])
    return _personal_page(registration, outcome)
