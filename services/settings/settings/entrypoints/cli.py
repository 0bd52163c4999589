"""Command line of the settings service: `python -m settings.entrypoints.cli --help`."""

import uuid

import click
from servicekit.migrate import command_pool, migrate_command

from settings import config as service_config
from settings.bootstrap import bootstrap
from settings.domain.errors import TokensUnavailable
from settings.entrypoints.api import MIGRATIONS
from settings.handlers import Services, company, seed


def _services() -> Services:
    config = service_config.load()
    return bootstrap(config, command_pool(config["DATABASE_URL"], MIGRATIONS, "settings-cli"))


@click.group()
def cli() -> None:
    pass


cli.add_command(migrate_command("settings", service_config.load, MIGRATIONS))


@cli.command("seed-demo")
def seed_demo() -> None:
    """Give the demo organisation (Jlmdata AB) a Bankgiro number, once."""
    created = seed.seed_demo(_services())
    click.echo(f"settings: created {', '.join(created)}" if created else "settings: demo data ok")


@cli.command("rebuild-company")
@click.argument("org_ids", nargs=-1, type=click.UUID)
@click.option("--all", "every", is_flag=True, help="every organisation this service knows")
def rebuild_company(org_ids: tuple[uuid.UUID, ...], every: bool) -> None:
    """Rebuild company info by asking the tokens service's status API (SETTINGS_INTERNAL_KEY)."""
    svc = _services()
    if svc.tokens is None:
        raise click.ClickException("SETTINGS_INTERNAL_KEY is not set; the tokens service needs it")
    targets = [str(org_id) for org_id in org_ids] + (company.known_org_ids(svc) if every else [])
    if not targets:
        raise click.UsageError("name organisation ids or use --all")
    failed = 0
    for org_id in dict.fromkeys(targets):
        try:
            info = company.rebuild(svc, org_id)
        except TokensUnavailable as exc:
            failed += 1
            click.echo(f"{org_id}: not rebuilt ({exc})", err=True)
            continue
        name = info.company_name if info else "(not connected to Fortnox)"
        click.echo(f"{org_id}: {name}")
    if failed:
        raise click.ClickException(f"{failed} organisation(s) could not be rebuilt")


if __name__ == "__main__":
    cli()
