"""Operators decide which legacy connections the migrator migrates, and from when. Until then a
legacy connection stays as it is and its customer upgrades with "Ny Token" whenever they like.

Scheduling asks nothing of Fortnox. Named organisations are scheduled all together or not at
all: an unknown one or one that cannot be migrated is refused with the reason, and nothing
changes.
"""

from dataclasses import dataclass, field
from datetime import datetime

from tokens.adapters.schedule import ScheduleChanged
from tokens.domain.errors import InvalidRequest, NotConnected
from tokens.handlers import Services


@dataclass(frozen=True)
class Change:
    """What (un)scheduling did, or in a dry run would do: one row per connection with
    `org_id, company_name, database_number` and the schedule it had before (`previous`)."""

    rows: list[dict]
    not_before: datetime | None = None
    dry_run: bool = False
    untouched: list[str] = field(default_factory=list)  # named, but had no schedule to remove


def schedule(
    svc: Services,
    org_ids: list[str] | None,
    not_before: datetime | None,
    *,
    actor: str,
    by: str,
    dry_run: bool = False,
) -> Change:
    """Let the migrator migrate these legacy connections (None: every one) from `not_before`
    (None: now) on; scheduling one again moves its time."""
    not_before = not_before or svc.clock()
    if org_ids is not None:
        _refuse_unmigratable(svc, org_ids)
    if dry_run:
        rows = [
            row | {"previous": row["migration_not_before"]}
            for row in svc.schedule.migratable(org_ids)
        ]
        return Change(rows, not_before, dry_run=True)
    detail = {"by": by}
    try:
        rows = svc.schedule.schedule(org_ids, not_before, actor, detail)
    except ScheduleChanged as exc:
        raise InvalidRequest(
            f"changed while being scheduled, so nothing was: {exc}; look at them and try again"
        ) from None
    return Change(rows, not_before)


def unschedule(
    svc: Services, org_ids: list[str] | None, *, actor: str, by: str, dry_run: bool = False
) -> Change:
    """Take these connections (None: every one) off the schedule; they stay legacy."""
    if org_ids is not None:
        unknown = [org_id for org_id in org_ids if svc.store.peek(org_id) is None]
        if unknown:
            raise NotConnected(f"no Fortnox connection: {', '.join(unknown)}; nothing changed")
    if dry_run:
        rows = svc.schedule.scheduled(org_ids)
        rows = [row | {"previous": row["migration_not_before"]} for row in rows]
    else:
        rows = svc.schedule.unschedule(org_ids, actor, {"by": by})
    removed = {row["org_id"] for row in rows}
    untouched = [org_id for org_id in org_ids or () if org_id not in removed]
    return Change(rows, dry_run=dry_run, untouched=untouched)


def _refuse_unmigratable(svc: Services, org_ids: list[str]) -> None:
    if not org_ids:
        raise InvalidRequest("name at least one organisation")
    problems = []
    for org_id in org_ids:
        connection = svc.store.peek(org_id)
        reason = "has no Fortnox connection" if connection is None else None
        reason = reason or connection.migration_refusal()
        if reason:
            problems.append(f"{org_id} {reason}")
    if problems:
        raise InvalidRequest("cannot schedule: " + "; ".join(problems) + "; nothing changed")
