"""Where a course's uploaded logos and rendered certificates live on disk, the names their
files get, and writing them so that a reader never sees half a file."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from flask import current_app

from bimtek.certificates.models import Certificate
from bimtek.courses.models import Course

UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9.-]+")
# Long names are cut: some archive tools and file systems refuse paths past 255 bytes.
MAX_NAME_PART = 60


def files_root() -> Path:
    return Path(current_app.config["FILES_DIR"])


def logo_folder(course: Course) -> Path:
    return files_root() / "logos" / str(course.id)


def certificate_folder(course: Course) -> Path:
    return files_root() / "certificates" / str(course.id)


def file_name(text: str) -> str:
    """`001/BIMTEK-PKS/XI/2024` → `001-BIMTEK-PKS-XI-2024`: safe on every file system.
    Letters with accents lose them (`Sitï` → `Siti`) rather than the whole letter."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return UNSAFE_IN_FILE_NAME.sub("-", ascii_text).strip("-.") or "sertifikat"


def holder_file_name(nip: str | None, name: str, number: str) -> str:
    """`NIP_Nama_Nomor.pdf`, as HR offices file certificates (without a NIP:
    `Nama_Nomor.pdf`); no part holds an underscore of its own."""
    parts = [nip or "", file_name(name)[:MAX_NAME_PART].strip("-."), file_name(number)]
    return "_".join(part for part in parts if part) + ".pdf"


def certificate_path(certificate: Certificate) -> Path:
    return certificate_folder(certificate.course) / f"{file_name(certificate.number)}.pdf"


def _bundle_folder(course: Course) -> Path:
    # A folder of its own, so that no certificate number can name the same file.
    return certificate_folder(course) / "bundle"


def combined_path(course: Course) -> Path:
    """All valid certificates in one PDF, in number order, for printing."""
    return _bundle_folder(course) / f"{file_name(course.code)}.pdf"


def zip_path(course: Course) -> Path:
    """All valid certificates as separate PDFs in one ZIP."""
    return _bundle_folder(course) / f"{file_name(course.code)}.zip"


def logo_root(course: Course) -> Path:
    """What the PDF fetcher serves `/logos/…` from: the folder of all courses' logos."""
    return logo_folder(course).parent
