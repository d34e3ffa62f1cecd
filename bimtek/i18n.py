"""Language and date formatting: Bahasa Indonesia first, English selectable (the
conventions of official documents: docs/domain.md, "Times and language")."""
from __future__ import annotations

from flask import has_request_context, session
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"


def select_locale() -> str:
    """The account's choice, else the choice made before logging in, else Indonesian."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return session.get("locale") if session.get("locale") in LANGUAGES else DEFAULT_LANGUAGE


def long_date(day) -> str:
    """'Senin, 28 Oktober 2024': official documents do not pad the day."""
    return format_date(day, "EEEE, d MMMM y")


def short_date(day) -> str:
    """'7 Des 2026', for lists of events."""
    return format_date(day, "d MMM y")


def date_range(first, last) -> str:
    """'28 Oktober s.d. 1 November 2024', '20 s.d. 24 Oktober 2024'."""
    if first == last:
        return format_date(first, "d MMMM y")
    if (first.year, first.month) == (last.year, last.month):
        start = format_date(first, "d")
    elif first.year == last.year:
        start = format_date(first, "d MMMM")
    else:
        start = format_date(first, "d MMMM y")
    return _("%(start)s to %(end)s", start=start, end=format_date(last, "d MMMM y"))


def clock(moment) -> str:
    """'08.30': the way Indonesian agendas write times."""
    return moment.strftime("%H.%M")


# Indonesia's zones, the only ones a course may use, with the labels agendas print.
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
               "Asia/Jayapura": "WIT"}


def zone_label(timezone: str) -> str:
    return ZONE_LABELS.get(timezone, timezone)
