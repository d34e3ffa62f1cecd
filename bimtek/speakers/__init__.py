"""Speakers and session assignments; the admin's institution pages."""
from flask import Blueprint

bp = Blueprint("speakers", __name__)
