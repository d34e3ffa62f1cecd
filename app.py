"""Entry point: `flask --app app …` and `gunicorn app:app`."""
from bimtek import create_app

app = create_app()
