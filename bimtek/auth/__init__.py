"""Users, roles, login and the access decorators."""
from flask import Blueprint

bp = Blueprint("auth", __name__, cli_group=None)
