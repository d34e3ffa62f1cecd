"""Participants of a course: registration, capacity and waitlist, import, badges."""
from flask import Blueprint

bp = Blueprint("registration", __name__, cli_group=None)
