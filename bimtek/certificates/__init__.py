"""Certificates: eligibility by JP, numbering, PDFs with QR verification, HR downloads."""
from flask import Blueprint

bp = Blueprint("certificates", __name__, cli_group=None)
