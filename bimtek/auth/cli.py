from __future__ import annotations

import secrets

import click

from bimtek.auth import bp, services
from bimtek.auth.models import Role
from bimtek.errors import ValidationError
from bimtek.institutions import services as institution_services


@bp.cli.command("create-user")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([role.value for role in Role]), help="May be repeated.")
@click.option("--name", default=None, help="Full name; defaults to the e-mail's local part.")
@click.option("--password", default=None, help="Generated and printed when omitted.")
@click.option("--institution", "institutions", multiple=True,
              help="Short name of an institution an HR account is scoped to; may be repeated.")
def create_user(email: str, roles: tuple[str, ...], name: str | None, password: str | None,
                institutions: tuple[str, ...]):
    """Create an account with the given role(s)."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = services.save_user(
            None,
            email=email,
            name=name or email.split("@")[0],
            roles=roles,
            password=password,
            institution_ids=[i.id for i in institution_services.find_by_short_names(institutions)],
        )
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.email} ({', '.join(sorted(r.value for r in user.roles))}).")
    if generated:
        click.echo(f"Password: {password}")
