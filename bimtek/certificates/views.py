"""Certificate pages: settings, eligibility, issuing, verification, a participant's own."""
from __future__ import annotations

from collections import Counter
from io import BytesIO
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from bimtek.auth.access import public, roles_required
from bimtek.auth.models import Role
from bimtek.certificates import (
    bp,
    logos,
    rendering,
    services,
    signatories,
    tasks,
    upload_check,
)
from bimtek.certificates import eligibility as eligibility_rules
from bimtek.certificates import settings as certificate_settings
from bimtek.certificates.bundles import write_bundles
from bimtek.certificates.downloads import PDF, ZIP, certificate_download, stored_file
from bimtek.certificates.forms import (
    CertificateSettingsForm,
    IssueForm,
    LogoForm,
    OverrideForm,
    RevokeForm,
    SignatoryForm,
    VerifyUploadForm,
)
from bimtek.certificates.models import Certificate, CertificateBatch, Signatory
from bimtek.certificates.storage import combined_path, zip_path
from bimtek.courses import services as course_services
from bimtek.courses.access import course_roles_required, of_course_or_404
from bimtek.errors import ValidationError
from bimtek.extensions import db, limiter
from bimtek.institutions import services as institution_services
from bimtek.jobs import BatchStatus
from bimtek.registration import services as registration_services
from bimtek.timeutil import wall_clock
from bimtek.unit_of_work import refusal_shown

LOGO_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
SETTINGS_TEXT_FIELDS = ("number_pattern", "training_kind", "heading", "statement",
                        "signing_place", "signatory_position", "signatory_name",
                        "signatory_nip")
SIGNATORY_FIELDS = ("signatory_position", "signatory_name", "signatory_nip")


def _bundle(course, path: Path, name: str, mimetype: str = PDF):
    """All of the course's certificates in one file, entered in its export log."""
    if not path.is_file():
        abort(404)
    services.record_certificate_export(f"certificates.{path.suffix.lstrip('.')}",
                                       services.valid_certificates(course), actor=current_user)
    return stored_file(path, name, mimetype)


# --- settings --------------------------------------------------------------------------

@bp.route("/courses/<course_code>/certificates/settings", methods=["GET", "POST"])
@course_roles_required(Role.ORGANISER)
def settings(course):
    settings = certificate_settings.settings_for(course)
    form = CertificateSettingsForm(obj=settings, **{
        name: getattr(course, name) for name in (*SIGNATORY_FIELDS, "izin_counts")})
    offered = signatories.choosable(current_user)
    if settings.signatory is not None and settings.signatory not in offered:
        offered.insert(0, settings.signatory)
    form.signatory_id.choices = [
        SelectChoice("", _("None: not signed electronically")),
        *(SelectChoice(s.id, f"{s.name} — {s.position} ({s.institution.short_name})")
          for s in offered)]
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            certificate_settings.save_settings(
                course, izin_counts=form.izin_counts.data, signing_date=form.signing_date.data,
                signatory_id=form.signatory_id.data, by=current_user,
                **{name: getattr(form, name).data or ""
                                    for name in SETTINGS_TEXT_FIELDS})
        if outcome.ok:
            flash(_("Certificate settings saved. The first certificate gets the number "
                    "%(number)s.", number=certificate_settings.example_number(course)), "success")
            return redirect(url_for("certificates.settings", course_code=course.code))
    return render_template("certificates/settings.html", course=course, settings=settings,
                           form=form, logo_form=LogoForm(),
                           example_number=certificate_settings.example_number(course))


@bp.route("/courses/<course_code>/certificates/settings/example")
@course_roles_required(Role.ORGANISER)
def example_number(course):
    """The number a pattern gives, shown while the organiser types it."""
    try:
        number, error = certificate_settings.example_number(
            course, request.args.get("number_pattern", "")), None
    except ValidationError as problem:
        number, error = None, problem.message
    return render_template("certificates/_example_number.html", number=number, error=error)


@bp.route("/courses/<course_code>/certificates/settings/<any(logo, partner_logo):which>")
@course_roles_required(Role.ORGANISER)
def logo(course, which: str):
    path = logos.logo_path(course, which)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=LOGO_TYPES[path.suffix.lstrip(".")])
    # Opened on its own, an SVG is a document: it may not run or load anything. It draws
    # with its own styles and the raster images embedded in it (the upload check lets
    # those through, and nothing else), so these alone are allowed. This policy replaces
    # the pages' one, which allows no inline style.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'")
    return response


@bp.route("/courses/<course_code>/certificates/settings/<any(logo, partner_logo):which>",
          methods=["POST"])


@course_roles_required(Role.ORGANISER)
def upload_logo(course, which: str):
    form = LogoForm()
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            logos.save_logo(course, which, form.file.data.read(), by=current_user)
        if outcome.ok:
            flash(_("Logo saved."), "success")
    else:
        flash(_("Choose a PNG or SVG file."), "danger")
    return redirect(url_for("certificates.settings", course_code=course.code))


@bp.route("/courses/<course_code>/certificates/settings/<any(logo, partner_logo):which>"
          "/remove", methods=["POST"])


@course_roles_required(Role.ORGANISER)
def remove_logo(course, which: str):
    logos.remove_logo(course, which, by=current_user)
    flash(_("Logo removed."), "success")
    return redirect(url_for("certificates.settings", course_code=course.code))


@bp.route("/courses/<course_code>/certificates/preview.pdf")
@course_roles_required(Role.ORGANISER)
def preview(course):
    return send_file(BytesIO(rendering.preview_pdf(course)), mimetype=PDF,
                     download_name=f"contoh-sertifikat-{course.code}.pdf")


# --- eligibility and issuing -----------------------------------------------------------

@bp.route("/courses/<course_code>/certificates")
@course_roles_required(Role.ORGANISER)
def eligibility(course):
    rows = eligibility_rules.eligibility(course)
    counts = Counter(row.eligible for row in rows)
    show = request.args.get("show", "")
    if show in ("eligible", "not_eligible"):
        rows = [row for row in rows if row.eligible == (show == "eligible")]
    return render_template(
        "certificates/eligibility.html", course=course, rows=rows, show=show,
        eligible=counts[True], not_eligible=counts[False], total_jp=services.total_jp(course),
        certificates={c.registration_id: c for c in services.valid_certificates(course)},
        batch=tasks.latest_batch(course), override_form=OverrideForm(),
        revoke_form=RevokeForm(), issue_form=IssueForm(),
        signatory=signatories.course_signatory(course),
        asks_passphrase=signatories.needs_typed_passphrase(course),
        jp_gap=course_services.jp_gap(course))


def _back_to_list(course):
    return redirect(url_for("certificates.eligibility", course_code=course.code,
                            show=request.args.get("show") or None))


@bp.route("/courses/<course_code>/certificates/participants/<int:registration_id>/override",
          methods=["POST"])


@course_roles_required(Role.ORGANISER)
def override(course, registration_id: int):
    registration = registration_services.find_registration(course, registration_id)
    if registration is None:
        abort(404)
    form = OverrideForm()
    if form.eligible.data not in (0, 1):
        abort(400)  # the page offers only these two
    with refusal_shown() as outcome:
        eligibility_rules.override_eligibility(registration, form.eligible.data == 1,
                                               form.reason.data or "", by=current_user)
    if outcome.ok:
        flash(_("Decision for %(name)s saved.", name=registration.full_name), "success")
    return _back_to_list(course)


@bp.route("/courses/<course_code>/certificates/participants/<int:registration_id>/override"
          "/clear", methods=["POST"])


@course_roles_required(Role.ORGANISER)
def clear_override(course, registration_id: int):
    registration = registration_services.find_registration(course, registration_id)
    if registration is None:
        abort(404)
    eligibility_rules.clear_override(registration, by=current_user)
    flash(_("%(name)s is judged by attendance again.", name=registration.full_name), "success")
    return _back_to_list(course)


@bp.route("/courses/<course_code>/certificates/<int:certificate_id>/revoke", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def revoke(course, certificate_id: int):
    certificate = of_course_or_404(Certificate, certificate_id, course)
    with refusal_shown() as outcome:
        services.revoke(certificate, RevokeForm().reason.data or "", by=current_user)
    if outcome.ok:
        _refresh_bundles(course)
        flash(_("Certificate %(number)s revoked.", number=certificate.number), "success")
    return _back_to_list(course)


def _refresh_bundles(course) -> None:
    """The printing PDF and the ZIP without the revoked certificate. While some
    certificates are not rendered yet, the old bundles go: the next issue writes them."""
    try:
        write_bundles(course)
    except ValidationError:
        combined_path(course).unlink(missing_ok=True)
        zip_path(course).unlink(missing_ok=True)


@bp.route("/courses/<course_code>/certificates/<int:certificate_id>.pdf")
@course_roles_required(Role.ORGANISER)
def download(course, certificate_id: int):
    certificate = services.find_issued(certificate_id)
    if certificate is None or certificate.course_id != course.id:
        abort(404)
    return certificate_download(certificate)


@bp.route("/courses/<course_code>/certificates/issue", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def issue(course):
    # The passphrase is handed on in memory (sealed, if the batch is queued), never kept.
    form = IssueForm()
    passphrase = form.passphrase.data or None
    with refusal_shown() as outcome:
        services.check_can_issue(course, by=current_user, accept_jp_gap=form.accept_jp_gap.data)
        batch = tasks.start_batch(course, by=current_user, passphrase=passphrase)
    if not outcome.ok:
        return redirect(url_for("certificates.eligibility", course_code=course.code))
    return redirect(url_for("certificates.batch", course_code=course.code, batch_id=batch.id))


@bp.route("/courses/<course_code>/certificates/batches/<int:batch_id>")
@course_roles_required(Role.ORGANISER)
def batch(course, batch_id: int):
    batch = of_course_or_404(CertificateBatch, batch_id, course)
    template = ("certificates/_batch_status.html" if request.headers.get("HX-Request")
                else "certificates/batch.html")
    return render_template(template, course=course, batch=batch, Status=BatchStatus)


@bp.route("/courses/<course_code>/certificates/all.pdf")
@course_roles_required(Role.ORGANISER)
def combined(course):
    return _bundle(course, combined_path(course), f"sertifikat-{course.code}.pdf")


@bp.route("/courses/<course_code>/certificates/all.zip")
@course_roles_required(Role.ORGANISER)
def zip_file(course):
    return _bundle(course, zip_path(course), f"sertifikat-{course.code}.zip", ZIP)


# --- signatories (admins) ----------------------------------------------------------------

@bp.route("/admin/signatories")
@roles_required(Role.ADMIN)
def signatory_list():
    return render_template("admin/signatories.html",
                           signatories=signatories.all_signatories())


@bp.route("/admin/signatories/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_signatory():
    form = SignatoryForm()
    form.institution_id.choices = [SelectChoice("", _("Choose the institution")), *(
        SelectChoice(institution.id, f"{institution.short_name} — {institution.name}")
        for institution in institution_services.list_institutions())]
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            signatory = signatories.register(
                name=form.name.data, nip=form.nip.data or "", position=form.position.data,
                institution_id=form.institution_id.data, key_data=form.key_file.data.read(),
                passphrase=form.passphrase.data or "", by=current_user)
        if outcome.ok:
            flash(_("Signatory %(name)s registered. The passphrase was not kept: set "
                    "%(variable)s on the server, or type it when issuing.",
                    name=signatory.name, variable=signatory.passphrase_variable), "success")
            return redirect(url_for("certificates.signatory_list"))
    return render_template("admin/signatory_form.html", form=form)


@bp.route("/admin/signatories/<int:signatory_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate_signatory(signatory_id: int):
    signatory = db.get_or_404(Signatory, signatory_id)
    signatories.deactivate(signatory, by=current_user)
    flash(_("%(name)s no longer signs certificates.", name=signatory.name), "success")
    return redirect(url_for("certificates.signatory_list"))


# --- public verification ---------------------------------------------------------------

@bp.route("/verify")
@public
def verify_form():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("certificates.verify",
                                code=services.normalise_code(code) or code))
    return render_template("certificates/verify_form.html", upload_form=VerifyUploadForm())


@bp.route("/verify/file", methods=["POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="verify")
@public
def verify_upload():
    """Whether an uploaded PDF is exactly a certificate issued here, and its state."""
    form = VerifyUploadForm()
    if not form.validate_on_submit():
        flash(_("Choose the certificate's PDF file."), "danger")
        return redirect(url_for("certificates.verify_form"))
    try:
        check = upload_check.check_upload(form.file.data.read())
    except ValidationError as error:
        flash(error.message, "danger")
        return redirect(url_for("certificates.verify_form"))
    certificate = check.certificate
    return render_template(
        "certificates/verify_upload.html", check=check, certificate=certificate,
        signature=check.signature, signatory=check.signatory,
        upload_form=VerifyUploadForm(),
        issuer=certificate.issuer_institution if certificate else None,
        revoked_on=(wall_clock(certificate.course, certificate.revoked_at).date()
                    if certificate is not None and certificate.revoked_at else None))


@bp.route("/verify/<code>")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="verify")
@public
def verify(code: str):
    certificate = services.find_by_code(code)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, code=code,
                               malformed=services.normalise_code(code) is None), 404
    revoked_on = (wall_clock(certificate.course, certificate.revoked_at).date()
                  if certificate.revoked_at else None)
    return render_template("certificates/verify.html", certificate=certificate,
                           course=certificate.course, holder=certificate.registration,
                           nip=services.mask_nip(certificate.registration.nip),
                           issuer=certificate.issuer_institution, revoked_on=revoked_on)


# --- participants ----------------------------------------------------------------------

@bp.route("/me/<token>/certificate.pdf")
@public
def my_certificate(token: str):
    """The participant's own certificate; their personal link is the key."""
    registration = registration_services.find_by_personal_token(token)
    certificate = services.issued_certificate_of(registration) if registration else None
    if certificate is None:
        abort(404)
    return certificate_download(certificate)
