"""The connection's history as the customer may see it (Händelser): what happened and, for a
failure, why, in a few words the gateway puts in Swedish. Who acted and the trail's details stay
with operators: an entry here carries no user id, status code, token or Fortnox answer.

The audit trail's (action, outcome) pairs map to one of the customer's events, or to nothing
(steps that are no event of theirs: a started "Ny Token", a revoked replaced token)."""

from dataclasses import dataclass
from datetime import datetime

from tokens.domain import answers

CONNECTED, RENEWED, CHECKED, FAILED, UPGRADED, DISCONNECTED = (
    "connected",
    "renewed",
    "checked",
    "failed",
    "upgraded",
    "disconnected",
)
EVENTS = (CONNECTED, RENEWED, CHECKED, FAILED, UPGRADED, DISCONNECTED)

# (action, outcome) -> (event, cause of a failure); an outcome of None matches any outcome.
_MAP: dict[tuple[str, str | None], tuple[str, str | None]] = {
    ("import_legacy", "ok"): (CONNECTED, None),
    ("connect", "connected"): (CONNECTED, None),
    ("connect", "upgraded"): (UPGRADED, None),
    ("migrate", "migrated"): (UPGRADED, None),
    ("move_to_service_account", "ok"): (UPGRADED, None),
    ("refresh", "ok"): (RENEWED, None),
    ("check", "ok"): (CHECKED, None),
    ("disconnect", "ok"): (DISCONNECTED, None),
    ("refresh", "temporary_failure"): (FAILED, "fortnox_unavailable"),
    ("refresh", "needs_reauthorization"): (FAILED, "grant_refused"),
    ("check", "rejected"): (FAILED, "token_refused"),
    ("check", "failed"): (FAILED, "check_failed"),
    ("migrate", "failed"): (FAILED, "migration_refused"),
    ("migrate", "retry_later"): (FAILED, "fortnox_unavailable"),
    ("connect", "refused"): (FAILED, "consent_refused"),
    ("connect", "exchange_failed"): (FAILED, "exchange_failed"),
    ("connect", "company_mismatch"): (FAILED, "company_mismatch"),
    ("connect", None): (FAILED, "link_invalid"),  # state_missing, _invalid, _expired, _reused
}
_CODES = {code for codes in answers.REASONS.values() for code in codes}
# A check of an organisation without a connection is recorded with the reason "not_connected".
CAUSES = tuple(sorted({cause for _, cause in _MAP.values() if cause} | _CODES | {"not_connected"}))
# The actions whose entries can be shown: the trail is read for these only.
SHOWN_ACTIONS = tuple(sorted({action for action, _ in _MAP}))


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    event: str
    cause: str | None = None


def entry_of(
    at: datetime, action: str, outcome: str, reason_code: str | None = None
) -> HistoryEntry | None:
    """The customer's event for one audit entry, or None when it is none of theirs. A failure's
    cause is the entry's reason code (domain/answers.py) where it has one: it says more."""
    found = _MAP.get((action, outcome)) or _MAP.get((action, None))
    if found is None:
        return None
    event, cause = found
    return HistoryEntry(at, event, (reason_code or cause) if event == FAILED else None)


def history(rows: list[dict], limit: int) -> list[HistoryEntry]:
    """The newest `limit` customer events of audit rows given newest first."""
    entries = (
        entry_of(r["at"], r["action"], r["outcome"], (r.get("detail") or {}).get("reason_code"))
        for r in rows
    )
    return [e for e in entries if e is not None][:limit]
