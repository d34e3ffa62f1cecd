"""Operator commands for participants: import from and export to spreadsheets."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from bimtek.courses import services as course_services
from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.extensions import db
from bimtek.mail.models import JobStatus, MessageStatus, OutgoingMessage
from bimtek.registration import bp, messages, participant_export, spreadsheet
from bimtek.registration.models import RegistrationStatus
from bimtek.spreadsheets import FORMATS
from bimtek.unit_of_work import keep_nothing


def _course(code: str) -> Course:
    course = course_services.find_course(code.strip().upper())
    if course is None:
        raise click.BadParameter(f"no course has the code {code}.", param_hint="COURSE_CODE")
    return course


@bp.cli.command("import-participants")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print the summary only.")
@click.option("--waitlist", is_flag=True,
              help="Waitlist the participants beyond the seats left instead of refusing "
                   "the file.")
@click.option("--ignore-column", "ignored", multiple=True, metavar="HEADER",
              help="A column of the file that is not to be imported; repeatable.")
@click.option("--map", "mapped", multiple=True, metavar="HEADER=FIELD",
              help="What an unrecognised column holds, e.g. \"No. Identitas=nik\"; "
                   "repeatable.")
@click.option("--create-institutions", is_flag=True,
              help="Create the institutions the file names that are not known yet (short "
                   "name as written, full name with abbreviations written out, kind from "
                   "its words, the course's region).")
def import_participants(code: str, file: Path, dry_run: bool, waitlist: bool,
                        ignored: tuple[str, ...], mapped: tuple[str, ...],
                        create_institutions: bool):
    """Register a course's participants from an .xlsx or .csv file: every row, or none.
    A column the file has but Bimtek does not recognise refuses the file until it is
    ignored or mapped; the course's next import remembers what was said."""
    course = _course(code)
    try:
        headers = spreadsheet.header_choices(ignored, mapped)
    except ValidationError as error:
        raise click.BadParameter(error.message, param_hint="--map") from error
    data = file.read_bytes()
    preview = spreadsheet.preview_participants(course, file.name, data, waitlist=waitlist,
                                               headers=headers)
    if create_institutions and preview.unknown_institutions:
        new = {unknown.key: unknown.proposed for unknown in preview.unknown_institutions}
        preview = spreadsheet.preview_participants(course, file.name, data,
                                                   waitlist=waitlist, headers=headers,
                                                   institutions=new)
        for choice in new.values():
            click.echo(f"New institution: {choice.short_name} ({choice.name}, "
                       f"{choice.kind.label}).")
    for _row, message in preview.errors:
        click.echo(message, err=True)
    if preview.unknown_headers:
        click.echo("Give --ignore-column HEADER or --map \"HEADER=field\" for each of them; "
                   f"fields: {', '.join(spreadsheet.MAPPABLE)}.", err=True)
    if preview.unknown_institutions:
        click.echo("Add --create-institutions to create them, or add them (or their "
                   "spellings) in the web preview first.", err=True)
    if preview.errors:
        click.get_current_context().exit(1)
    for _row, message in preview.warnings:
        click.echo(message)
    click.echo(f"{course.code}: {len(preview.rows)} rows, {len(preview.to_register)} to "
               f"register, {len(preview.to_waitlist)} to waitlist, "
               f"{len(preview.warnings)} warnings.")
    if dry_run:
        keep_nothing()
        click.echo("Dry run: nothing was written.")
        return
    try:
        registrations = spreadsheet.apply_participants(course, preview)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    waitlisted = sum(r.status == RegistrationStatus.WAITLISTED for r in registrations)
    click.echo(f"Registered {len(registrations) - waitlisted} and waitlisted {waitlisted} "
               f"participants in {course.code}.")


@bp.cli.command("export-participants")
@click.argument("code")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_participants(code: str, file: Path):
    """Write a course's participants to an .xlsx or .csv file (by the file's extension)."""
    fmt = file.suffix.lower().removeprefix(".")
    if fmt not in FORMATS:
        raise click.BadParameter("the file name must end in .xlsx or .csv.", param_hint="FILE")
    course = _course(code)
    file.write_bytes(participant_export.export_participants(course, fmt))
    click.echo(f"Wrote the participants of {course.code} to {file}.")


@bp.cli.command("send-personal-links")
@click.argument("code")
@click.option("--only-new", is_flag=True,
              help="Only participants whose link has not reached them yet.")
def send_personal_links(code: str, only_new: bool):
    """E-mail each participant of a course with an address their personal link, badge code
    and agenda summary. Exits 1 when the mail server cannot be reached."""
    course = _course(code)
    try:
        job = messages.send_personal_links(course, only_new=only_new, background=False)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    failed = [m for m in db.session.scalars(select(OutgoingMessage).where(
        OutgoingMessage.job_id == job.id, OutgoingMessage.status == MessageStatus.FAILED))]
    for message in failed:
        click.echo(f"{message.recipient_name} <{message.recipient}>: {message.error}", err=True)
    click.echo(f"{course.code}: {job.done - len(failed)} of {job.total} personal links sent, "
               f"{len(failed)} failed.")
    if job.status == JobStatus.FAILED:
        raise click.ClickException(f"sending stopped: {job.error}")
