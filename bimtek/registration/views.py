from __future__ import annotations

import hashlib
from io import BytesIO

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

from bimtek.auth.access import public
from bimtek.auth.models import Role
from bimtek.courses import services as course_services
from bimtek.courses.access import course_roles_required, of_course_or_404
from bimtek.courses.models import CourseStatus
from bimtek.extensions import limiter
from bimtek.institutions import services as institution_services
from bimtek.registration import badges as badges_module
from bimtek.registration import (
    bp,
    messages,
    self_service,
    services,
)
from bimtek.registration.forms import (
    ConfirmRegistrationForm,
    LostLinkForm,
    ParticipantForm,
    ParticipantSearchForm,
    RegistrationSettingsForm,
    SendLinksForm,
    UnitQuotaForm,
)
from bimtek.registration.models import PendingRegistration, Registration, RegistrationStatus
from bimtek.unit_of_work import refusal_shown


def _choices(form, course, *, public: bool = False) -> None:
    """The form's lists; the public form offers the institutions of the course's regions
    (and those of no region: PPK, Panwaslu, national bodies), not every one there is."""
    institutions = institution_services.list_institutions(
        [region.id for region in course_services.course_kabupaten(course)] if public
        else None)
    form.institution_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(i.id, i.short_name) for i in institutions]
    form.unit.choices = [SelectChoice("", "—")] + [
        SelectChoice(unit) for unit in services.unit_names(course)]
    kecamatan = course_services.course_kecamatan(course)
    form.kecamatan_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(k.id, k.name) for k in kecamatan]


def _participant_input(form: ParticipantForm, registration: Registration | None = None
                       ) -> services.ParticipantInput:
    """The form's participant; an edited one keeps their desa/kelurahan (from an import)
    while their kecamatan stays."""
    desa_id = registration.desa_id if registration is not None \
        and registration.kecamatan_id == form.kecamatan_id.data else None
    return services.ParticipantInput(desa_id=desa_id, **{
        name: getattr(form, name).data or ("" if name not in ("institution_id", "kecamatan_id")
                                           else None)
        for name in ("name", "nik", "gender", "institution_id", "front_titles", "back_titles",
                     "nip", "nrp", "rank", "position", "unit", "kecamatan_id", "phone",
                     "email")})


def _register_from(form: ParticipantForm, course, **kwargs) -> Registration | None:
    with refusal_shown(form):
        return services.register(course, _participant_input(form), **kwargs)
    return None


def _outcome_message(registration: Registration) -> str:
    if registration.status == RegistrationStatus.WAITLISTED:
        return _("%(name)s is on the waitlist as number %(number)d: the course is full.",
                 name=registration.full_name, number=registration.number)
    return _("%(name)s is registered as participant %(number)d.",
             name=registration.full_name, number=registration.number)


# --- organisers ------------------------------------------------------------------------

@bp.route("/courses/<course_code>/participants")
@course_roles_required(Role.ORGANISER)
def participants(course):
    search = ParticipantSearchForm(request.args)
    search.offer(services.filter_choices(course))
    page = services.search_registrations(
        course, text=search.q.data or "", **search.filters, status=search.status.data or "",
        page=request.args.get("page", 1, type=int))
    return render_template("registration/participants.html", course=course, page=page,
                           search=search, counts=services.counts(course),
                           deliveries=messages.delivery_states(page.items),
                           send_form=SendLinksForm(),
                           pending=self_service.pending_of(course),
                           settings_form=RegistrationSettingsForm(obj=course),
                           quota_form=UnitQuotaForm(), quotas=services.unit_quotas_list(course))


@bp.route("/courses/<course_code>/participants/new", methods=["GET", "POST"])
@course_roles_required(Role.ORGANISER)
def new_participant(course):
    form = ParticipantForm()
    _choices(form, course)
    if form.validate_on_submit():
        registration = _register_from(form, course, actor=current_user)
        if registration is not None:
            flash(_outcome_message(registration), "success")
            return _to_participant(registration)
    return render_template("registration/form.html", course=course, form=form, public=False)


def _to_participant(registration: Registration):
    return redirect(url_for("registration.participant",
                            course_code=registration.course.code,
                            registration_id=registration.id))


def _course_registration(course, registration_id: int) -> Registration:
    registration = services.find_registration(course, registration_id)
    if registration is None:
        abort(404)
    return registration


@bp.route("/courses/<course_code>/participants/<int:registration_id>/edit",
          methods=["GET", "POST"])
@course_roles_required(Role.ORGANISER)
def edit_participant(course, registration_id: int):
    registration = _course_registration(course, registration_id)
    form = ParticipantForm(obj=registration)
    _choices(form, course)
    if not form.is_submitted():
        form.gender.data = registration.gender.value
        form.nip.data = registration.nip or ""
        form.nrp.data = registration.nrp or ""
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            warnings = services.update_registration(
                registration, _participant_input(form, registration), actor=current_user)
        if outcome.ok:
            flash(_("Details of %(name)s saved.", name=registration.full_name), "success")
            for warning in warnings:
                flash(warning, "warning")
            return _to_participant(registration)
    form.submit.label.text = _("Save")
    return render_template("registration/form.html", course=course, form=form, public=False,
                           registration=registration)


@bp.route("/courses/<course_code>/participants/<int:registration_id>/cancel",
          methods=["POST"])
@course_roles_required(Role.ORGANISER)
def cancel(course, registration_id: int):
    registration = _course_registration(course, registration_id)
    with refusal_shown() as outcome:
        promoted = services.cancel(registration, actor=current_user,
                                   reason=request.form.get("reason", ""))
    if outcome.ok:
        flash(_("Registration of %(name)s cancelled.", name=registration.full_name), "success")
        if promoted is not None:
            flash(_("%(name)s moves up from the waitlist.", name=promoted.full_name), "info")
    return _to_participant(registration)


@bp.route("/courses/<course_code>/participants/<int:registration_id>/badge",
          methods=["POST"])
@course_roles_required(Role.ORGANISER)
def reissue_badge(course, registration_id: int):
    registration = _course_registration(course, registration_id)
    services.reissue_badge(registration, actor=current_user)
    flash(_("A new badge code was made; the old badge no longer works."), "success")
    return _to_participant(registration)


@bp.route("/courses/<course_code>/participants/<int:registration_id>/send-link",
          methods=["POST"])
@course_roles_required(Role.ORGANISER)
def send_link(course, registration_id: int):
    registration = _course_registration(course, registration_id)
    with refusal_shown(category="warning") as outcome:
        messages.send_personal_link(registration, by=current_user)
    if outcome.ok:
        flash(_("The personal link is on its way to %(email)s.", email=registration.email),
              "success")
    return _to_participant(registration)


@bp.route("/courses/<course_code>/participants/<int:registration_id>/personal-link",
          methods=["POST"])
@course_roles_required(Role.ORGANISER)
def rotate_link(course, registration_id: int):
    registration = _course_registration(course, registration_id)
    messages.rotate_personal_link(registration, actor=current_user)
    flash(_("A new personal link was made; the old one no longer works."), "success")
    return _to_participant(registration)


@bp.route("/courses/<course_code>/participants/send-links", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def send_links(course):
    form = SendLinksForm()
    if not form.validate_on_submit():
        abort(400)
    with refusal_shown(category="warning") as outcome:
        job = messages.send_personal_links(course, only_new=form.only_new.data,
                                           by=current_user)
    if not outcome.ok:
        return redirect(url_for("registration.participants", course_code=course.code))
    return redirect(url_for("mail.job", course_code=course.code, job_id=job.id))


@bp.route("/courses/<course_code>/participants/whatsapp")
@course_roles_required(Role.ORGANISER)
def whatsapp(course):
    """Everyone with a click-to-chat link holding their personal link, for the
    organiser's phone."""
    return render_template("registration/whatsapp.html", course=course, people=[
        (registration, messages.whatsapp_link(registration))
        for registration in messages.reachable(course)])


@bp.route("/courses/<course_code>/participants/slips.pdf")
@course_roles_required(Role.ORGANISER)
def slips(course):
    """Personal-link slips for those without e-mail (?all=1: everyone)."""
    people = badges_module.slip_selection(course, everyone=bool(request.args.get("all")))
    with refusal_shown(category="warning") as outcome:
        pdf = badges_module.slips_pdf(course, people,
                                      [messages.personal_link(r) for r in people])
    if not outcome.ok:
        return redirect(url_for("registration.participants", course_code=course.code))
    return send_file(BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"tautan-{course.code}.pdf")


@bp.route("/courses/<course_code>/participants/settings", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def settings(course):
    form = RegistrationSettingsForm()
    if form.validate_on_submit():
        services.set_registration_open(course, form.registration_open.data, actor=current_user)
        flash(_("Self-registration is open.") if course.registration_open
              else _("Self-registration is closed."), "success")
    return redirect(url_for("registration.participants", course_code=course.code))


@bp.route("/courses/<course_code>/participants/quotas", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def set_quota(course):
    form = UnitQuotaForm()
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            services.set_unit_quota(course, form.unit.data, form.seats.data, actor=current_user)
        if outcome.ok:
            flash(_("Quota for %(unit)s saved.", unit=form.unit.data), "success")
    return redirect(url_for("registration.participants", course_code=course.code))


# --- participants themselves -----------------------------------------------------------

def _course_code_key() -> str:
    return "register:" + request.view_args["course_code"].upper()


@bp.route("/register/<course_code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_ADDRESS"], methods=["POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_COURSE"], methods=["POST"],
               key_func=_course_code_key)
@public
def self_register(course_code: str):
    """Anyone may register while the course is open; the answer never tells whether the
    NIK was known, and the registration waits for its e-mailed confirmation."""
    course = course_services.find_course(course_code)
    if course is None or course.status == CourseStatus.FINISHED:
        abort(404)
    if not course.registration_open:
        return render_template("registration/closed.html", course=course)
    form = ParticipantForm()
    _choices(form, course, public=True)
    if form.is_submitted():
        # The service checks the details even when the form's own check failed, so that
        # every bad field gets its message in one answer.
        valid = form.validate()
        with refusal_shown(form):
            if not valid:
                self_service.check_request(course, _participant_input(form))
            else:
                self_service.request_registration(
                    course, _participant_input(form),
                    user_id=current_user.id if current_user.is_authenticated else None)
                return redirect(url_for("registration.registration_sent",
                                        course_code=course.code))
    return render_template("registration/form.html", course=course, form=form, public=True)


@bp.route("/register/<course_code>/sent")
@public
def registration_sent(course_code: str):
    course = course_services.find_course(course_code)
    if course is None:
        abort(404)
    return render_template("registration/sent.html", course=course)


def _pending_or_404(token: str):
    pending = self_service.find_pending(token)
    if pending is None or pending.course.status == CourseStatus.FINISHED:
        abort(404)
    return pending


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_registration(token: str):
    """The e-mailed confirmation link: a button, so that a mail scanner opening the link
    confirms nothing."""
    pending = _pending_or_404(token)
    form = ConfirmRegistrationForm()
    if form.validate_on_submit():
        registration = self_service.confirm(pending)
        if registration is None:
            return redirect(url_for("registration.registration_sent",
                                    course_code=pending.course.code))
        flash(_outcome_message(registration), "success")
        return redirect(url_for("registration.my_registration",
                                token=registration.personal_token))
    return render_template("registration/confirm.html", pending=pending,
                           course=pending.course, form=form)


@bp.route("/courses/<course_code>/participants/pending/<int:pending_id>/approve",
          methods=["POST"])
@course_roles_required(Role.ORGANISER)
def approve(course, pending_id: int):
    pending = of_course_or_404(PendingRegistration, pending_id, course)
    with refusal_shown() as outcome:
        registration = self_service.confirm(pending, actor=current_user)
    if outcome.ok:
        if registration is None:
            flash(_("This NIK is already registered in the course; its personal link was "
                    "sent to the e-mail on record."), "warning")
        else:
            flash(_outcome_message(registration), "success")
    return redirect(url_for("registration.participants", course_code=course.code))


def _lost_link_nik_key() -> str:
    digits = "".join(ch for ch in request.form.get("nik", "") if ch.isdigit())
    return "lost-link:" + hashlib.sha256(digits.encode()).hexdigest()[:24]


@bp.route("/lost-link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOST_LINK_LIMIT"], methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_lost_link_nik_key,
               deduct_when=lambda response: response.status_code == 302)
@public
def lost_link():
    """"Lupa tautan?": the same answer whether or not anything matched."""
    form = LostLinkForm()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            self_service.send_lost_link(form.nik.data, form.contact.data)
        if outcome.ok:
            return redirect(url_for("registration.lost_link_sent"))
    return render_template("registration/lost_link.html", form=form)


@bp.route("/lost-link/sent")
@public
def lost_link_sent():
    return render_template("registration/lost_link_sent.html")
