"""Händelser: the connection's recent history as its customer sees it (domain/history.py)."""

from tokens.domain.history import SHOWN_ACTIONS, HistoryEntry, history
from tokens.handlers import Services

SHOWN = 20


def customer_history(svc: Services, org_id: str, limit: int = SHOWN) -> list[HistoryEntry]:
    """The newest `limit` events, newest first; read-only, for any member of the organisation."""
    rows = svc.store.audit_trail(org_id, limit=limit * 2, actions=SHOWN_ACTIONS)
    return history(rows, limit)
