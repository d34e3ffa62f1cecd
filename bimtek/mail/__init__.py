"""Outgoing e-mail: a real SMTP server or the outbox folder, jobs with progress, and the
record of what was sent to whom."""
from flask import Blueprint

bp = Blueprint("mail", __name__, cli_group=None)
