"""Courses, their agenda, rooms and exports."""
from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses", cli_group=None)
