"""The WeasyPrint entry point fetches the app's static files and nothing else."""
import logging
from io import BytesIO

import pytest
from pypdf import PdfReader

from bimtek.pdf import STATIC_ROOT, ResourceRefused, StaticFilesOnly, render_pdf

# A 1×1 transparent PNG.
PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42m"
       "Nk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture
def static_root(tmp_path):
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "print.css").write_text("p { color: navy; }")
    (tmp_path / "secret.txt").write_text("rahasia")
    (root / "css" / "escape.css").symlink_to(tmp_path / "secret.txt")
    return root


def test_serves_files_of_the_static_folder(static_root):
    response = StaticFilesOnly(static_root).fetch("https://bimtek.invalid/static/css/print.css")
    assert response.read() == b"p { color: navy; }"
    assert response.content_type == "text/css"


def test_serves_the_apps_own_stylesheet():
    response = StaticFilesOnly().fetch("https://bimtek.invalid/static/css/bimtek.css")
    assert response.read() == (STATIC_ROOT / "css" / "bimtek.css").read_bytes()


def test_serves_inline_images():
    response = StaticFilesOnly().fetch(PNG)
    assert response.content_type == "image/png" and response.read().startswith(b"\x89PNG")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://example.com/logo.png",
    "https://example.com/static/css/print.css",
    "ftp://example.com/x.css",
    "data:text/html,<p>hi</p>",
    "https://bimtek.invalid/etc/passwd",
    "https://bimtek.invalid/static/%2e%2e/secret.txt",
    "https://bimtek.invalid/static/css/escape.css",   # a symlink leading out
    "https://bimtek.invalid/static/css",              # a folder
    "https://bimtek.invalid/static/css/missing.css",
])
def test_refuses_everything_else(static_root, url):
    with pytest.raises(ResourceRefused):
        StaticFilesOnly(static_root).fetch(url)


def test_render_pdf_skips_refused_resources_and_says_so(caplog):
    caplog.set_level(logging.ERROR, logger="weasyprint")
    document = render_pdf(
        '<link rel="stylesheet" href="/static/css/bimtek.css">'
        '<link rel="stylesheet" href="http://example.com/evil.css">'
        '<p>Daftar hadir</p><img src="file:///etc/passwd"><img src="../../etc/passwd">'
        f'<img src="{PNG}">')
    assert document.startswith(b"%PDF")
    assert "Daftar hadir" in PdfReader(BytesIO(document)).pages[0].extract_text()
    refused = [record.getMessage() for record in caplog.records]
    assert len(refused) == 3 and all("ResourceRefused" in message for message in refused)
    assert any("http://example.com/evil.css" in message for message in refused)
    assert any("file:///etc/passwd" in message for message in refused)
    # A relative path resolves against the app's base and lands outside /static/.
    assert any("https://bimtek.invalid/etc/passwd" in message for message in refused)
