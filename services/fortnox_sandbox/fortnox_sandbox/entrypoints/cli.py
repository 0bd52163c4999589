"""Command line of the fortnox_sandbox service: `python -m fortnox_sandbox.entrypoints.cli --help`."""

import click
from servicekit.migrate import migrate as apply_migrations

from fortnox_sandbox import config as service_config
from fortnox_sandbox.entrypoints.api import MIGRATIONS


@click.group()
def cli() -> None:
    pass


@cli.command()
def migrate() -> None:
    """Create the database if needed and apply pending migrations."""
    applied = apply_migrations(service_config.load()["DATABASE_URL"], MIGRATIONS)
    click.echo(f"fortnox_sandbox: {len(applied)} migration(s) applied")


if __name__ == "__main__":
    cli()
