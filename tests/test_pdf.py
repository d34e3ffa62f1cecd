"""The WeasyPrint entry point fetches the app's static files, the course logos it is
given, and nothing else."""
import logging
from io import BytesIO

import pytest
from pypdf import PdfReader

from bimtek.pdf import STATIC_ROOT, ResourceRefused, StaticFilesOnly, render_parts, render_pdf

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


@pytest.fixture
def logo_root(tmp_path):
    """Uploaded logos, one folder per course, beside a file that must stay private."""
    root = tmp_path / "files" / "logos"
    (root / "7").mkdir(parents=True)
    (root / "7" / "kutim.png").write_bytes(b"\x89PNG\r\n\x1a\n logo")
    (root / "7" / "notes.txt").write_text("not an image")
    (tmp_path / "files" / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n secret")
    (root / "7" / "escape.png").symlink_to(tmp_path / "files" / "secret.png")
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


def test_serves_the_course_logos_from_the_logo_root(static_root, logo_root):
    response = StaticFilesOnly(static_root, logo_root).fetch(
        "https://bimtek.invalid/logos/7/kutim.png")
    assert response.read() == b"\x89PNG\r\n\x1a\n logo"
    assert response.content_type == "image/png"


@pytest.mark.parametrize("url", [
    "https://bimtek.invalid/logos/7/../../secret.png",
    "https://bimtek.invalid/logos/7/%2e%2e/%2e%2e/secret.png",
    "https://bimtek.invalid/logos/7/escape.png",     # a symlink leading out
    "https://bimtek.invalid/logos/7/notes.txt",      # not an image
    "https://bimtek.invalid/logos/7/missing.png",
    "https://bimtek.invalid/logos/7",                # a folder
    "https://bimtek.invalid/static/../files/secret.png",
    "file:///logos/7/kutim.png",
    "http://bimtek.invalid/logos/7/kutim.png",
])
def test_refuses_paths_escaping_the_logo_folder(static_root, logo_root, url):
    with pytest.raises(ResourceRefused):
        StaticFilesOnly(static_root, logo_root).fetch(url)


def test_serves_no_logos_without_a_logo_root(static_root):
    with pytest.raises(ResourceRefused):
        StaticFilesOnly(static_root).fetch("https://bimtek.invalid/logos/7/kutim.png")


def test_render_parts_cuts_one_document_into_a_pdf_per_part():
    html = ('<style>@page { size: A5 } section { break-before: page }</style>'
            '<section id="a">Depan A</section><section>Belakang A</section>'
            '<section>Belakang A lagi</section><section id="b">Depan B</section>')
    first, second = render_parts(html, ["a", "b"], pdf_variant="pdf/a-3b")
    assert [page.extract_text() for page in PdfReader(BytesIO(first)).pages] == [
        "Depan A", "Belakang A", "Belakang A lagi"]
    assert [page.extract_text() for page in PdfReader(BytesIO(second)).pages] == ["Depan B"]
    assert b"pdfaid" in PdfReader(BytesIO(second)).trailer["/Root"]["/Metadata"] \
        .get_object().get_data()


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
