"""Operators' commands of the legacy migration: schedule it, look at the schedule, lift it, and
run what is due in the foreground. Added to the tokens CLI (cli.py) and to `rfadmin migration`.

Migrating is an operator's decision, never a default: the product's main path is the customer's
own "Ny Token". The migrator worker and `migrate-legacy` both take only scheduled connections
whose time has come.
"""

import getpass
import sys
from datetime import datetime

import click

from tokens.domain.errors import TokensError
from tokens.domain.model import FortnoxFailure
from tokens.entrypoints.cli_support import MOMENT, ORG_ID, services, utc
from tokens.handlers import migration
from tokens.handlers import schedule as migration_schedule


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a name
        return "unknown"


def _chosen(all_: bool, org_ids: tuple[str, ...]) -> list[str] | None:
    if all_ == bool(org_ids):
        raise click.UsageError("name organisations with --org ID (repeat it), or give --all")
    return None if all_ else list(dict.fromkeys(org_ids))


def _row(row: dict, previous: str) -> str:
    company = row["company_name"] or "(company unknown)"
    number = f" ({row['database_number']})" if row["database_number"] else ""
    return f"  {row['org_id']}  {company}{number}  {previous}"


def _was(moment: datetime | None) -> str:
    return "was not scheduled" if moment is None else f"was scheduled for {utc(moment)}"


_ALL = click.option("--all", "all_", is_flag=True, help="every legacy connection")
_ORGS = click.option(
    "--org", "org_ids", multiple=True, type=ORG_ID, help="this organisation (repeat for more)"
)


@click.command("schedule-migration")
@_ALL
@_ORGS
@click.option(
    "--not-before",
    type=MOMENT,
    help="migrate from this time on (ISO 8601; without a zone: UTC). Default: now",
)
@click.option("--dry-run", is_flag=True, help="only show what would be scheduled")
def schedule_migration(
    all_: bool, org_ids: tuple[str, ...], not_before: datetime | None, dry_run: bool
) -> None:
    """Let the migrator migrate legacy connections through Fortnox's /oauth-v1/migrate from a
    time on, without their customer. Until then customers upgrade with "Ny Token" themselves.
    Named organisations are scheduled all or none: one that is unknown or cannot be migrated
    (already OAuth, needs re-authorization) is refused and nothing changes."""
    chosen = _chosen(all_, org_ids)
    _config, svc = services()
    try:
        change = migration_schedule.schedule(
            svc,
            chosen,
            not_before,
            actor="cli:schedule-migration",
            by=_operator(),
            dry_run=dry_run,
        )
    except TokensError as exc:
        raise click.ClickException(exc.message) from None
    when = utc(change.not_before)
    if dry_run or chosen is not None:
        for row in change.rows:
            click.echo(_row(row, _was(row["previous"])))
    if dry_run:
        click.echo(
            f"tokens: dry run: would schedule {len(change.rows)} legacy connection(s)"
            f" for migration from {when}"
        )
        return
    click.echo(
        f"tokens: {len(change.rows)} legacy connection(s) scheduled for migration from {when}"
    )


@click.command("unschedule-migration")
@_ALL
@_ORGS
@click.option("--dry-run", is_flag=True, help="only show what would be taken off the schedule")
def unschedule_migration(all_: bool, org_ids: tuple[str, ...], dry_run: bool) -> None:
    """Take legacy connections off the migration schedule: they stay legacy until their
    customer clicks "Ny Token" or an operator schedules them again."""
    chosen = _chosen(all_, org_ids)
    _config, svc = services()
    try:
        change = migration_schedule.unschedule(
            svc, chosen, actor="cli:unschedule-migration", by=_operator(), dry_run=dry_run
        )
    except TokensError as exc:
        raise click.ClickException(exc.message) from None
    for row in change.rows:
        click.echo(_row(row, _was(row["previous"])))
    for org_id in change.untouched:
        click.echo(f"  {org_id}  was not scheduled; nothing to do")
    verb = "dry run: would take" if dry_run else "took"
    click.echo(f"tokens: {verb} {len(change.rows)} connection(s) off the migration schedule")


@click.command("scheduled-migrations")
def scheduled_migrations() -> None:
    """List the legacy connections scheduled for migration, earliest first."""
    _config, svc = services()
    rows = svc.schedule.scheduled()
    now = svc.clock()
    for row in rows:
        due = row["migration_not_before"] <= now
        click.echo(
            _row(row, f"{'due since' if due else 'from'} {utc(row['migration_not_before'])}")
        )
    due = sum(1 for row in rows if row["migration_not_before"] <= now)
    click.echo(f"tokens: {len(rows)} scheduled, {due} of them due")


@click.command("migrate-legacy")
@click.option("--dry-run", is_flag=True, help="only count what would be migrated")
@click.option("--concurrency", default=2, show_default=True)
@click.option("--rate", default=2.0, show_default=True, help="migrations per second at most")
@click.option("--limit", default=0, help="migrate at most this many (0: all that are due)")
def migrate_legacy(dry_run: bool, concurrency: int, rate: float, limit: int) -> None:
    """Migrate, in the foreground with a progress bar, the legacy connections whose scheduled
    time has come: the migrator worker's work, at once. Only scheduled ones, because whom to
    migrate without the customer is an operator's decision, recorded with its audit trail by
    scheduling; this never migrates a customer nobody chose. To migrate some now, schedule them
    (without a time: now), then run this. Resumable and idempotent: run it again. Exit status
    1 when Fortnox refused a tenant (it now needs "Ny Token") or stopped the run."""
    from tqdm import tqdm

    _config, svc = services()
    org_ids = svc.work.due_migrations()
    if limit:
        org_ids = org_ids[:limit]
    if not org_ids:
        click.echo("tokens: no scheduled migration is due; nothing to do")
        return
    with tqdm(total=len(org_ids), unit="tenant", desc="migrate", file=sys.stderr) as bar:
        try:
            counts = migration.migrate_many(
                svc,
                org_ids,
                actor="cli:migrate-legacy",
                concurrency=concurrency,
                per_second=rate,
                dry_run=dry_run,
                on_done=lambda _org_id, _outcome: bar.update(1),
            )
        except FortnoxFailure as exc:
            raise click.ClickException(f"migration stopped: {exc.reason}") from None
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "nothing"
    click.echo(f"tokens: {'dry run: ' if dry_run else ''}{summary}")
    if counts.get(migration.FAILED):
        raise click.ClickException(
            f'{counts[migration.FAILED]} tenant(s) refused by Fortnox now need "Ny Token";'
            " their audit trails say why"
        )


COMMANDS = (schedule_migration, unschedule_migration, scheduled_migrations, migrate_legacy)
