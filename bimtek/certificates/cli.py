"""Certificate commands: issue-certificates, revoke-certificate."""
from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask_babel import gettext as _

from bimtek.certificates import bp, rendering, services, signatories
from bimtek.certificates.bundles import write_bundles
from bimtek.courses import services as course_services
from bimtek.errors import ValidationError

# What the service's fields are called on the command line.
REVOKE_PARAMETERS = {"reason": "--reason", "number": "NUMBER"}


@bp.cli.command("issue-certificates")
@click.argument("course_code")
@click.option("--out", type=click.Path(file_okay=False, writable=True, path_type=Path),
              help="Also copy one PDF per certificate into this folder.")
def issue_certificates(course_code: str, out: Path | None):
    """Number the eligible participants' certificates and render what changed, here and
    now (not through the task queue), signed by the course's signatory if it has one: the
    passphrase comes from the signatory's environment variable, or is asked for."""
    course = course_services.find_course(course_code.strip().upper())
    if course is None:
        raise click.BadParameter(_("No course has the code %(code)s.", code=course_code),
                                 param_hint="COURSE_CODE")
    passphrase = None
    if signatories.needs_typed_passphrase(course):
        passphrase = click.prompt(_("Passphrase of the key of %(name)s",
                                    name=signatories.course_signatory(course).name),
                                  hide_input=True)
    try:
        # Checked before anything is numbered.
        key = signatories.signing_key(course, passphrase=passphrase)
        certificates = services.assign_certificates(course)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    with click.progressbar(length=len(certificates), label=_("Rendering certificates"),
                           show_pos=True) as bar:
        def progress(done: int) -> None:
            bar.update(done - bar.pos)

        issued = rendering.render_course(course, progress=progress, key=key)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for path in issued.files:
            shutil.copyfile(path, out / path.name)
    click.echo(_("%(count)d certificates issued for %(course)s (%(rendered)d rendered now).",
                 count=len(issued.files), course=course.code,
                 rendered=issued.rendered))
    if out is not None:
        click.echo(_("PDFs written to %(folder)s.", folder=str(out)))


@bp.cli.command("revoke-certificate")
@click.argument("number")
@click.option("--reason", required=True, help="Why the certificate is revoked.")
def revoke_certificate(number: str, reason: str):
    """Revoke a certificate by its number; the verification page then says so."""
    certificate = services.find_by_number(number)
    if certificate is None:
        raise click.BadParameter(_("No certificate has the number %(number)s.", number=number),
                                 param_hint="NUMBER")
    try:
        services.revoke(certificate, reason)
    except ValidationError as error:
        raise click.BadParameter(error.message, param_hint=REVOKE_PARAMETERS.get(
            error.field, "NUMBER")) from error
    write_bundles(certificate.course)
    click.echo(_("Certificate %(number)s is revoked.", number=certificate.number))
