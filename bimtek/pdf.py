"""The one WeasyPrint entry point: HTML in, PDF bytes out, fetching nothing but the app's
own static files."""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from bimtek.config import PROJECT_ROOT

STATIC_ROOT = PROJECT_ROOT / "static"

# Custom schemes are not "relative" for urllib's urljoin, which WeasyPrint uses, so a
# reserved, never-resolvable host (RFC 2606 `.invalid`) stands in as the base instead:
# `/static/css/x.css` in a template becomes `https://bimtek.invalid/static/css/x.css`,
# which the fetcher below reads from disk. No request ever leaves the process.
BASE_URL = "https://bimtek.invalid/"
STATIC_URL_PREFIX = BASE_URL + "static/"


class ResourceRefused(ValueError):
    """WeasyPrint asked for something other than our static files; it logs and skips it."""


class StaticFilesOnly(URLFetcher):
    """Serves files under `static_root` for `/static/…` URLs and inline `data:` images.
    Everything else — file:, http(s):, other data:, paths escaping the folder — is refused."""

    def __init__(self, static_root: Path = STATIC_ROOT):
        super().__init__()
        self.static_root = static_root.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.lower().startswith("data:"):
            return self._inline_image(url)
        if url.startswith(STATIC_URL_PREFIX):
            path = self._static_file(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        raise ResourceRefused(f"refused {url}: only the app's static files are served")

    def _static_file(self, url: str) -> Path:
        relative = unquote(urlsplit(url).path).removeprefix("/static/")
        path = (self.static_root / relative).resolve()
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise ResourceRefused(f"refused {url}: not a file in the static folder")
        return path

    @staticmethod
    def _inline_image(url: str) -> URLFetcherResponse:
        # Decoding a data: URL reads nothing from outside; only images are worth having.
        response = DataHandler().data_open(Request(url))
        content_type = response.headers.get_content_type()
        if not content_type.startswith("image/"):
            raise ResourceRefused(f"refused a data: URL of type {content_type}: "
                                  "only inline images are served")
        return URLFetcherResponse(url, response.read(), response.headers)


def render_pdf(html: str) -> bytes:
    """Render an HTML document (normally from `render_template`) to PDF."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly()).write_pdf()
