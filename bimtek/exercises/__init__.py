"""Simulation exercises: scenario, teams, MSEL injects, responses, evaluation, report."""
from flask import Blueprint

bp = Blueprint("exercises", __name__)
