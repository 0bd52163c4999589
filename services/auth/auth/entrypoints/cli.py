"""Command line of the auth service: `python -m auth.entrypoints.cli --help`."""

import click
from servicekit import db
from servicekit.migrate import migrate as apply_migrations
from servicekit.migrate import migrate_command

from auth import config as service_config
from auth.bootstrap import bootstrap
from auth.entrypoints.api import MIGRATIONS
from auth.handlers import organisation, seed


@click.group()
def cli() -> None:
    pass


cli.add_command(migrate_command("auth", service_config.load, MIGRATIONS))


def _context():
    config = service_config.load()
    apply_migrations(config["DATABASE_URL"], MIGRATIONS)
    return bootstrap(config, db.open_pool(config["DATABASE_URL"], max_size=2, name="auth-cli"))


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load the demo organisation and users (idempotent: creates only what is missing)."""
    ctx = _context()
    try:
        created = seed.seed_demo(ctx)
    finally:
        ctx.pool.close()
    click.echo(
        f"auth: demo data {'created: ' + ', '.join(created) if created else 'already there'}"
    )


@cli.command("disable-user")
@click.argument("identifier")
def disable_user(identifier: str) -> None:
    """Disable an account (user name or e-mail) and end its sessions."""
    ctx = _context()
    try:
        ended = organisation.disable_user(ctx, identifier)
    finally:
        ctx.pool.close()
    click.echo(f"auth: {identifier} disabled, {ended} session(s) ended")


if __name__ == "__main__":
    cli()
