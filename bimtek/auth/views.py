from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from bimtek.auth import bp, services
from bimtek.auth.access import login_only, public, roles_required
from bimtek.auth.account_form import save_user_from, user_form
from bimtek.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    UserSearchForm,
)
from bimtek.auth.models import Role, User
from bimtek.extensions import limiter
from bimtek.unit_of_work import refusal_shown
from bimtek.urls import safe_next_url


def _login_account_key() -> str:
    # Per account *and* address: a stranger guessing from elsewhere cannot lock the
    # owner out, however often they try.
    return f"account:{User.normalise_email(request.form.get('email', ''))}@{request.remote_addr}"


def _login_failed(response) -> bool:
    # Only failed attempts count, so 400 people behind one hotel address can log in; an
    # attempt refused by the limit itself is not counted, so waiting always ends the block.
    return response.status_code not in (302, 429)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-address",
)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("reports.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.permanent = True  # so it ends after PERMANENT_SESSION_LIFETIME idle
            login_user(user)
            return redirect(safe_next_url(request.args.get("next")) or url_for("reports.home"))
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_only
def logout():
    services.log_out_everywhere(current_user)
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_only
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            services.change_password(current_user, form.current_password.data, form.password.data)
        if outcome.ok:
            # Every other session has ended; this one carries on under the new generation.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("reports.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def users():
    search = UserSearchForm(request.args)
    page = services.search_users(
        search.q.data or "",
        search.role.data or None,
        page=request.args.get("page", 1, type=int),
    )
    return render_template("admin/users.html", page=page, search=search)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = user_form(None)
    if form.validate_on_submit():
        user = save_user_from(form, None)
        if user is not None:
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for("auth.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)
