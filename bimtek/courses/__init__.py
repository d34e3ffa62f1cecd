"""Courses, their agenda, rooms and exports."""
from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses", cli_group=None)

# Accounts name their course assignments only by class name: whatever loads courses maps it.
from bimtek.courses import staff  # noqa: E402, F401
