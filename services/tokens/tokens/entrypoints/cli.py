"""Command line of the tokens service: `python -m tokens.entrypoints.cli --help`.

Operators' commands never print a token. Every failure ends with a readable message and a
non-zero exit status.
"""

import csv
from pathlib import Path

import click
from servicekit.migrate import migrate_command

from tokens import config as service_config
from tokens.adapters.crypto import KeyringError, new_key
from tokens.domain.errors import LockUnavailable, TokensError
from tokens.domain.model import ClientRejected, Company, FortnoxFailure, TemporaryFailure
from tokens.entrypoints import migration_cli
from tokens.entrypoints.cli_support import ORG_ID, services, utc
from tokens.entrypoints.workers import MIGRATIONS
from tokens.handlers import connection_status, imports, renewal, service_account

DEMO_ORG_ID = "00000000-0000-4000-8000-000000900232"
DEMO_COMPANY = Company("Jlmdata AB", "559192-5788", "900232")
SEALED_DEMO = """\
the demo organisation's stored Fortnox tokens do not open with TOKENS_ENCRYPTION_KEYS of
{secrets}: the databases were filled by a local run with other secrets (an earlier checkout on
this machine, or a run before {var_dir} was deleted). Two ways out:
  - bring back the secrets.env that opens them, as {secrets}, and run `make run` again; or
  - run `make reset`, which drops the local run's databases and {var_dir} (after you confirm),
    then `make run` starts over with fresh demo data."""


@click.group()
def cli() -> None:
    pass


cli.add_command(migrate_command("tokens", service_config.load, MIGRATIONS))


@cli.command("seed-demo")
def seed_demo() -> None:
    """Import the sandbox's demo legacy token as Jlmdata AB's connection (once)."""
    config, svc = services()
    var_dir = Path(config["VAR_DIR"])
    token_file = var_dir / "demo-legacy-token"
    with svc.store.locked(DEMO_ORG_ID) as locked:
        existing, sealed = locked.load(), locked.sealed
    if sealed:
        message = SEALED_DEMO.format(secrets=var_dir / "secrets.env", var_dir=var_dir)
        raise click.ClickException(message)
    if existing is not None:
        click.echo("tokens: the demo organisation is already connected; nothing to do")
        return
    if not token_file.is_file():
        raise click.ClickException(
            f"{token_file} is missing; run the Fortnox sandbox's seed-demo first"
        )
    token = token_file.read_text().strip()
    if not token:
        raise click.ClickException(f"{token_file} is empty")
    created = imports.import_legacy(svc, DEMO_ORG_ID, token, DEMO_COMPANY, actor="seed-demo")
    click.echo("tokens: demo legacy connection imported" if created else "tokens: already there")


@cli.command()
@click.argument("org_id", type=ORG_ID)
@click.option("--limit", default=30, show_default=True, help="audit entries to show")
def show(org_id: str, limit: int) -> None:
    """Show a connection (never its tokens) and its audit trail."""
    _config, svc = services()
    status = connection_status.status(svc, org_id)
    if status["state"] == "not_connected":
        raise click.ClickException(f"{org_id} has no Fortnox connection")
    for key, value in status.items():
        click.echo(f"{key:>24}: {'' if value is None else value}")
    scheduled = svc.store.peek(org_id).migration_not_before
    click.echo(f"{'migration_scheduled_for':>24}: {utc(scheduled) if scheduled else ''}")
    click.echo("\naudit trail (newest first):")
    for entry in svc.store.audit_trail(org_id, limit):
        detail = " ".join(f"{k}={v}" for k, v in entry["detail"].items())
        click.echo(
            f"  {entry['at']:%Y-%m-%d %H:%M:%S} {entry['actor']:<24} {entry['action']:<22}"
            f" {entry['outcome']:<22} {detail}"
        )


@cli.command("import-legacy")
@click.argument("csv_file", type=click.File("r"))
def import_legacy(csv_file) -> None:
    """Import legacy tokens from CSV rows `org_id,token[,company_name,organisation_number,
    database_number]` (`-` reads standard input). Existing connections are left alone."""
    _config, svc = services()
    created = kept = 0
    for number, row in enumerate(csv.reader(csv_file), start=1):
        if not row or row[0].strip().lower() in ("org_id", "") or row[0].startswith("#"):
            continue
        if len(row) not in (2, 5):
            raise click.ClickException(f"line {number}: expected 2 or 5 columns, got {len(row)}")
        try:
            org_id = ORG_ID.convert(row[0].strip(), None, None)
        except click.BadParameter as exc:
            raise click.ClickException(f"line {number}: {exc.message}") from None
        company = Company(*(c.strip() for c in row[2:5])) if len(row) == 5 else None
        if imports.import_legacy(svc, org_id, row[1].strip(), company, actor="cli:import-legacy"):
            created += 1
        else:
            kept += 1
    click.echo(f"tokens: {created} legacy connection(s) imported, {kept} already connected")


@cli.command("rotate-key")
def rotate_key() -> None:
    """Re-encrypt every stored token under the first key of TOKENS_ENCRYPTION_KEYS."""
    _config, svc = services()
    org_ids = svc.store.org_ids_not_under(svc.store.keyring.primary_kid)
    try:
        for org_id in org_ids:
            with svc.store.locked(org_id) as locked:
                connection = locked.load()
                if locked.sealed:
                    raise KeyringError(
                        f"the stored tokens of {org_id} do not open: no key of them is here"
                    )
                if connection is not None:
                    locked.save(connection)
    except KeyringError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"tokens: {len(org_ids)} connection(s) re-encrypted under {svc.store.keyring.primary_kid!r}"
    )


@cli.command()
@click.argument("org_id", type=ORG_ID)
def refresh(org_id: str) -> None:
    """Re-run a connection's renewal now, cool-down included."""
    _config, svc = services()
    try:
        connection = renewal.renew(svc, org_id, actor="cli:refresh", force=True)
    except LockUnavailable:
        raise click.ClickException("another process is renewing it right now; try again") from None
    if connection is None:
        raise click.ClickException(f"{org_id} has no Fortnox connection")
    if connection.state != "connected" or connection.health != "ok":
        reason = connection.reauthorization_reason or connection.last_failure_reason
        raise click.ClickException(f"renewal did not succeed: {connection.health}: {reason}")
    click.echo(f"tokens: renewed; the access token is valid until {connection.access_expires_at}")


@cli.command("move-to-service-account")
@click.argument("org_id", type=ORG_ID)
def move_to_service_account(org_id: str) -> None:
    """Move a refresh-token connection to client credentials once Fortnox has moved the
    customer to a service account (no customer action needed). Changes nothing on failure."""
    _config, svc = services()
    try:
        result = service_account.move_to_service_account(svc, org_id, actor="cli:move")
    except TokensError as exc:
        raise click.ClickException(exc.message) from None
    except LockUnavailable:
        raise click.ClickException("another process is renewing it right now; try again") from None
    except TemporaryFailure as exc:
        raise click.ClickException(
            f"Fortnox cannot be asked right now ({exc.reason}); nothing changed, try again later"
        ) from None
    except ClientRejected as exc:
        raise click.ClickException(f"{exc.reason}; nothing changed") from None
    except FortnoxFailure as exc:
        raise click.ClickException(
            f"Fortnox refused client credentials ({exc.reason}): the customer has no"
            " service-account consent yet; nothing changed"
        ) from None
    if not result["moved"]:
        click.echo(f"tokens: {org_id} already uses client credentials; nothing to do")
        return
    click.echo(f"tokens: {org_id} now uses client credentials (tenant {result['tenant_id']})")


@cli.command("new-key")
@click.option("--kid", required=True, help="the new key's id")
def new_key_command(kid: str) -> None:
    """Print a new `kid:key` entry to put first in TOKENS_ENCRYPTION_KEYS."""
    click.echo(f"{kid}:{new_key()}")


for _command in migration_cli.COMMANDS:
    cli.add_command(_command)


if __name__ == "__main__":
    cli()
