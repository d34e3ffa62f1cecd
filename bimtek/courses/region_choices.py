"""Regions searched as someone types: the course form's region chooser (on the regions'
blueprint, here because it checks roles)."""
from __future__ import annotations

import re

from flask import render_template, request

from bimtek.auth.access import roles_required
from bimtek.auth.models import Role
from bimtek.regions import bp, services

MAX_CHOICES = 15
FIELD_NAME = re.compile(r"[a-z_]{1,40}")


@bp.route("/choices")
@roles_required(Role.ORGANISER)
def choices():
    """Provinces and kabupaten/kota named like `q`, as boxes to tick into a form's
    `field` (a whole province stands for all its kabupaten/kota)."""
    text = request.args.get("q", "")
    field = request.args.get("field", "")
    found = services.search_regions(text, levels=("provinsi", "kabupaten"),
                                    limit=MAX_CHOICES) if text.strip() else []
    return render_template("regions/_choices.html", found=found, text=text,
                           field=field if FIELD_NAME.fullmatch(field) else "regions")
