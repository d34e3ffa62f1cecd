"""Operator commands for check-in devices."""
from __future__ import annotations

import click

from bimtek.attendance import devices as scanners
from bimtek.attendance.api import bp
from bimtek.courses import services as course_services
from bimtek.errors import ValidationError


@bp.cli.command("create-device-token")
@click.argument("course_code")
@click.argument("name")
def create_device_token(course_code: str, name: str):
    """Issue a scanner token for a course and print it (it is shown only once)."""
    course = course_services.find_course(course_code.strip().upper())
    if course is None:
        raise click.BadParameter(f"no course has the code {course_code}.",
                                 param_hint="COURSE_CODE")
    try:
        device, token = scanners.issue_device_token(course, name)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Device {device.name} for {course.code}. Token (shown only now):")
    click.echo(token)


@bp.cli.command("revoke-device-token")
@click.argument("course_code")
@click.argument("name")
def revoke_device_token(course_code: str, name: str):
    """Revoke a course's scanner token by its name: it answers 401 from now on."""
    course = course_services.find_course(course_code.strip().upper())
    if course is None:
        raise click.BadParameter(f"no course has the code {course_code}.",
                                 param_hint="COURSE_CODE")
    devices = scanners.active_devices_named(course, name)
    if not devices:
        raise click.ClickException(f"{course.code} has no active device named {name!r}.")
    for device in devices:
        scanners.revoke_device_token(device)
    click.echo(f"Revoked {len(devices)} token(s) named {devices[0].name} of {course.code}.")
