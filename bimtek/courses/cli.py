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
@click.option("--days", default=5, show_default=True,
              type=click.IntRange(1, services.MAX_COURSE_DAYS))
@click.option("--timezone", default="Asia/Makassar", show_default=True)
@click.option("--capacity", default=400, show_default=True, type=int)
@click.option("--region", "regions", multiple=True, metavar="CODE",
              help="A kabupaten/kota (64.02) or a whole province (64) participants come "
                   "from; repeatable. Find codes with `regions --search`.")
def create_course(code: str, title: str, starts_on, days: int, timezone: str, capacity: int,
                  regions: tuple[str, ...]):
    """Create a course (draft) from the command line."""
    first_day: date = starts_on.date()
    try:
        course = services.save_course(
            None, code=code, title=title, starts_on=first_day,
            ends_on=services.course_end(first_day, days), timezone=timezone, capacity=capacity,
            regions=regions,
        )
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {course.code}: {course.starts_on} to {course.ends_on} ({timezone}).")
    if course.areas:
        click.echo(f"Regions: {course.region_names}.")


@bp.cli.command("check-agenda")
@click.argument("code")
def check_agenda(code: str):
    """Print the agenda warnings of a course, one a line; exit 1 when there are any."""
    from bimtek.courses.conflicts import agenda_warnings_for

    course = services.find_course(code.strip().upper())
    if course is None:
        raise click.BadParameter(f"no course has the code {code}.", param_hint="COURSE_CODE")
    warnings = agenda_warnings_for(course)
    for warning in warnings:
        click.echo(f"{warning.kind}: {warning.message}")
    if warnings:
        click.get_current_context().exit(1)
    click.echo(f"{course.code}: no agenda warnings.")


@bp.cli.command("import-agenda")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Delete the course's sessions first.")
def import_agenda(code: str, file: str, replace: bool):
    """Import a course's agenda from an .xlsx or .csv file: every row, or none."""
    from pathlib import Path

    from bimtek.courses.agenda_import import apply_import, preview_import

    course = services.find_course(code.strip().upper())
    if course is None:
        raise click.BadParameter(f"no course has the code {code}.", param_hint="COURSE_CODE")
    path = Path(file)
    preview = preview_import(course, path.name, path.read_bytes())
    for _row, message in preview.errors:
        click.echo(message, err=True)
    if preview.errors:
        click.get_current_context().exit(1)
    click.echo(f"{course.code}: {len(preview.rows)} sessions"
               f"{' replacing the current agenda' if replace else ''}.")
    for label, matched, created in (
            ("Speakers", preview.speakers_matched, preview.speakers_created),
            ("Rooms", preview.rooms_matched, preview.rooms_created),
            ("Institutions", preview.institutions_matched, preview.institutions_created)):
        click.echo(f"{label}: {len(matched)} matched, {len(created)} new"
                   + (f" ({', '.join(created)})" if created else "") + ".")
    try:
        apply_import(course, preview, preview.agenda_version, replace=replace)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Imported {len(preview.rows)} sessions into {course.code}.")
