"""Command line of the Fortnox sandbox: `python -m fortnox_sandbox.entrypoints.cli --help`.

Secrets (legacy tokens) are never printed: they go to files of mode 600.
"""

import os
from pathlib import Path

import click
from servicekit.migrate import migrate as apply_migrations
from servicekit.migrate import migrate_command

from fortnox_sandbox import config as service_config
from fortnox_sandbox.entrypoints.api import MIGRATIONS
from fortnox_sandbox.handlers import accounts, demo


def _connect(config: dict):
    import psycopg
    from psycopg.rows import dict_row

    apply_migrations(config["DATABASE_URL"], MIGRATIONS)
    return psycopg.connect(config["DATABASE_URL"], row_factory=dict_row)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


@click.group()
def cli() -> None:
    pass


cli.add_command(migrate_command("fortnox_sandbox", service_config.load, MIGRATIONS))


@cli.command("seed-demo")
def seed_demo() -> None:
    """Demo tenant Jlmdata AB (900232), user kaisa@900232, legacy token file. Idempotent."""
    config = service_config.load()
    with _connect(config) as conn, conn.transaction():
        done = demo.seed(
            conn,
            client_id=config["CLIENT_ID"],
            scopes=config["DEFAULT_SCOPES"],
            var_dir=config["VAR_DIR"],
        )
    made = [name for name, created in done.items() if created]
    click.echo(
        "fortnox_sandbox: demo data "
        + (f"created ({', '.join(made)})" if made else "already present")
    )


@cli.command("add-tenant")
@click.option("--company-name", default=None)
@click.option("--organization-number", default=None)
@click.option("--tenant-id", type=int, default=None, help="database number; default: next free")
@click.option("--username", default=None, help="user name like name@<tenant id>")
@click.option("--password", default=None, help="with --username: the user's password")
@click.option(
    "--legacy-token-file",
    type=click.Path(path_type=Path),
    default=None,
    help="write a new legacy token of the tenant to this file (mode 600)",
)
def add_tenant(
    company_name, organization_number, tenant_id, username, password, legacy_token_file
) -> None:
    """One tenant, optionally with a user and a legacy token."""
    config = service_config.load()
    users = [{"username": username, "password": password}] if username and password else []
    if username and not password:
        raise click.UsageError("--username needs --password")
    with _connect(config) as conn, conn.transaction():
        created = accounts.create_tenant(
            conn,
            client_id=config["CLIENT_ID"],
            scopes=config["DEFAULT_SCOPES"],
            tenant_id=tenant_id,
            company_name=company_name,
            organization_number=organization_number,
            users=users,
            legacy_token=legacy_token_file is not None,
        )
    if legacy_token_file:
        _write_private(legacy_token_file, created["legacy_token"] + "\n")
    click.echo(f"fortnox_sandbox: tenant {created['tenant_id']} ({created['company_name']})")


@cli.command("add-tenants")
@click.option("--count", type=click.IntRange(min=1), required=True)
@click.option(
    "--tokens-file",
    type=click.Path(path_type=Path),
    required=True,
    help="CSV tenant_id,legacy_token of the new tenants (mode 600)",
)
def add_tenants(count: int, tokens_file: Path) -> None:
    """Many tenants at once (COPY), each with a legacy token, for benchmarks."""
    config = service_config.load()
    with _connect(config) as conn, conn.transaction():
        pairs = accounts.create_tenants_bulk(
            conn, count=count, client_id=config["CLIENT_ID"], scopes=config["DEFAULT_SCOPES"]
        )
    _write_private(tokens_file, accounts.tokens_csv(pairs))
    click.echo(f"fortnox_sandbox: {count} tenants {pairs[0][0]}..{pairs[-1][0]} -> {tokens_file}")


@cli.command("add-user")
@click.option("--tenant-id", type=int, required=True)
@click.option("--username", required=True)
@click.option("--password", prompt=True, hide_input=True)
@click.option("--full-name", default="Test Användare")
@click.option("--system-admin/--no-system-admin", default=True)
def add_user(tenant_id, username, password, full_name, system_admin) -> None:
    """A user of an existing tenant."""
    config = service_config.load()
    with _connect(config) as conn, conn.transaction():
        accounts.create_user(
            conn,
            tenant_id,
            username=username,
            password=password,
            full_name=full_name,
            system_admin=system_admin,
        )
    click.echo(f"fortnox_sandbox: user {username.lower()} added")


if __name__ == "__main__":
    cli()
