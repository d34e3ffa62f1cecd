from __future__ import annotations

import uuid
from datetime import date
from io import BytesIO

import segno
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.attendance import bp, marking, room_codes
from bimtek.attendance.desk import desk_session, find_at_desk
from bimtek.attendance.devices import (
    device_state,
    devices_of,
    extend_device_token,
    issue_device_token,
    revoke_device_token,
    valid_until,
    web_desk_scanner,
)
from bimtek.attendance.live import live_counts, session_tally
from bimtek.attendance.matrix import matrix, matrix_table
from bimtek.attendance.models import AttendanceStatus, DeviceToken
from bimtek.attendance.roll import session_roll
from bimtek.attendance.scanning import (
    CheckIn,
    CheckInResult,
    check_in,
    current_session,
    is_scan_text,
    scan_time,
)
from bimtek.attendance.sign_in_sheet import sign_in_sheet_pdf
from bimtek.auth.access import roles_required
from bimtek.auth.models import Role
from bimtek.courses.access import course_roles_required, of_course_or_404
from bimtek.courses.models import Session
from bimtek.courses.staff import can_act_in_course
from bimtek.i18n import clock, long_date, zone_label
from bimtek.registration import services as registration_services
from bimtek.registration.forms import RegistrationFilterForm
from bimtek.timeutil import parse_instant, utcnow, wall_clock
from bimtek.unit_of_work import refusal_shown
from bimtek.urls import public_url

DESK_ROLES = (Role.DESK, Role.ORGANISER)


@bp.route("/courses/<course_code>/desk")
@course_roles_required(*DESK_ROLES)
def desk(course):
    now = utcnow()
    today = wall_clock(course, now).date()
    return render_template(
        "attendance/desk.html", course=course, current=current_session(course, now),
        sessions_today=[s for s in course.sessions if s.day == today],
        zone=zone_label(course.timezone))


def _desk_session(course):
    return desk_session(course, request.args.get("session_id", type=int), utcnow())


@bp.route("/courses/<course_code>/desk/count")
@course_roles_required(*DESK_ROLES)
def desk_count(course):
    """"N of M present" for the desk's session; the desk polls it."""
    session = _desk_session(course)
    return render_template("attendance/_desk_count.html", session=session,
                           tally=session_tally(session) if session else None)


@bp.route("/courses/<course_code>/desk/search")
@course_roles_required(*DESK_ROLES)
def desk_search(course):
    """Participants found by name, institution, number or the last digits of their phone
    number, NIK or NIP, with their status in the desk's session."""
    session = _desk_session(course)
    query = request.args.get("q", "")
    return render_template("attendance/_desk_search.html", course=course, session=session,
                           query=query.strip(),
                           matches=find_at_desk(course, query, session))


def _scan_time():
    """The desk page sends when each scan happened and when it left the browser's queue."""
    received_at = utcnow()
    try:
        return scan_time(parse_instant(request.form["scanned_at"]),
                         parse_instant(request.form["sent_at"]), received_at)
    except (KeyError, ValueError, OverflowError):
        return received_at  # typed without the page's script (or nonsense): it happens now


@bp.route("/courses/<course_code>/desk/scan", methods=["POST"])
@course_roles_required(*DESK_ROLES)
def scan(course):
    """Answers every scan with a fragment for the desk page, a malformed one too (as an
    unknown badge or no session): the page's queue moves on only after an answer."""
    badge, nonce = request.form.get("badge", ""), request.form.get("nonce", "")
    if not is_scan_text(badge):
        outcome = CheckIn(CheckInResult.UNKNOWN_BADGE)
    else:
        outcome = check_in(
            course, badge, nonce=nonce if is_scan_text(nonce) else str(uuid.uuid4()),
            session_id=request.form.get("session_id", type=int),
            scanner=web_desk_scanner(course, request.form.get("device", ""), current_user),
            scanned_at=_scan_time(), by=current_user, device="web")
    checked_in_at = None
    if outcome.attendance is not None:
        checked_in_at = clock(wall_clock(course, outcome.attendance.happened_at))
    return render_template("attendance/_scan_result.html", outcome=outcome, Result=CheckInResult,
                           checked_in_at=checked_in_at, zone=zone_label(course.timezone),
                           scanned=request.form.get("badge", "").strip()[:64])


def _status_from_form() -> str:
    status = request.form.get("status", "")
    if status not in {s.value for s in AttendanceStatus}:
        abort(400)  # the form offers only valid statuses
    return status


@bp.route("/courses/<course_code>/participants/<int:registration_id>/attendance",
          methods=["POST"])
@course_roles_required(*DESK_ROLES)
def mark(course, registration_id: int):
    registration = registration_services.find_registration(course, registration_id)
    if registration is None:
        abort(404)
    session = of_course_or_404(Session, request.form.get("session_id", type=int) or 0, course)
    with refusal_shown() as outcome:
        marking.mark(registration, session, _status_from_form(),
                     reason=request.form.get("reason", ""), by=current_user)
    if outcome.ok:
        flash(_("Attendance of %(name)s saved.", name=registration.full_name), "success")
    if can_act_in_course(current_user, course, [Role.ORGANISER]):
        return redirect(url_for("registration.participant", course_code=course.code,
                                registration_id=registration.id))
    return redirect(url_for("attendance.desk", course_code=course.code))


def _matrix_filters(who: RegistrationFilterForm) -> dict:
    return {"day": request.args.get("day", type=date.fromisoformat), **who.filters}


@bp.route("/courses/<course_code>/attendance")
@course_roles_required(Role.ORGANISER)
def attendance_matrix(course):
    who = RegistrationFilterForm(request.args)
    who.offer(registration_services.filter_choices(course))
    filters = _matrix_filters(who)
    return render_template("attendance/matrix.html", course=course,
                           grid=matrix(course, **filters), filters=filters, who=who)


@bp.route("/courses/<course_code>/attendance.xlsx")
@course_roles_required(Role.ORGANISER)
def attendance_matrix_xlsx(course):
    grid = matrix(course, **_matrix_filters(RegistrationFilterForm(request.args)))
    return send_file(BytesIO(matrix_table(course, grid, "xlsx")),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml"
                              ".sheet", download_name=f"kehadiran-{course.code}.xlsx",
                     as_attachment=True)


# --- self check-in ---------------------------------------------------------------------

@bp.route("/courses/<course_code>/sessions/<int:session_id>/screen")
@course_roles_required(*DESK_ROLES)
def screen(course, session_id: int):
    """The room's screen: a QR code and a short code that change every 30 seconds."""
    session = of_course_or_404(Session, session_id, course)
    code = room_codes.self_check_in_code(session, utcnow(), current_app.config["SECRET_KEY"])
    link = public_url("attendance.self_check_in", code=code)
    context = {"course": course, "session": session, "code": code,
               "qr": segno.make(link, error="m").svg_inline(scale=8, border=4)}
    if request.headers.get("HX-Request"):
        return render_template("attendance/_screen_code.html", **context)
    return render_template("attendance/screen.html", **context)


@bp.route("/check-in", methods=["GET", "POST"])
@roles_required(Role.PARTICIPANT)
def self_check_in():
    outcome = None
    if request.method == "POST":
        outcome = room_codes.self_check_in(current_user, request.form.get("code", ""),
                                           secret=current_app.config["SECRET_KEY"])
    return render_template("attendance/self_check_in.html", outcome=outcome,
                           Result=CheckInResult, code=request.args.get("code", ""))


# --- one session: marking many at once, the paper sign-in sheet -----------------------

@bp.route("/courses/<course_code>/sessions/<int:session_id>/attendance",
          methods=["GET", "POST"])
@course_roles_required(*DESK_ROLES)
def session_attendance(course, session_id: int):
    session = of_course_or_404(Session, session_id, course)
    chosen: list[int] = []
    if request.method == "POST":
        try:
            chosen = [int(value) for value in request.form.getlist("registration_id")]
        except ValueError:
            abort(400)  # the form sends only participant ids
        # A refusal shows the page again, with the choices kept.
        with refusal_shown() as outcome:
            marked = marking.mark_many(session, chosen, _status_from_form(),
                                       reason=request.form.get("reason", ""), by=current_user)
        if outcome.ok:
            flash(_("Participants marked %(status)s: %(count)d.",
                    status=marked[0].status.label, count=len(marked)), "success")
            return redirect(url_for("attendance.session_attendance", course_code=course.code,
                                    session_id=session.id))
    return render_template("attendance/session.html", course=course, session=session,
                           roll=session_roll(session), statuses=AttendanceStatus,
                           chosen=set(chosen), zone=zone_label(course.timezone))


@bp.route("/courses/<course_code>/sessions/<int:session_id>/sign-in-sheet.pdf")
@course_roles_required(*DESK_ROLES)
def sign_in_sheet(course, session_id: int):
    session = of_course_or_404(Session, session_id, course)
    return send_file(BytesIO(sign_in_sheet_pdf(session)), mimetype="application/pdf",
                     download_name=f"daftar-hadir-{course.code}-{session.day.isoformat()}"
                                   f"-{session.starts_at:%H%M}.pdf")


# --- live counts -----------------------------------------------------------------------

@bp.route("/courses/<course_code>/attendance/live")
@course_roles_required(Role.ORGANISER)
def live(course):
    """Check-ins against registrations; the page polls this same URL for the counts."""
    now = utcnow()
    counts = live_counts(course, day=request.args.get("day", type=date.fromisoformat),
                         session_id=request.args.get("session_id", type=int), now=now)
    context = {"course": course, "counts": counts, "zone": zone_label(course.timezone),
               "updated_at": clock(wall_clock(course, now))}
    if request.headers.get("HX-Request"):
        return render_template("attendance/_live_counts.html", **context)
    return render_template("attendance/live.html", **context)


# --- scanner devices -------------------------------------------------------------------

def _devices_page(course, *, token: str | None = None, issued=None):
    now = utcnow()
    return render_template(
        "attendance/devices.html", course=course, token=token, issued=issued,
        devices=[(d, device_state(d, now), valid_until(d)) for d in devices_of(course)])


@bp.route("/courses/<course_code>/devices")
@course_roles_required(Role.ORGANISER)
def devices(course):
    """The course's scanner tokens: who may use the check-in API, until when."""
    return _devices_page(course)


@bp.route("/courses/<course_code>/devices", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def issue_device(course):
    with refusal_shown() as outcome:
        device, token = issue_device_token(course, request.form.get("name", ""),
                                           by=current_user)
    if not outcome.ok:
        return redirect(url_for("attendance.devices", course_code=course.code))
    # Shown on this answer only: the token is not stored, and a reload asks for a new one.
    return _devices_page(course, token=token, issued=device)


@bp.route("/courses/<course_code>/devices/<int:device_id>/revoke", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def revoke_device(course, device_id: int):
    device = of_course_or_404(DeviceToken, device_id, course)
    revoke_device_token(device, by=current_user)
    flash(_("The token of %(name)s no longer works.", name=device.name), "success")
    return redirect(url_for("attendance.devices", course_code=course.code))


@bp.route("/courses/<course_code>/devices/<int:device_id>/extend", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def extend_device(course, device_id: int):
    device = of_course_or_404(DeviceToken, device_id, course)
    try:
        until = date.fromisoformat(request.form.get("valid_until", ""))
    except ValueError:
        until = None
    with refusal_shown() as outcome:
        extend_device_token(device, until, by=current_user)
    if outcome.ok:
        flash(_("The token of %(name)s works until %(day)s.", name=device.name,
                day=long_date(until)), "success")
    return redirect(url_for("attendance.devices", course_code=course.code))
