"""Dashboards and spreadsheets that read across modules."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
