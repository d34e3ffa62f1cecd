from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from bimtek.auth.access import roles_required
from bimtek.auth.models import Role
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.speakers import bp, services
from bimtek.speakers.forms import InstitutionForm
from bimtek.speakers.models import Institution


@bp.route("/admin/institutions")
@roles_required(Role.ADMIN)
def institutions():
    return render_template("admin/institutions.html",
                           institutions=services.list_institutions())


def _institution_page(institution: Institution | None):
    form = InstitutionForm(obj=institution)
    if form.validate_on_submit():
        try:
            saved = services.save_institution(
                institution, name=form.name.data, short_name=form.short_name.data
            )
        except ValidationError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(_("Institution %(name)s saved.", name=saved.short_name), "success")
            return redirect(url_for("speakers.institutions"))
    return render_template("admin/institution_form.html", form=form, institution=institution)


@bp.route("/admin/institutions/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_institution():
    return _institution_page(None)


@bp.route("/admin/institutions/<int:institution_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_institution(institution_id: int):
    return _institution_page(db.get_or_404(Institution, institution_id))
