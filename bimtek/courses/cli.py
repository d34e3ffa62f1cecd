"""Operator commands for courses and their agenda."""
from __future__ import annotations

from datetime import date

import click

from bimtek.courses import bp, services
from bimtek.errors import ValidationError


@bp.cli.command("create-course")
@click.argument("code")
@click.option("--title", required=True)
@click.option("--start", "starts_on", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First day, YYYY-MM-DD.")
@click.option("--days", default=5, show_default=True, type=click.IntRange(1, 60))
@click.option("--timezone", default="Asia/Makassar", show_default=True)
@click.option("--capacity", default=400, show_default=True, type=int)
def create_course(code: str, title: str, starts_on, days: int, timezone: str, capacity: int):
    """Create a course (draft) from the command line."""
    first_day: date = starts_on.date()
    try:
        course = services.save_course(
            None, code=code, title=title, starts_on=first_day,
            ends_on=services.course_end(first_day, days), timezone=timezone, capacity=capacity,
        )
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {course.code}: {course.starts_on} to {course.ends_on} ({timezone}).")
