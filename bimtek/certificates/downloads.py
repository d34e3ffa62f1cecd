"""Sending a stored certificate file: to its organiser, its holder or an HR office."""
from __future__ import annotations

from pathlib import Path

from flask import abort, send_file

from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.certificates.storage import certificate_path

PDF = "application/pdf"
ZIP = "application/zip"


def stored_file(path: Path, name: str, mimetype: str = PDF):
    """A rendered file as a download; 404 while it has not been rendered."""
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=mimetype, download_name=name, as_attachment=True)


def certificate_download(certificate: Certificate):
    return stored_file(certificate_path(certificate),
                       services.download_name(certificate))
