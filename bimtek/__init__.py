"""Bimtek: Indonesian government technical-guidance courses, end to end."""
from __future__ import annotations

import importlib
import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from bimtek import config as settings
from bimtek import unit_of_work
from bimtek.extensions import (
    babel,
    bootstrap,
    csrf,
    db,
    init_task_queue,
    limiter,
    login_manager,
    migrate,
)
from bimtek.i18n import (
    LANGUAGES,
    clock,
    date_range,
    long_date,
    select_locale,
    short_date,
    zone_label,
)
from bimtek.logmask import mask_app_logs
from bimtek.mail.transport import parse_smtp_url
from bimtek.registration.identity import mask_nik
from bimtek.timeutil import local_time
from bimtek.urls import IdConverter

__version__ = "0.1.0"

PROJECT_ROOT = settings.PROJECT_ROOT


def create_app(overrides: dict | None = None, instance_path: str | Path | None = None) -> Flask:
    """Build the application; nothing happens at import time."""
    instance_path = Path(instance_path or settings.DEFAULT_INSTANCE_PATH)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _keep_files_private(instance_path)
    app.config.from_mapping(settings.load(instance_path, overrides))
    if app.config["SMTP_URL"]:
        parse_smtp_url(app.config["SMTP_URL"])  # a mistyped URL stops the start, not a batch
    _tighten_existing_files(app, instance_path)
    if app.config["PROXY_HOPS"]:
        # Behind a reverse proxy: the client's address and scheme come from its headers.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # Before any route is added, so every <int:…> is bounded.
    app.url_map.converters["int"] = IdConverter
    mask_app_logs(app.logger)
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_response_headers(app)
    _register_template_helpers(app)
    _register_cli(app)
    _prepare_for_requests(app)
    return app


def _prepare_for_requests(app: Flask) -> None:
    """What the first requests would otherwise do while others queue behind them (about
    0.1 s): configuring the models' mappers and compiling the scan's statement."""
    from bimtek.attendance.scanning import prepare_scans

    sa.orm.configure_mappers()
    with app.app_context():
        prepare_scans()


def _keep_files_private(instance_path: Path) -> None:
    """The database, certificates, uploads waiting for confirmation and backups hold
    personal data (NIK, NIP, phone numbers): whatever the shell's umask, everything the
    app writes is readable by the service user alone (files 0600, folders 0700)."""
    os.umask(0o077)
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _tighten_existing_files(app: Flask, instance_path: Path) -> None:
    """What an earlier release or a permissive umask left readable is closed at start."""
    database = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    private = [(instance_path, 0o700), (Path(app.config["FILES_DIR"]), 0o700)]
    if database.get_backend_name() == "sqlite" and database.database not in (None, "", ":memory:"):
        private.append((Path(database.database), 0o600))
    for path, mode in private:
        if path.exists() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "translations"),
    )
    bootstrap.init_app(app)
    limiter.init_app(app)
    init_task_queue(app)
    unit_of_work.init_app(app)

    from bimtek.auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, generation = session_id.partition(".")
        if not (user_id.isdigit() and generation.isdigit()):
            return None  # a session from before generations, or a forged one
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_generation != int(generation):
            return None
        return user


# Importing these attaches routes and commands to their module's blueprint.
VIEW_MODULES = ("site", "auth.views", "auth.cli", "regions.cli", "speakers.views",
                "courses.views", "courses.staff_views", "courses.region_choices", "courses.cli",
                "courses.speaker_picker",
                "registration.views", "registration.file_views", "registration.cli",
                "participants.views",
                "attendance.api", "attendance.cli", "attendance.views",
                "certificates.views", "certificates.hr_views", "certificates.cli",
                "exercises.views.setup", "exercises.views.teams", "exercises.views.msel",
                "exercises.views.running", "exercises.views.evaluation",
                "exercises.views.report", "reports.views", "mail.views")


def _register_blueprints(app: Flask) -> None:
    modules = [importlib.import_module(f"bimtek.{name}") for name in VIEW_MODULES]
    for blueprint in dict.fromkeys(module.bp for module in modules):
        app.register_blueprint(blueprint)


def _register_error_pages(app: Flask) -> None:
    def page(status: int, title: str, message: str, template: str = "errors/error.html"):
        return render_template(template, status=status, title=title, message=message), status

    @app.errorhandler(403)
    def forbidden(_error):
        return page(403, _("Access denied"),
                    _("Your account may not open this page. Ask the course organiser "
                      "if you think it should."))

    @app.errorhandler(404)
    def not_found(_error):
        return page(404, _("Page not found"),
                    _("The page you asked for does not exist or has been moved."))

    @app.errorhandler(400)
    def bad_request(_error):
        return page(400, _("Bad request"),
                    _("The request could not be understood. Go back and try again."))

    @app.errorhandler(OverflowError)
    @app.errorhandler(sa.exc.DataError)
    def number_out_of_range(_error):
        # A number in a query or form field larger than the database stores (SQLite
        # overflows, PostgreSQL refuses it): the request is wrong, not the server.
        unit_of_work.keep_nothing()
        return bad_request(_error)

    @app.errorhandler(413)
    def too_large(_error):
        return page(413, _("File too large"),
                    _("The file is larger than %(size)d MB. Split it or remove what is not "
                      "needed, then try again.",
                      size=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)))

    @app.errorhandler(500)
    def server_error(_error):
        return page(500, _("Something went wrong"),
                    _("Nothing you did caused this. Try again in a moment; if it keeps "
                      "happening, tell the organiser."))

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return page(400, _("Form expired"),
                    _("The form was missing its security token or it had expired. "
                      "Go back, reload the page and try again."))

    @app.errorhandler(429)
    def too_many_requests(_error):
        message = _("Too many attempts. Wait a few minutes and try again.")
        if request.endpoint == "auth.login":
            from bimtek.auth.forms import LoginForm

            return render_template("auth/login.html", form=LoginForm(), blocked=message), 429
        return page(429, _("Too many requests"), message)


# Scripts, styles and everything else come from this server only; no inline script,
# handler, <style> or style attribute applies, so markup that slipped past escaping could
# neither run nor restyle the page (htmx is told not to inject its indicator style). The
# desk's camera is drawn from a blob.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'",
    "img-src 'self' data: blob:", "media-src 'self' blob:", "object-src 'none'",
    "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"))


def _register_response_headers(app: Flask) -> None:
    @app.after_request
    def harden(response):
        # Some URLs carry a token (a participant's page, a speaker's agenda): never send
        # them on as a referrer. No page is meant to be framed, nor sniffed as another type.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static":
            # Pages and files hold personal data, and desk laptops are shared: nothing but
            # the static assets stays in a browser's cache.
            response.headers["Cache-Control"] = "no-store"
        if app.config["PREFERRED_URL_SCHEME"] == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_range"] = date_range
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.filters["clock"] = clock
    app.jinja_env.filters["zone_label"] = zone_label
    app.jinja_env.filters["masked_nik"] = mask_nik
    app.jinja_env.filters["local_time"] = local_time

    @app.context_processor
    def inject_globals():
        return {"app_version": __version__, "languages": LANGUAGES,
                "current_language": select_locale()}


def _register_cli(app: Flask) -> None:
    from bimtek import backup
    from bimtek.demo.seed import seed_demo, seed_reference

    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_reference)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)
