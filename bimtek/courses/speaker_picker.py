"""The agenda builder's speaker picker: speakers searched as someone types, and a speaker
added to the directory without leaving the session form. Both answer only the organisers
of the course whose builder asks."""
from __future__ import annotations

import re

from flask import abort, render_template, request
from flask_login import current_user
from wtforms import SelectChoice

from bimtek.auth.models import Role
from bimtek.courses import bp
from bimtek.courses.access import course_roles_required
from bimtek.institutions import services as institution_services
from bimtek.speakers import services as speaker_services
from bimtek.speakers.forms import SpeakerForm
from bimtek.unit_of_work import refusal_shown

MAX_CHOICES = 15
# A session form's speaker list: "new-speakers", "s12-facilitators".
LIST_FIELD = re.compile(r"(new|s\d{1,10})-(speakers|facilitators)")
# The fields of the small form; the rest of the directory entry is edited on its own page.
IN_PLACE_FIELDS = ("front_titles", "name", "back_titles", "institution_id")


def _list_field() -> str:
    field = request.args.get("field", "new-speakers")
    if not LIST_FIELD.fullmatch(field):
        abort(400)
    return field


@bp.route("/<course_code>/speaker-choices")
@course_roles_required(Role.ORGANISER)
def speaker_choices(course):
    """Speakers named like `q`, as boxes to tick into the session form's list `field`."""
    field, text = _list_field(), request.args.get("q", "")
    found = speaker_services.search_speakers(text, per_page=MAX_CHOICES).items \
        if text.strip() else []
    return render_template("courses/_speaker_choices.html", found=found, text=text,
                           field=field)


def _speaker_form(field: str) -> SpeakerForm:
    # Letters and underscores only: the institution list's id names it to the in-place
    # institution form (speakers.add_institution).
    form = SpeakerForm(prefix=f"{field.split('-')[1]}_new_")
    form.institution_id.choices = [SelectChoice(None, "—")] + [
        SelectChoice(i.id, i.short_name) for i in institution_services.list_institutions()]
    return form


@bp.route("/<course_code>/speakers/add", methods=["GET", "POST"])
@course_roles_required(Role.ORGANISER)
def add_speaker(course):
    """The small form under a session's speaker list: the speaker joins the directory,
    with the same rules as its own page, and is ticked in the list."""
    field = _list_field()
    form = _speaker_form(field)
    added = None
    if form.is_submitted():
        with refusal_shown(form):
            if form.validate():
                added = speaker_services.save_speaker(None, by=current_user, **{
                    name: getattr(form, name).data for name in IN_PLACE_FIELDS})
    return render_template("courses/_add_speaker.html", course=course, form=form,
                           field=field, added=added)
