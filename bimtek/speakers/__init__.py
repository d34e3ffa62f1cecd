"""Speakers, institutions and session assignments."""
from flask import Blueprint

bp = Blueprint("speakers", __name__)
