"""Command line of the auth service: `python -m auth.entrypoints.cli --help`."""

import click
from servicekit.migrate import command_pool, migrate_command

from auth import config as service_config
from auth.bootstrap import bootstrap
from auth.entrypoints.api import MIGRATIONS
from auth.handlers import notices, organisation, seed


@click.group()
def cli() -> None:
    pass


cli.add_command(migrate_command("auth", service_config.load, MIGRATIONS))


def _context():
    config = service_config.load()
    return bootstrap(config, command_pool(config["DATABASE_URL"], MIGRATIONS, "auth-cli"))


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load the demo organisation and users (idempotent: creates only what is missing)."""
    svc = _context()
    try:
        created = seed.seed_demo(svc)
    finally:
        svc.pool.close()
    click.echo(
        f"auth: demo data {'created: ' + ', '.join(created) if created else 'already there'}"
    )


@cli.command("disable-user")
@click.argument("identifier")
def disable_user(identifier: str) -> None:
    """Disable an account (user name or e-mail) and end its sessions."""
    svc = _context()
    try:
        ended = organisation.disable_user(svc, identifier)
    finally:
        svc.pool.close()
    click.echo(f"auth: {identifier} disabled, {ended} session(s) ended")


@cli.command("needs-action")
def needs_action() -> None:
    """Organisations whose Fortnox connection needs the customer ("Ny Token"): why, since when,
    for how long, and how many mails their administrators got about it."""
    svc = _context()
    try:
        waiting = notices.needing_action(svc)
        now = svc.clock()
    finally:
        svc.pool.close()
    if not waiting:
        click.echo("No organisation needs to act on its Fortnox connection.")
        return
    click.echo("organisation\tcustomer\treason\tsince\tfor\tmails\tnext mail")
    for row in waiting:
        click.echo(
            "\t".join(
                [
                    row["org_name"] or row["org_id"],
                    row["customer_number"] or "-",
                    row["reason"],
                    f"{row['needed_since']:%Y-%m-%d %H:%M} UTC",
                    _duration(now - row["needed_since"]),
                    str(row["mails_sent"]),
                    f"{row['next_mail_at']:%Y-%m-%d %H:%M} UTC" if row["next_mail_at"] else "-",
                ]
            )
        )


def _duration(elapsed) -> str:
    days, seconds = elapsed.days, max(elapsed.seconds, 0)
    return f"{days}d {seconds // 3600}h" if days >= 0 else "0d 0h"


if __name__ == "__main__":
    cli()
