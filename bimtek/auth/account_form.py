"""The admin's account form: filled from an account, and saved through the services with
each refused field's message on the form. Used by the account pages here and by the
account page that also assigns courses (bimtek.courses.staff_views)."""
from __future__ import annotations

from flask_login import current_user
from wtforms import SelectChoice

from bimtek.auth import services
from bimtek.auth.forms import UserForm
from bimtek.auth.models import User
from bimtek.institutions import services as institution_services
from bimtek.unit_of_work import refusal_shown


def user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.institutions.choices = [SelectChoice(i.id, f"{i.short_name} — {i.name}")
                                 for i in institution_services.list_institutions()]
    form.issuing_institutions.choices = form.institutions.choices
    if user is not None and not form.is_submitted():
        form.roles.data = [role.value for role in user.roles]
        form.institutions.data = [i.id for i in user.institutions]
        form.issuing_institutions.data = [i.id for i in user.issuing_institutions]
    return form


def save_user_from(form: UserForm, user: User | None) -> User | None:
    with refusal_shown(form):
        return services.save_user(
            user,
            email=form.email.data,
            name=form.name.data,
            roles=form.roles.data,
            active=form.active.data,
            password=form.password.data or None,
            institution_ids=form.institutions.data or [],
            issuing_institution_ids=form.issuing_institutions.data or [],
            actor=current_user,
        )
    return None
