"""Use cases of the payment method: read it, change it (kept with who and when, published)."""

from servicekit.db import transaction
from servicekit.events.outbox import publish

from settings.adapters import repository
from settings.bootstrap import SettingsContext
from settings.domain.payment import PaymentMethod, parse_payment_method

EVENT = "settings.payment_method_changed"


def as_method(row: dict) -> PaymentMethod:
    return PaymentMethod(row["method"], row["number"], row["clearing_number"], row["bank_name"])


def current(ctx: SettingsContext, org_id: str) -> dict | None:
    with ctx.pool.connection() as conn:
        return repository.current_payment_method(conn, org_id)


def history(ctx: SettingsContext, org_id: str, limit: int = 50) -> list[dict]:
    with ctx.pool.connection() as conn:
        return repository.payment_method_history(conn, org_id, limit)


def change(ctx: SettingsContext, org_id: str, fields: dict, changed_by: str) -> tuple[dict, bool]:
    """Validate and save; (saved row, whether it changed). Saving the same method again
    changes nothing and publishes nothing. InvalidPaymentMethod leaves everything as it was."""
    method = parse_payment_method(
        fields.get("method"),
        fields.get("number"),
        fields.get("clearing_number"),
        fields.get("account_number"),
    )
    with transaction(ctx.pool) as conn:
        row = repository.current_payment_method(conn, org_id, lock=True)
        if row is not None and as_method(row) == method:
            return row, False
        revision = (row["revision"] if row else 0) + 1
        now = ctx.clock()
        repository.save_payment_method(conn, org_id, method, revision, changed_by, now)
        publish(
            conn,
            EVENT,
            org_id,
            {
                "method": method.method,
                "display": method.masked,
                "bank_name": method.bank_name,
                "revision": revision,
                "changed_by": changed_by,
                "changed_at": now,
            },
        )
        return repository.current_payment_method(conn, org_id), True
