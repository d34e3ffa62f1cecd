from __future__ import annotations

import re
from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from bimtek.auth import services as auth_services
from bimtek.auth.access import public, roles_required
from bimtek.auth.models import Role
from bimtek.courses import exports
from bimtek.courses.agenda import (
    can_manage_speaker,
    published_sessions_of_speaker,
    readable_sessions,
    sessions_of_speaker,
)
from bimtek.extensions import db
from bimtek.institutions import services as institution_services
from bimtek.institutions.forms import InstitutionForm, MergeInstitutionForm
from bimtek.institutions.models import Institution
from bimtek.regions import services as region_services
from bimtek.speakers import bp, services
from bimtek.speakers.forms import SpeakerForm
from bimtek.speakers.models import Speaker
from bimtek.unit_of_work import refusal_shown
from bimtek.urls import public_url


@bp.route("/admin/institutions")
@roles_required(Role.ADMIN)
def institutions():
    return render_template("admin/institutions.html", page=institution_services.institutions_page(
        request.args.get("page", 1, type=int)))


def _institution_form(institution: Institution | None = None, **kwargs) -> InstitutionForm:
    form = InstitutionForm(obj=institution, **kwargs)
    form.region_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(region.id, f"{region.name} ({region.code})")
        for region in region_services.all_kabupaten()]
    return form


def _save_institution(form: InstitutionForm, institution: Institution | None
                      ) -> Institution | None:
    """The institution the submitted form describes, saved by the current user; None when
    it does not read, with every bad field's message on the form (the rules' own check
    runs even when the form's failed)."""
    fields = {"name": form.name.data or "", "short_name": form.short_name.data or "",
              "kind": form.kind.data, "region_id": form.region_id.data}
    with refusal_shown(form):
        if not form.validate():
            institution_services.check_institution(institution, **fields)
            return None
        return institution_services.save_institution(institution, by=current_user, **fields)
    return None


def _institution_page(institution: Institution | None):
    form = _institution_form(institution)
    if form.is_submitted() and (saved := _save_institution(form, institution)):
        flash(_("Institution %(name)s saved.", name=saved.short_name), "success")
        return redirect(url_for("speakers.institutions"))
    merge = None
    if institution is not None:
        merge = MergeInstitutionForm(formdata=None)
        merge.into_id.choices = [SelectChoice(other.id, f"{other.short_name} — {other.name}")
                                 for other in institution_services.list_institutions()
                                 if other.id != institution.id]
    return render_template("admin/institution_form.html", form=form, institution=institution,
                           merge=merge)


@bp.route("/admin/institutions/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_institution():
    return _institution_page(None)


@bp.route("/admin/institutions/<int:institution_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_institution(institution_id: int):
    return _institution_page(db.get_or_404(Institution, institution_id))


@bp.route("/admin/institutions/<int:institution_id>/merge", methods=["POST"])
@roles_required(Role.ADMIN)
def merge_institution(institution_id: int):
    """This institution is a duplicate of another: merged into it."""
    duplicate = db.get_or_404(Institution, institution_id)
    form = MergeInstitutionForm()
    if not form.validate_on_submit():
        abort(400)
    into = db.get_or_404(Institution, form.into_id.data)
    with refusal_shown() as outcome:
        institution_services.merge_institutions(duplicate, into, actor=current_user)
    if not outcome.ok:
        return redirect(url_for("speakers.edit_institution", institution_id=institution_id))
    flash(_("Merged into %(name)s.", name=into.short_name), "success")
    return redirect(url_for("speakers.edit_institution", institution_id=into.id))


LIST_FIELD = re.compile(r"[a-z_]{1,40}")
# The course form's list whose choice names the issuer of the course's certificates.
HOST_FIELD = "host_institution_id"


@bp.route("/institutions/add", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def add_institution():
    """The small form under an institution list (a course's host, a speaker's institution):
    the institution is added without leaving the page, and chosen in the list named by
    `field` (a speaker's institution unless said). The same form and rules as the admin's."""
    field = request.args.get("field", "institution_id")
    if not LIST_FIELD.fullmatch(field):
        abort(400)
    form = _institution_form(prefix=f"new-{field}")
    added = _save_institution(form, None) if form.is_submitted() else None
    return render_template(
        "speakers/_add_institution.html", form=form, field=field, added=added,
        # An organiser's own institution may be the host; issuing waits for an admin.
        waits_for_admin=added is not None and field == HOST_FIELD
        and not auth_services.may_issue_for(current_user, added.id))


# --- speakers' directory ---------------------------------------------------------------

def _speaker_form(speaker: Speaker | None) -> SpeakerForm:
    form = SpeakerForm(obj=speaker)
    form.institution_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(i.id, i.short_name) for i in institution_services.list_institutions()]
    return form


@bp.route("/speakers/")
@roles_required(Role.ORGANISER)
def speakers():
    text = request.args.get("q", "")
    page = services.search_speakers(text, page=request.args.get("page", 1, type=int))
    return render_template("speakers/index.html", page=page, q=text)


def _speaker_page(speaker: Speaker | None):
    form = _speaker_form(speaker)
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            saved = services.save_speaker(speaker, by=current_user, **{
                field.name: field.data for field in form
                if field.name in services.SPEAKER_FIELDS})
        if outcome.ok:
            flash(_("Speaker %(name)s saved.", name=saved.full_name), "success")
            return redirect(url_for("speakers.speaker", speaker_id=saved.id))
    return render_template("speakers/form.html", form=form, speaker=speaker)


@bp.route("/speakers/new", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def new_speaker():
    return _speaker_page(None)


def _managed_speaker(speaker_id: int) -> Speaker:
    """The speaker, when the current user may change the entry; 403 otherwise."""
    speaker = db.get_or_404(Speaker, speaker_id)
    if not can_manage_speaker(
            current_user, speaker, sessions_of_speaker(speaker.id)):
        abort(403)
    return speaker


@bp.route("/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANISER)
def edit_speaker(speaker_id: int):
    return _speaker_page(_managed_speaker(speaker_id))


@bp.route("/speakers/<int:speaker_id>/agenda-link", methods=["POST"])
@roles_required(Role.ORGANISER)
def rotate_agenda_link(speaker_id: int):
    """A leaked private link: a new one, and the old one stops working at once."""
    speaker = _managed_speaker(speaker_id)
    services.rotate_agenda_link(speaker)
    flash(_("A new private link was made; the old one no longer works."), "success")
    return redirect(url_for("speakers.speaker", speaker_id=speaker.id))


@bp.route("/speakers/<int:speaker_id>")
@roles_required(Role.ORGANISER)
def speaker(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    sessions = sessions_of_speaker(speaker.id)
    return render_template(
        "speakers/detail.html", speaker=speaker,
        sessions=readable_sessions(current_user, sessions),
        can_manage=can_manage_speaker(current_user, speaker, sessions),
        private_link=public_url("speakers.speaker_agenda", token=speaker.agenda_token))


def _speaker_by_token(token: str) -> Speaker:
    speaker = services.find_speaker_by_token(token)
    if speaker is None:
        abort(404)
    return speaker


@bp.route("/speakers/agenda/<token>")
@public
def speaker_agenda(token: str):
    """The speaker's own page, reached by the private link the organiser sends them."""
    speaker = _speaker_by_token(token)
    return render_template("speakers/agenda.html", speaker=speaker,
                           sessions=published_sessions_of_speaker(speaker.id))


@bp.route("/speakers/agenda/<token>.ics")
@public
def speaker_agenda_ics(token: str):
    speaker = _speaker_by_token(token)
    return send_file(BytesIO(exports.speaker_calendar(speaker)), mimetype="text/calendar",
                     download_name="agenda.ics")
