"""Command line of the auth service: `python -m auth.entrypoints.cli --help`."""

import click
from servicekit.migrate import migrate as apply_migrations

from auth import config as service_config
from auth.entrypoints.api import MIGRATIONS


@click.group()
def cli() -> None:
    pass


@cli.command()
def migrate() -> None:
    """Create the database if needed and apply pending migrations."""
    applied = apply_migrations(service_config.load()["DATABASE_URL"], MIGRATIONS)
    click.echo(f"auth: {len(applied)} migration(s) applied")


if __name__ == "__main__":
    cli()
