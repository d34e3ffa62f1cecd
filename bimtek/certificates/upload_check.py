"""Checking a certificate by its file: is an uploaded PDF exactly a file this app issued?

The SHA-256 of every rendered certificate is kept; a file with that digest is the issued
file, unchanged. A file without it that shows a verification code of ours (printed under
the QR code) is an altered copy, however genuine its QR code looks."""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select

from bimtek.certificates import services, signatories, signing
from bimtek.certificates.models import CODE_ALPHABET, Certificate, Signatory
from bimtek.errors import ValidationError
from bimtek.extensions import db

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a certificate is a few hundred kilobytes
# A code as printed, e.g. 7KQ4-M9XD-2HPA; text extraction may lose the dashes.
PRINTED_CODE = re.compile(rf"[{CODE_ALPHABET}]{{4}}-?[{CODE_ALPHABET}]{{4}}-?"
                          rf"[{CODE_ALPHABET}]{{4}}")
# Only the first pages are read: a certificate has two.
PAGES_READ = 4


@dataclass
class UploadCheck:
    """`exact`: the issued file, byte for byte; `altered`: a changed copy of
    `certificate`; `unknown`: nothing this app issued. `signature` is the file's
    electronic signature checked (None: it has none) and `signatory` who made it, when
    the signature is intact and by a signatory registered here."""

    result: str
    certificate: Certificate | None = None
    signature: signing.SignatureCheck | None = None
    signatory: Signatory | None = None


def _text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages[:PAGES_READ])
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError) as error:  # a damaged file fails in many ways
        raise ValidationError(_("The file is damaged: it cannot be read as a PDF."),
                              field="file") from error


def check_upload(data: bytes) -> UploadCheck:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than %(size)d MB; a certificate is much "
                                "smaller.", size=MAX_UPLOAD_BYTES // (1024 * 1024)),
                              field="file")
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError(_("The file is not a PDF. Upload the certificate's PDF file."),
                              field="file")
    text = _text(data)
    signature = signing.check_signature(data, *signatories.trust())
    signatory = signatories.by_certificate(signature.certificate_sha256) \
        if signature is not None and signature.intact else None
    digest = hashlib.sha256(data).hexdigest()
    exact = db.session.scalar(select(Certificate).where(Certificate.pdf_sha256 == digest))
    if exact is not None:
        return UploadCheck("exact", exact, signature, signatory)
    for printed in PRINTED_CODE.findall(text):
        certificate = services.find_by_code(printed)
        if certificate is not None:
            return UploadCheck("altered", certificate, signature, signatory)
    return UploadCheck("unknown", None, signature, signatory)
