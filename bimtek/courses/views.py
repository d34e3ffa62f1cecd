from __future__ import annotations

from datetime import date, time
from functools import partial
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from bimtek import audit
from bimtek.auth.access import roles_required
from bimtek.auth.models import COURSE_ROLES, Role
from bimtek.courses import agenda as agenda_services
from bimtek.courses import agenda_import, bp, exports, services, timetable
from bimtek.courses import staff as course_staff
from bimtek.courses.access import course_permission, course_roles_required, of_course_or_404
from bimtek.courses.conflicts import agenda_warnings_for
from bimtek.courses.forms import (
    ConfirmImportForm,
    CopyAgendaForm,
    CourseForm,
    DuplicateDayForm,
    EditRoomForm,
    ImportAgendaForm,
    MoveSessionForm,
    ResizeSessionForm,
    RoomForm,
    SessionForm,
)
from bimtek.courses.models import Course, CourseStatus, Room, Session
from bimtek.extensions import db
from bimtek.i18n import long_date, zone_label
from bimtek.import_flow import confirmed_upload, previewed_upload
from bimtek.institutions import services as institution_services
from bimtek.regions import services as region_services
from bimtek.speakers import services as speaker_services
from bimtek.speakers.models import SpeakerRole
from bimtek.spreadsheets import UploadStash
from bimtek.unit_of_work import refusal_shown

# --- courses ---------------------------------------------------------------------------

@bp.route("/")
@roles_required(*COURSE_ROLES)
def index():
    return render_template("courses/index.html", page=course_staff.visible_courses_page(
        current_user, request.args.get("page", 1, type=int)))


def _course_form(course: Course | None) -> CourseForm:
    form = CourseForm(obj=course)
    if not form.is_submitted():
        form.regions.data = [area.area.code for area in course.areas] if course else []
    # The boxes to show ticked: what the form was given, when those codes exist.
    form.regions.choices = [
        SelectChoice(area.code, area.full_name)
        for area in map(region_services.find_area, dict.fromkeys(form.regions.data or []))
        if area is not None]
    institutions = institution_services.list_institutions()
    form.host_institution_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(i.id, i.short_name) for i in institutions
        if services.may_name_as_host(current_user, i)
        or course is not None and course.host_institution_id == i.id]
    form.facilitator_institution_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(i.id, i.short_name) for i in institutions]
    return form


def _save_course(form: CourseForm, course: Course | None) -> Course | None:
    """Create (course=None, by the current user) or update a course from the form."""
    fields = {name: getattr(form, name).data for name in (
        "code", "title", "programme", "batch", "host_institution_id",
        "facilitator_institution_id", "venue", "city", "starts_on", "ends_on", "timezone",
        "capacity", "min_attendance_percent", "declared_jp", "signatory_position",
        "signatory_name", "signatory_nip", "regions")}
    for name in ("programme", "venue", "city", "signatory_position", "signatory_name",
                 "signatory_nip"):
        fields[name] = fields[name] or ""
    with refusal_shown(form):
        if course is None:
            return services.create_course(current_user, **fields)
        return services.save_course(course, by=current_user, **fields)
    return None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def new():
    form = _course_form(None)
    if form.validate_on_submit():
        course = _save_course(form, None)
        if course is not None:
            flash(_("Course %(code)s created.", code=course.code), "success")
            return redirect(url_for("courses.builder", course_code=course.code))
    return render_template("courses/form.html", form=form, course=None)


@bp.route("/<course_code>/edit", methods=["GET", "POST"])
@course_roles_required(Role.ORGANISER)
def edit(course):
    form = _course_form(course)
    if form.validate_on_submit() and _save_course(form, course) is not None:
        flash(_("Course %(code)s saved.", code=course.code), "success")
        return redirect(url_for("courses.detail", course_code=course.code))
    return render_template("courses/form.html", form=form, course=course)


@bp.route("/<course_code>")
@course_roles_required(*COURSE_ROLES)
def detail(course):
    return render_template(
        "courses/detail.html", course=course, room_form=RoomForm(),
        room_forms=room_forms(course),
        can_edit=agenda_services.can_edit_agenda(current_user, course),
        warnings=agenda_warnings_for(course) if course.status == CourseStatus.DRAFT else [],
        jp_gap=services.jp_gap(course), status_history=services.status_history(course),
        finishing_early=services.finishing_early(course),
    )


@bp.route("/<course_code>/exports")
@course_roles_required(Role.ORGANISER)
def exports_log(course):
    """Who took files with NIK, NIP or phone numbers out of this course, and when."""
    return render_template("courses/exports_log.html", course=course,
                           log=audit.export_log(course))


@bp.route("/<course_code>/status", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def advance_status(course):
    with refusal_shown(category="warning") as outcome:
        status = services.advance_status(course, bool(request.form.get("accept_warnings")),
                                         reason=request.form.get("reason", ""),
                                         by=current_user)
    if outcome.ok:
        flash(_("%(code)s is now %(status)s.", code=course.code, status=status.label),
              "success")
    return redirect(url_for("courses.detail", course_code=course.code))


@bp.route("/<course_code>/reopen", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def reopen(course):
    with refusal_shown(category="warning") as outcome:
        services.reopen_course(course, reason=request.form.get("reason", ""), by=current_user)
    if outcome.ok:
        flash(_("%(code)s is open again: check-ins and corrections are possible; issued "
                "certificates stay valid.", code=course.code), "success")
    return redirect(url_for("courses.detail", course_code=course.code))


@bp.route("/<course_code>/rooms", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def add_room(course):
    form = RoomForm()
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            room = agenda_services.save_room(course, None, name=form.name.data,
                                             capacity=form.capacity.data,
                                             is_plenary=form.is_plenary.data)
        if outcome.ok:
            flash(_("%(name)s was added to the rooms.", name=room.name), "success")
    else:
        flash(_("The room needs a name."), "danger")
    return redirect(url_for("courses.detail", course_code=course.code))


def room_forms(course: Course) -> dict[int, EditRoomForm]:
    """One edit form per room, each with its own prefix, filled from the room."""
    return {room.id: EditRoomForm(formdata=None, obj=room, prefix=f"room{room.id}")
            for room in course.rooms}


@bp.route("/<course_code>/rooms/<int:room_id>", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def update_room(course, room_id: int):
    room = of_course_or_404(Room, room_id, course)
    form = EditRoomForm(prefix=f"room{room.id}")
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            agenda_services.save_room(course, room, name=form.name.data,
                                      capacity=form.capacity.data,
                                      is_plenary=form.is_plenary.data)
        if outcome.ok:
            flash(_("Room saved: %(name)s.", name=room.name), "success")
    else:
        for field in form:
            for message in field.errors:
                flash(f"{field.label.text}: {message}", "danger")
    return redirect(url_for("courses.detail", course_code=course.code, _anchor="rooms"))


@bp.route("/<course_code>/rooms/<int:room_id>/delete", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def delete_room(course, room_id: int):
    room = of_course_or_404(Room, room_id, course)
    name = room.name
    with refusal_shown() as outcome:
        agenda_services.delete_room(room)
    if outcome.ok:
        flash(_("%(name)s was removed from the rooms.", name=name), "success")
    return redirect(url_for("courses.detail", course_code=course.code, _anchor="rooms"))


# --- agenda builder --------------------------------------------------------------------

def _day_choices(course: Course) -> list[SelectChoice]:
    return [SelectChoice(day.isoformat(), long_date(day)) for day in course.days]


def _room_choices(course: Course) -> list[SelectChoice]:
    return [SelectChoice(None, "—")] + [SelectChoice(room.id, room.name)
                                        for room in course.rooms]


def _session_form(course: Course, session: Session | None = None, day: date | None = None,
                  room: Room | None = None, starts_at: time | None = None) -> SessionForm:
    form = SessionForm(obj=session, prefix=f"s{session.id}" if session else "new")
    form.day.choices = _day_choices(course)
    form.room_id.choices = _room_choices(course)
    directory = speaker_services.all_speakers()
    speakers = [SelectChoice(s.id, s.full_name) for s in directory]
    form.speakers.choices = form.facilitators.choices = speakers
    form.moderator.choices = [SelectChoice(None, "—"), *speakers]
    by_id = {speaker.id: speaker for speaker in directory}
    # The speakers a list holds, for its ticked boxes (templates/courses/_speaker_picker.html).
    form.chosen = lambda field: [by_id[i] for i in field.data or [] if i in by_id]
    if not form.is_submitted():
        if session is not None:
            form.day.data = session.day.isoformat()
            links = session.speaker_links
            form.speakers.data = [link.speaker_id for link in links
                                  if link.role == SpeakerRole.NARASUMBER]
            form.facilitators.data = [link.speaker_id for link in links
                                      if link.role == SpeakerRole.FASILITATOR]
            form.moderator.data = next((link.speaker_id for link in links
                                        if link.role == SpeakerRole.MODERATOR), None)
        elif day is not None:
            form.day.data = day.isoformat()
            form.room_id.data = room.id if room else None
            if starts_at is not None:
                form.starts_at.data = starts_at
                form.ends_at.data = timetable.default_end(starts_at)
    return form


def _session_input(form: SessionForm) -> agenda_services.SessionInput:
    speakers = [(speaker_id, SpeakerRole.NARASUMBER) for speaker_id in form.speakers.data]
    if form.moderator.data:
        speakers.append((form.moderator.data, SpeakerRole.MODERATOR))
    speakers += [(speaker_id, SpeakerRole.FASILITATOR) for speaker_id in form.facilitators.data]
    return agenda_services.SessionInput(
        day=date.fromisoformat(form.day.data), starts_at=form.starts_at.data,
        ends_at=form.ends_at.data, title=form.title.data, kind=form.kind.data,
        room_id=form.room_id.data, jp=form.jp.data, description=form.description.data or "",
        speakers=speakers)


def _warned(warnings) -> dict:
    """Each session's warnings, by its id."""
    warned: dict[int, list] = {}
    for warning in warnings:
        for session_id in warning.session_ids:
            warned.setdefault(session_id, []).append(warning)
    return warned


OUTSIDE = "outside"


def _chosen_day(course: Course, text: str | None) -> date | None:
    """The builder's day: one of the course's, or None for the sessions outside them."""
    if text == OUTSIDE:
        return None
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return course.starts_on
    return day if course.starts_on <= day <= course.ends_on else course.starts_on


def _builder_context(course: Course, day: date | None) -> dict:
    """One day of the builder: its timetable and its list, with the whole agenda's
    warnings once and each session's warnings beside it."""
    warnings = agenda_warnings_for(course)
    outside = [s for s in course.sessions if not course.starts_on <= s.day <= course.ends_on]
    if day is None and not outside:
        day = course.starts_on
    sessions = outside if day is None else [s for s in course.sessions if s.day == day]
    return {"course": course, "warnings": warnings, "warned": _warned(warnings),
            "zone": zone_label(course.timezone), "day": day, "sessions": sessions,
            "outside": outside,
            "grid": None if day is None else timetable.day_grid(course.rooms, sessions),
            "per_day": {each: sum(1 for s in course.sessions if s.day == each)
                        for each in course.days}}


def _day_of_page() -> str | None:
    """The day the builder page that sent this htmx request shows."""
    query = parse_qs(urlsplit(request.headers.get("HX-Current-URL", "")).query)
    return (query.get("day") or [None])[0]


def _agenda_response(course: Course, error: str | None = None, day: date | None = None):
    """htmx swaps the refreshed builder in place, on the day just changed; without
    JavaScript, back to the page."""
    chosen = day.isoformat() if day else _day_of_page()
    if request.headers.get("HX-Request"):
        return render_template("courses/_builder_agenda.html", error=error,
                               **_builder_context(course, _chosen_day(course, chosen)))
    if error:
        flash(error, "danger")
    return redirect(url_for("courses.builder", course_code=course.code, day=chosen))


def _from_grid() -> bool:
    """A drag or a key in the timetable: no form of its own to show errors in."""
    return request.args.get("from") == "grid"


def _form_error_response(course: Course, form, template: str, *, form_id: str, **context):
    """The form again with its errors: in place under htmx, as messages without it."""
    if request.headers.get("HX-Request"):
        response = render_template(template, course=course, form=form, **context)
        return response, 200, {"HX-Retarget": f"#{form_id}", "HX-Reswap": "outerHTML"}
    for message in form.form_errors:
        flash(message, "danger")
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "danger")
    return redirect(url_for("courses.builder", course_code=course.code))


@bp.route("/<course_code>/agenda/builder")
@course_roles_required(Role.ORGANISER)
def builder(course):
    return render_template(
        "courses/builder.html", duplicate_form=_duplicate_form(course),
        copy_form=_copy_form(course),
        **_builder_context(course, _chosen_day(course, request.args.get("day"))))


@bp.route("/<course_code>/sessions/new")
@course_roles_required(Role.ORGANISER)
def new_session(course):
    """The form for a new session, filled with the day, and the room and start time of the
    timetable's slot it was asked from."""
    day = _chosen_day(course, request.args.get("day"))
    room = next((room for room in course.rooms
                 if room.id == request.args.get("room", type=int)), None)
    starts_at = request.args.get("start", type=time.fromisoformat)
    return render_template("courses/_session_form.html", course=course, session=None,
                           form=_session_form(course, day=day or course.starts_on, room=room,
                                              starts_at=starts_at))


@bp.route("/<course_code>/sessions", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def add_session(course):
    form = _session_form(course)
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            added = agenda_services.add_session(course, _session_input(form))
        if outcome.ok:
            return _agenda_response(course, day=added.day)
    return _form_error_response(course, form, "courses/_session_form.html", session=None,
                                form_id="session-form-new")


@bp.route("/<course_code>/sessions/<int:session_id>/edit")
@course_roles_required(Role.ORGANISER)
def edit_session(course, session_id: int):
    session = of_course_or_404(Session, session_id, course)
    return render_template("courses/_session_form.html", course=course, session=session,
                           form=_session_form(course, session))


@bp.route("/<course_code>/sessions/<int:session_id>", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def update_session(course, session_id: int):
    session = of_course_or_404(Session, session_id, course)
    form = _session_form(course, session)
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            agenda_services.update_session(session, _session_input(form))
        if outcome.ok:
            return _agenda_response(course, day=session.day)
    return _form_error_response(course, form, "courses/_session_form.html", session=session,
                                form_id=f"session-form-{session.id}")


def _move_form(course: Course, session: Session) -> MoveSessionForm:
    form = MoveSessionForm(prefix=f"m{session.id}")
    form.day.choices = _day_choices(course)
    form.room_id.choices = _room_choices(course)
    if not form.is_submitted():
        form.day.data, form.starts_at.data = session.day.isoformat(), session.starts_at
        form.room_id.data = session.room_id
    return form


@bp.route("/<course_code>/sessions/<int:session_id>/move", methods=["GET", "POST"])
@course_roles_required(Role.ORGANISER)
def move_session(course, session_id: int):
    session = of_course_or_404(Session, session_id, course)
    form = _move_form(course, session)
    if request.method == "GET":
        return render_template("courses/_move_form.html", course=course, session=session,
                               form=form)
    if form.validate_on_submit():
        # A move that names no room (an older form) keeps the session's.
        room_id = form.room_id.data if form.room_id.raw_data else agenda_services.UNCHANGED
        with refusal_shown(form) as outcome:
            agenda_services.move_session(session, date.fromisoformat(form.day.data),
                                         form.starts_at.data, room_id)
        if outcome.ok:
            return _agenda_response(course, day=session.day)
    if _from_grid():
        return _agenda_response(course, error=_first_error(form), day=session.day)
    return _form_error_response(course, form, "courses/_move_form.html", session=session,
                                form_id=f"move-form-{session.id}")


def _first_error(form) -> str:
    for message in form.form_errors:
        return message
    for field in form:
        for message in field.errors:
            return f"{field.label.text}: {message}"
    return _("The change was not saved.")


@bp.route("/<course_code>/sessions/<int:session_id>/resize", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def resize_session(course, session_id: int):
    """A new end for the session, from the timetable (its lower edge, or Shift+arrows)."""
    session = of_course_or_404(Session, session_id, course)
    form = ResizeSessionForm(prefix=f"r{session.id}")
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            agenda_services.resize_session(session, form.ends_at.data)
        if outcome.ok:
            return _agenda_response(course, day=session.day)
    return _agenda_response(course, error=_first_error(form), day=session.day)


@bp.route("/<course_code>/sessions/<int:session_id>/delete", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def delete_session(course, session_id: int):
    session = of_course_or_404(Session, session_id, course)
    day = session.day
    with refusal_shown(category=None) as outcome:
        agenda_services.delete_session(session)
    return _agenda_response(course, error=outcome.refusal and outcome.refusal.message, day=day)


def _duplicate_form(course: Course) -> DuplicateDayForm:
    form = DuplicateDayForm(prefix="dup")
    form.source.choices = form.target.choices = _day_choices(course)
    return form


@bp.route("/<course_code>/agenda/duplicate-day", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def duplicate_day(course):
    form = _duplicate_form(course)
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            copies = agenda_services.duplicate_day(course, date.fromisoformat(form.source.data),
                                                   date.fromisoformat(form.target.data))
        if outcome.ok:
            flash(_("%(count)d sessions copied.", count=len(copies)), "success")
    return redirect(url_for("courses.builder", course_code=course.code))


def _copy_form(course: Course) -> CopyAgendaForm:
    form = CopyAgendaForm(prefix="copy")
    form.source_id.choices = [SelectChoice(c.id, f"{c.code} — {c.title}")
                              for c in agenda_services.copy_sources(current_user, course)]
    return form


@bp.route("/<course_code>/agenda/copy", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def copy_agenda(course):
    form = _copy_form(course)
    if form.validate_on_submit():
        source = db.session.get(Course, form.source_id.data)
        if source is None or not agenda_services.can_read_agenda(current_user, source):
            abort(404)
        with refusal_shown() as outcome:
            copies = agenda_services.copy_agenda(source, course)
        if outcome.ok:
            flash(_("%(count)d sessions copied from %(code)s.", count=len(copies),
                    code=source.code), "success")
    return redirect(url_for("courses.builder", course_code=course.code))


# --- reading the agenda ----------------------------------------------------------------

AGENDA_READERS = (*COURSE_ROLES, Role.PARTICIPANT)


@bp.route("/<course_code>/agenda")
@course_permission(agenda_services.can_read_agenda, *AGENDA_READERS)
def agenda(course):
    return render_template("courses/agenda.html", course=course,
                           zone=zone_label(course.timezone))


@bp.route("/<course_code>/agenda.pdf")
@course_permission(agenda_services.can_read_agenda, *AGENDA_READERS)
def agenda_pdf(course):
    return send_file(BytesIO(exports.agenda_pdf(course)), mimetype="application/pdf",
                     download_name=f"agenda-{course.code}.pdf")


@bp.route("/<course_code>/agenda.ics")
@course_permission(agenda_services.can_read_agenda, *AGENDA_READERS)
def agenda_ics(course):
    return send_file(BytesIO(exports.course_calendar(course)),
                     mimetype="text/calendar", download_name=f"agenda-{course.code}.ics")


# --- agenda import ---------------------------------------------------------------------

def _stash(course: Course) -> UploadStash:
    return UploadStash.for_import("agenda", course)


@bp.route("/<course_code>/agenda/import", methods=["GET", "POST"])
@course_roles_required(Role.ORGANISER)
def import_agenda(course):
    form = ImportAgendaForm()
    if uploaded := previewed_upload(form, _stash(course), partial(
            agenda_import.preview_import, course)):
        preview, upload = uploaded
        confirm = ConfirmImportForm(formdata=None, upload=upload,
                                    expected_version=preview.agenda_version,
                                    replace="1" if form.replace.data else "")
        return render_template("courses/import_preview.html", course=course,
                               preview=preview, confirm=confirm, replace=form.replace.data)
    return render_template("courses/import.html", course=course, form=form)


@bp.route("/<course_code>/agenda/import/confirm", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def confirm_import(course):
    return confirmed_upload(
        ConfirmImportForm(),
        lambda form: agenda_import.confirm_upload(
            _stash(course), form.upload.data, form.expected_version.data,
            replace=bool(form.replace.data)),
        done=lambda sessions: (_("%(count)d sessions imported.", count=len(sessions)),
                               url_for("courses.builder", course_code=course.code)),
        refused=url_for("courses.import_agenda", course_code=course.code))
