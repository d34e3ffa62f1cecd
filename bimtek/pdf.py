"""The one WeasyPrint entry point: HTML in, PDF bytes out, fetching nothing but the app's
own static files and, when asked, the uploaded logos."""
from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from bimtek.config import PROJECT_ROOT

STATIC_ROOT = PROJECT_ROOT / "static"

# Custom schemes are not "relative" for urllib's urljoin, which WeasyPrint uses, so a
# reserved, never-resolvable host (RFC 2606 `.invalid`) stands in as the base instead:
# `/static/css/x.css` in a template becomes `https://bimtek.invalid/static/css/x.css`,
# which the fetcher below reads from disk. No request ever leaves the process.
BASE_URL = "https://bimtek.invalid/"
STATIC_URL_PREFIX = BASE_URL + "static/"
# `/logos/<course id>/<file>`: a course's uploaded logos, under the logo root.
LOGO_URL_PREFIX = BASE_URL + "logos/"


class ResourceRefused(ValueError):
    """WeasyPrint asked for something we do not serve; it logs and skips it."""


class StaticFilesOnly(URLFetcher):
    """Serves files under `static_root` for `/static/…` URLs, images under `logo_root`
    (when given) for `/logos/…` URLs, and inline `data:` images. Everything else —
    file:, http(s):, other data:, paths escaping their folder — is refused.

    The roots are plain paths, not the app's config, so that a renderer in a child
    process needs no app context."""

    def __init__(self, static_root: Path = STATIC_ROOT, logo_root: Path | None = None):
        super().__init__()
        self.static_root = static_root.resolve()
        self.logo_root = logo_root.resolve() if logo_root is not None else None

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.lower().startswith("data:"):
            return self._inline_image(url)
        if url.startswith(STATIC_URL_PREFIX):
            return self._file_response(url, self.static_root, "/static/")
        if url.startswith(LOGO_URL_PREFIX) and self.logo_root is not None:
            response = self._file_response(url, self.logo_root, "/logos/")
            if not response.content_type.startswith("image/"):
                raise ResourceRefused(f"refused {url}: a logo must be an image")
            return response
        raise ResourceRefused(f"refused {url}: only the app's static files and the "
                              "course's logos are served")

    @staticmethod
    def _file_response(url: str, root: Path, url_path: str) -> URLFetcherResponse:
        relative = unquote(urlsplit(url).path).removeprefix(url_path)
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise ResourceRefused(f"refused {url}: not a file in {url_path}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    @staticmethod
    def _inline_image(url: str) -> URLFetcherResponse:
        # Decoding a data: URL reads nothing from outside; only images are worth having.
        response = DataHandler().data_open(Request(url))
        content_type = response.headers.get_content_type()
        if not content_type.startswith("image/"):
            raise ResourceRefused(f"refused a data: URL of type {content_type}: "
                                  "only inline images are served")
        return URLFetcherResponse(url, response.read(), response.headers)


def render_document(html: str, *, logo_root: Path | None = None, **options) -> Document:
    """Lay out an HTML document; `options` are WeasyPrint's (e.g. pdf_variant)."""
    return HTML(string=html, base_url=BASE_URL,
                url_fetcher=StaticFilesOnly(logo_root=logo_root)).render(**options)


def render_pdf(html: str, *, logo_root: Path | None = None, **options) -> bytes:
    """Render an HTML document (normally from `render_template`) to PDF."""
    return render_document(html, logo_root=logo_root, **options).write_pdf(**options)


def render_in_steps(parts: Iterable[str], *, done: Callable[[int], None] | None = None
                    ) -> bytes:
    """Lay out a long document in parts, each a whole HTML document, and write them as one
    PDF: `done(n)` is told after the n-th part, so that a background job can show its
    progress. The parts share one font configuration."""
    font_config = FontConfiguration()
    pages, first = [], None
    for number, html in enumerate(parts, start=1):
        document = render_document(html, font_config=font_config)
        first = first or document
        pages.extend(document.pages)
        if done is not None:
            done(number)
    if first is None:
        raise ValueError("nothing to render")
    return first.copy(pages).write_pdf()


def render_parts(html: str, anchors: list[str], *, common_anchor: str | None = None,
                 logo_root: Path | None = None, **options) -> list[bytes]:
    """Lay out one document and cut it into one PDF per part. Part i starts on the page
    holding the element whose id is `anchors[i]` and runs up to the next part. The pages
    from the element with id `common_anchor` to the end, if given, are the same for every
    part (a certificate's back): laid out once, they end each part's PDF. Laying out many
    parts as one document parses the stylesheet and loads the fonts once for all of them,
    which is most of the cost of a small document.

    Takes and returns plain values only, so that it can run in a worker process."""
    document = render_document(html, logo_root=logo_root, **options)

    def page_of(anchor: str) -> int:
        return next(number for number, page in enumerate(document.pages)
                    if anchor in page.anchors)

    starts = [page_of(anchor) for anchor in anchors]
    common = page_of(common_anchor) if common_anchor else len(document.pages)
    ends = [*starts[1:], common]
    return [document.copy([*document.pages[start:end], *document.pages[common:]])
            .write_pdf(**options) for start, end in zip(starts, ends, strict=True)]
