"""URL helpers shared by the modules."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import IntegerConverter

# Ids are 64-bit integers in the database: a larger number in a URL names nothing.
MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: past MAX_ID the URL does not match, so it answers 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def safe_next_url(target: str | None) -> str | None:
    """A redirect target only when it stays on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def public_url(endpoint: str, **values) -> str:
    """An address to hand to people outside the app: built on PUBLIC_BASE_URL, not on
    whatever host name the current request came in under. It needs no request, so
    background jobs (certificate batches) use it too."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"] + path
