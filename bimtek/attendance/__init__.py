"""Attendance: check-in at the desk and in the room, per session."""
from flask import Blueprint

bp = Blueprint("attendance", __name__)
