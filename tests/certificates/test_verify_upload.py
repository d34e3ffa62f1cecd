"""Checking a certificate by uploading its PDF: the original, an altered copy (its QR code
and printed code intact), a revoked one, and files that are no certificate at all."""
import io

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.certificates.storage import certificate_path
from bimtek.extensions import db
from tests.certificates.people import course_and_people, issue
from tests.support.verification import result, upload

HOST = "Pemerintah Kabupaten Kutai Timur"


@pytest.fixture
def issued_pdf(app, make_user) -> bytes:
    """Participant 1's certificate as it was issued."""
    with app.app_context():
        course_and_people(make_user)
    issue(app)
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).order_by(Certificate.seq))
        return certificate_path(certificate).read_bytes()


def test_the_issued_file_is_recognised_unchanged(client, issued_pdf):
    response = upload(client, issued_pdf)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and result(response) == "exact"
    assert "Ini sertifikat yang diterbitkan, tanpa perubahan" in html
    assert "001/BIMTEK-PKS-2024/XI/2024" in html and f'data-testid="issuer">{HOST}<' in html


def test_an_altered_copy_is_called_altered_even_with_its_qr_code(client, issued_pdf):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(issued_pdf)))
    writer.add_metadata({"/Title": "Sertifikat (disunting)"})  # the pages stay as issued
    altered = io.BytesIO()
    writer.write(altered)
    response = upload(client, altered.getvalue())
    assert result(response) == "altered"
    assert "Berkas ini telah diubah" in response.get_data(as_text=True)


def test_a_revoked_certificate_s_file_says_it_is_revoked(app, client, issued_pdf):
    with app.app_context():
        services.revoke(db.session.scalar(select(Certificate).order_by(Certificate.seq)),
                        "Data peserta keliru")
    response = upload(client, issued_pdf)
    assert result(response) == "revoked"
    assert "Data peserta keliru" in response.get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04 not a pdf", "Berkas bukan PDF."),
    (b"%PDF-1.7\n" + b"\x00" * 64, "Berkas rusak"),
    (b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024), "Berkas lebih besar dari 5 MB"),
])
def test_files_that_are_no_pdf_damaged_or_too_large_get_a_message(client, data, message):
    response = upload(client, data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)


def test_an_unknown_pdf_is_not_a_certificate_from_here(client, issued_pdf):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    blank = io.BytesIO()
    writer.write(blank)
    assert result(upload(client, blank.getvalue())) == "unknown"
