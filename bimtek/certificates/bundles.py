"""A course's certificates together: one PDF for printing and one ZIP of separate PDFs,
kept in step with the valid certificates."""
from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from flask_babel import gettext as _
from pypdf import PdfWriter

from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.certificates.storage import certificate_path, combined_path, zip_path
from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.jobs import write_atomically


class Combined:
    """The combined PDF of the files `order`, appended to in that order while chunks
    finish in any order."""

    def __init__(self, order: list[Path]):
        self.writer, self.order, self.next = PdfWriter(), order, 0
        self.waiting: dict[Path, bytes | Path] = {}

    def add(self, path: Path, document: bytes | Path) -> None:
        """`document` is the PDF of `path`, or `path` itself when it is stored already."""
        self.waiting[path] = document
        while self.next < len(self.order) and self.order[self.next] in self.waiting:
            document = self.waiting.pop(self.order[self.next])
            self.writer.append(BytesIO(document) if isinstance(document, bytes) else document,
                               import_outline=False)
            self.next += 1

    def pdf(self) -> bytes:
        assert self.next == len(self.order), "a certificate is missing from the combined PDF"
        output = BytesIO()
        self.writer.write(output)
        return output.getvalue()


def remove_bundles(course: Course) -> None:
    combined_path(course).unlink(missing_ok=True)
    zip_path(course).unlink(missing_ok=True)


def write_bundles(course: Course) -> None:
    """Rewrite the combined PDF and the ZIP, if a batch has written them, from the valid
    certificates: after a revocation they must drop the revoked one. While a certificate
    waits for rendering they cannot be complete, so they go until a batch writes them."""
    if not (combined_path(course).exists() or zip_path(course).exists()):
        return
    certificates = services.valid_certificates(course)
    if certificates and all(map(_is_stored, certificates)):
        write_atomically(combined_path(course), combined_pdf(certificates))
        write_atomically(zip_path(course), zip_of(certificates))
    else:
        remove_bundles(course)


def _is_stored(certificate: Certificate) -> bool:
    return bool(certificate.pdf_file) and certificate_path(certificate).is_file()


def _stored_files(certificates: list[Certificate]) -> list[Path]:
    for certificate in certificates:
        if not _is_stored(certificate):
            raise ValidationError(_("Certificate %(number)s has not been rendered yet.",
                                    number=certificate.number), field="certificates")
    return [certificate_path(certificate) for certificate in certificates]


def combined_pdf(certificates: list[Certificate]) -> bytes:
    """The certificates' stored PDFs one after another, in the order given."""
    paths = _stored_files(certificates)
    combined = Combined(paths)
    for path in paths:
        combined.add(path, path)
    return combined.pdf()


def zip_entries(certificates: list[Certificate]) -> list[tuple[Path, str]]:
    """Each stored PDF with its name in a ZIP: `NIP_Nama_Nomor.pdf`, as HR offices file
    them."""
    return [(certificate_path(certificate), services.download_name(certificate))
            for certificate in certificates]


def zip_bytes(entries: list[tuple[Path, str]]) -> bytes:
    # Stored, not deflated: a PDF's streams are compressed already.
    output = BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, name in entries:
            archive.write(path, arcname=name)
    return output.getvalue()


def zip_of(certificates: list[Certificate]) -> bytes:
    """The certificates' stored PDFs in one ZIP, each under its holder's file name."""
    _stored_files(certificates)
    return zip_bytes(zip_entries(certificates))
