"""HR offices: their staff's certificates, JP recaps and transcripts, read-only."""
from __future__ import annotations

from io import BytesIO

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from bimtek.auth.access import roles_required
from bimtek.auth.models import Role
from bimtek.certificates import bp, services, transcript
from bimtek.certificates.bundles import zip_of
from bimtek.certificates.downloads import ZIP, certificate_download
from bimtek.certificates.forms import StaffFilterForm, TranscriptFilterForm
from bimtek.courses import services as course_services

SPREADSHEET_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "csv": "text/csv"}


def _staff_filter() -> StaffFilterForm:
    form = StaffFilterForm(request.args)
    form.course_id.choices = [SelectChoice("", _("All courses")), *(
        SelectChoice(course.id, f"{course.code} · {course.title}")
        for course in services.staff_courses(current_user))]
    return form


@bp.route("/hr/certificates")
@roles_required(Role.HR)
def staff():
    form = _staff_filter()
    return render_template("certificates/staff.html", form=form,
                           page=services.staff_certificates_page(
                               current_user, course_id=form.course_id.data,
                               search=_search_text(form.q),
                               page=request.args.get("page", 1, type=int)))


def _search_text(field) -> str:
    """A search box's text; one longer than the field allows searches for nothing."""
    return (field.data or "") if field.validate(None) else ""


def _transcript_filter() -> tuple[TranscriptFilterForm, transcript.Filters]:
    form = TranscriptFilterForm(request.args)
    years = transcript.certificate_years(current_user)
    year = form.year.data if form.year.data in years else transcript.default_year(
        current_user)
    form.year.data = year
    form.year.choices = [SelectChoice(y, str(y)) for y in sorted({*years, year},
                                                                 reverse=True)]
    institutions = list(current_user.institutions) if not current_user.is_admin else \
        services.staff_institutions()
    form.institution_id.choices = [SelectChoice("", _("All institutions")), *(
        SelectChoice(institution.id, institution.short_name) for institution in institutions)]
    institution_id = (form.institution_id.data if form.institution_id.data
                      in {institution.id for institution in institutions} else None)
    form.unit.choices = [SelectChoice("", _("All units")), *(
        SelectChoice(unit, unit) for unit in transcript.units(current_user, institution_id))]
    return form, transcript.Filters(year=year, institution_id=institution_id,
                                    unit=form.unit.data or "", search=_search_text(form.q),
                                    below_only=bool(form.below.data))


@bp.route("/hr/transcript")
@roles_required(Role.HR)
def staff_transcript():
    form, filters = _transcript_filter()
    employees = transcript.transcript(current_user, filters)
    return render_template("certificates/transcript.html", form=form, filters=filters,
                           target=transcript.jp_target(),
                           below=sum(not employee.met for employee in employees),
                           page=transcript.page_of(employees,
                                                   request.args.get("page", 1, type=int)))


@bp.route("/hr/transcript.xlsx")
@roles_required(Role.HR)
def staff_transcript_xlsx():
    _form, filters = _transcript_filter()
    employees = transcript.transcript(current_user, filters)
    services.record_certificate_export(
        "hr-transcript.xlsx", [c for employee in employees for c in employee.certificates],
        actor=current_user)
    return send_file(BytesIO(transcript.workbook(employees, filters.year)),
                     mimetype=SPREADSHEET_TYPES["xlsx"], as_attachment=True,
                     download_name=f"transkrip-jp-{filters.year}.xlsx")


@bp.route("/hr/certificates/<int:certificate_id>.pdf")
@roles_required(Role.HR)
def staff_download(certificate_id: int):
    certificate = services.staff_certificate(current_user, certificate_id)
    if certificate is None:
        abort(404)
    return certificate_download(certificate)


@bp.route("/hr/certificates/courses/<course_code>.zip")
@roles_required(Role.HR)
def staff_zip(course_code: str):
    course = course_services.find_course(course_code)
    if course is None:
        abort(404)
    certificates = services.staff_certificates(current_user, course_id=course.id)
    if not certificates:
        abort(404)
    services.record_certificate_export("hr-certificates.zip", certificates, actor=current_user)
    return send_file(BytesIO(zip_of(certificates)), mimetype=ZIP,
                     as_attachment=True, download_name=f"sertifikat-{course.code}.zip")


@bp.route("/hr/certificates/recap.<any(xlsx, csv):fmt>")
@roles_required(Role.HR)
def staff_recap(fmt: str):
    form = StaffFilterForm(request.args)
    certificates = services.staff_certificates(
        current_user, course_id=form.course_id.data, search=_search_text(form.q))
    services.record_certificate_export(f"hr-recap.{fmt}", certificates, actor=current_user)
    return send_file(BytesIO(services.jp_recap(certificates, fmt)),
                     mimetype=SPREADSHEET_TYPES[fmt], as_attachment=True,
                     download_name=f"rekap-jp.{fmt}")
