"""Operator commands for regions."""
from __future__ import annotations

import click

from bimtek.regions import bp, services


@bp.cli.command("regions")
@click.option("--search", "text", required=True,
              help="Part of a name, e.g. 'sintang', 'Kab. Kutai' or 'Kongbeng'.")
def regions(text: str):
    """Print the provinces, kabupaten/kota and kecamatan whose name holds TEXT, one a
    line: code, tab, official name, tab, level. Exits 1 when none matches."""
    found = services.search_regions(text)
    for place in found:
        click.echo(f"{place.code}\t{place.name}\t{place.level}")
    if not found:
        click.echo(f"No province, kabupaten/kota or kecamatan is named like {text!r}.",
                   err=True)
        click.get_current_context().exit(1)
