"""Site-wide routes that belong to no module: health check, icon and language choice."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bimtek.auth.access import public
from bimtek.extensions import db, limiter
from bimtek.i18n import LANGUAGES
from bimtek.urls import safe_next_url

bp = Blueprint("site", __name__)


@bp.route("/healthz")
@limiter.exempt
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/favicon.ico")
@limiter.exempt
@public
def favicon():
    """Pages name their icon; browsers and tools that ask the old address get it too."""
    return current_app.send_static_file("favicon.svg")


@bp.route("/language", methods=["POST"])
@public
def set_language():
    locale = request.form.get("locale", "")
    if locale in LANGUAGES:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
    return redirect(safe_next_url(request.form.get("next")) or url_for("reports.home"))
