"""An account's page, where an admin also gives it its courses: on the accounts'
blueprint (same addresses and endpoints), here because it lists courses."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from bimtek.auth import bp
from bimtek.auth.access import roles_required
from bimtek.auth.account_form import save_user_from, user_form
from bimtek.auth.forms import CourseAssignmentForm
from bimtek.auth.models import Role, User
from bimtek.courses import staff
from bimtek.courses.models import Course
from bimtek.extensions import db
from bimtek.unit_of_work import refusal_shown


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = user_form(user)
    if form.validate_on_submit():
        if save_user_from(form, user) is not None:
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for("auth.edit_user", user_id=user.id))
    assignment_form = CourseAssignmentForm()
    assignment_form.course_id.choices = [
        SelectChoice(c.id, f"{c.code} — {c.title}")
        for c in db.session.scalars(select(Course).order_by(Course.starts_on.desc()))
    ]
    return render_template(
        "admin/user_form.html", form=form, user=user, assignment_form=assignment_form
    )


@bp.route("/admin/users/<int:user_id>/courses", methods=["POST"])
@roles_required(Role.ADMIN)
def assign_course(user_id: int):
    user = db.get_or_404(User, user_id)
    form = CourseAssignmentForm()
    form.course_id.choices = []
    if form.validate_on_submit():
        course = db.get_or_404(Course, form.course_id.data)
        with refusal_shown() as outcome:
            staff.assign_course(user, course, form.role.data)
        if outcome.ok:
            flash(_("%(name)s assigned to %(course)s.", name=user.name, course=course.code),
                  "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/courses/<int:course_id>/<role>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def unassign_course(user_id: int, course_id: int, role: str):
    user = db.get_or_404(User, user_id)
    course = db.get_or_404(Course, course_id)
    if role not in {r.value for r in Role}:
        abort(404)
    staff.unassign_course(user, course, Role(role))
    flash(_("%(name)s no longer assigned to %(course)s.", name=user.name, course=course.code),
          "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))
