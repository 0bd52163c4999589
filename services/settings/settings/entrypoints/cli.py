"""Command line of the settings service: `python -m settings.entrypoints.cli --help`."""

import click
from servicekit.migrate import migrate as apply_migrations

from settings import config as service_config
from settings.entrypoints.api import MIGRATIONS


@click.group()
def cli() -> None:
    pass


@cli.command()
def migrate() -> None:
    """Create the database if needed and apply pending migrations."""
    applied = apply_migrations(service_config.load()["DATABASE_URL"], MIGRATIONS)
    click.echo(f"settings: {len(applied)} migration(s) applied")


if __name__ == "__main__":
    cli()
