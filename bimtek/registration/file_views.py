"""Participant files: importing a list (preview, questions, confirm), the template to fill
in, the export that imports back, and badges printed in the background."""
from __future__ import annotations

import json
from io import BytesIO

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.auth.models import Role
from bimtek.courses import services as course_services
from bimtek.courses.access import course_roles_required, of_course_or_404
from bimtek.import_flow import confirmed_upload
from bimtek.institutions import services as institution_services
from bimtek.institutions.models import InstitutionKind
from bimtek.registration import bp, participant_export, spreadsheet, tasks
from bimtek.registration.forms import ConfirmParticipantsForm, ImportParticipantsForm
from bimtek.registration.models import BadgeJob
from bimtek.spreadsheets import UploadStash
from bimtek.unit_of_work import keep_nothing, refusal_shown


def _stash(course) -> UploadStash:
    return UploadStash.for_import("participants", course)


@bp.route("/courses/<course_code>/participants/import", methods=["GET", "POST"])
@course_roles_required(Role.ORGANISER)
def import_participants(course):
    form = ImportParticipantsForm()
    if form.validate_on_submit():
        upload = _stash(course).keep(form.file.data.filename, form.file.data.read())
        return _import_preview(course, upload, waitlist=form.waitlist.data, headers={},
                               institutions={})
    return render_template("registration/import.html", course=course, form=form)


def _import_preview(course, upload: str, *, waitlist: bool, headers: dict[str, str],
                    institutions: dict | None = None):
    """The preview of a stashed file read with the answers given so far, with the
    questions about it and, when it can be imported, the form that confirms it. Nothing
    the answers would create is kept: that happens on confirming."""
    institutions = institutions or {}
    try:
        preview = spreadsheet.preview_participants(
            course, upload, _stash(course).load(upload), waitlist=waitlist, headers=headers,
            institutions=institutions)
        confirm = ConfirmParticipantsForm(
            formdata=None, upload=upload, waitlist="1" if waitlist else "",
            headers=json.dumps(preview.headers),
            institutions=json.dumps(spreadsheet.institution_choices_json(institutions)))
        return render_template(
            "registration/import_preview.html", course=course, preview=preview,
            confirm=confirm, fields=[(spreadsheet.IGNORE, _("Ignore this column"))] + [
                (name, spreadsheet.COLUMNS.label(name)) for name in spreadsheet.MAPPABLE],
            institutions=institution_services.list_institutions(),
            kinds=InstitutionKind, regions=course_services.course_kabupaten(course))
    finally:
        keep_nothing()


def _answered_headers(form: ConfirmParticipantsForm) -> dict[str, str]:
    """The headers answered before (the form's JSON) and on this page ('header:KEY')."""
    try:
        answered = json.loads(form.headers.data or "{}")
    except ValueError:
        answered = None
    answered = spreadsheet.checked_header_choices(answered)
    return spreadsheet.checked_header_choices({
        **answered, **{name.removeprefix("header:"): value
                       for name, value in request.form.items() if name.startswith("header:")}})


def _answered_institutions(form: ConfirmParticipantsForm) -> dict:
    """The institutions answered before (the form's JSON) and on this page: 'inst:KEY' is
    an institution's id or 'new', with 'inst:KEY:name', ':short_name', ':kind' and
    ':region_id' for a new one."""
    try:
        answered = json.loads(form.institutions.data or "{}")
    except ValueError:
        answered = None
    answered = spreadsheet.checked_institution_choices(answered)
    raw = spreadsheet.institution_choices_json(answered)
    for name, value in request.form.items():
        if not name.startswith("inst:") or name.count(":") != 1:
            continue
        key = name.removeprefix("inst:")
        if value == "new":
            raw[key] = {"new": {field: request.form.get(f"{name}:{field}", "")
                                for field in ("name", "short_name", "kind", "region_id")}}
        elif value.isdigit():
            raw[key] = {"id": int(value)}
    return spreadsheet.checked_institution_choices(raw)


@bp.route("/courses/<course_code>/participants/import/review", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def review_import(course):
    """Check a stashed file again with the organiser's answers about its headers."""
    form = ConfirmParticipantsForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal_shown():
        headers, institutions = _answered_headers(form), _answered_institutions(form)
        return _import_preview(course, form.upload.data, waitlist=bool(form.waitlist.data),
                               headers=headers, institutions=institutions)
    return redirect(url_for("registration.import_participants", course_code=course.code))


@bp.route("/courses/<course_code>/participants/import/confirm", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def confirm_import(course):
    return confirmed_upload(
        ConfirmParticipantsForm(),
        lambda form: spreadsheet.confirm_upload(
            _stash(course), form.upload.data, waitlist=bool(form.waitlist.data),
            actor=current_user, headers=_answered_headers(form),
            institutions=_answered_institutions(form)),
        done=lambda registrations: (
            _("%(count)d participants imported.", count=len(registrations)),
            url_for("registration.participants", course_code=course.code)),
        refused=url_for("registration.import_participants", course_code=course.code))


@bp.route("/courses/<course_code>/participants/template.xlsx")
@course_roles_required(Role.ORGANISER)
def participant_template(course):
    """The course's participant list to fill in: 'Unduh templat'."""
    return send_file(BytesIO(participant_export.participant_template(course)),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml."
                              "sheet",
                     download_name=f"templat-peserta-{course.code}.xlsx", as_attachment=True)


@bp.route("/courses/<course_code>/participants/export.<any(xlsx, csv):fmt>")
@course_roles_required(Role.ORGANISER)
def export_participants(course, fmt: str):
    mimetypes = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv"}
    data = participant_export.export_participants(course, fmt, by=current_user)
    return send_file(BytesIO(data),
                     mimetype=mimetypes[fmt], download_name=f"peserta-{course.code}.{fmt}",
                     as_attachment=True)


@bp.route("/courses/<course_code>/participants/badges", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def start_badges(course):
    """Print all badges, one institution's (institution_id) or chosen participants' (id…)
    in the background, and follow the job's progress."""
    ids = request.form.getlist("id", type=int)
    with refusal_shown(category="warning") as outcome:
        job = tasks.start_badge_job(
            course, institution_id=request.form.get("institution_id", type=int),
            registration_ids=ids or None, by=current_user)
    if not outcome.ok:
        return redirect(url_for("registration.participants", course_code=course.code))
    return redirect(url_for("registration.badge_job", course_code=course.code, job_id=job.id))


@bp.route("/courses/<course_code>/participants/badges/<int:job_id>")
@course_roles_required(Role.ORGANISER)
def badge_job(course, job_id: int):
    job = of_course_or_404(BadgeJob, job_id, course)
    template = ("registration/_badge_job_status.html" if request.headers.get("HX-Request")
                else "registration/badge_job.html")
    return render_template(template, course=course, job=job,
                           ready=tasks.badge_file(job) is not None)


@bp.route("/courses/<course_code>/participants/badges/<int:job_id>/badges.pdf")
@course_roles_required(Role.ORGANISER)
def badge_job_pdf(course, job_id: int):
    path = tasks.badge_file(of_course_or_404(BadgeJob, job_id, course))
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"badges-{course.code}.pdf")
