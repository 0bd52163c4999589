"""Use cases of the payment method: read it, change it (kept with who and when, published)."""

from settings.domain.payment import PaymentMethod, parse_payment_method
from settings.handlers import Services

EVENT = "settings.payment_method_changed"


def as_method(row: dict) -> PaymentMethod:
    return PaymentMethod(row["method"], row["number"], row["clearing_number"], row["bank_name"])


def current(svc: Services, org_id: str) -> dict | None:
    return svc.store.payment_method(org_id)


def history(svc: Services, org_id: str, limit: int = 50) -> list[dict]:
    return svc.store.payment_history(org_id, limit)


def change(svc: Services, org_id: str, fields: dict, changed_by: str) -> tuple[dict, bool]:
    """Validate and save; (saved row, whether it changed). Saving the same method again
    changes nothing and publishes nothing. InvalidPaymentMethod leaves everything as it was."""
    method = parse_payment_method(
        fields.get("method"),
        fields.get("number"),
        fields.get("clearing_number"),
        fields.get("account_number"),
    )
    with svc.store.payment_locked(org_id) as record:
        row = record.current()
        if row is not None and as_method(row) == method:
            return row, False
        revision = (row["revision"] if row else 0) + 1
        now = svc.clock()
        record.save(method, revision, changed_by, now)
        record.publish(
            EVENT,
            {
                "method": method.method,
                "display": method.masked,
                "bank_name": method.bank_name,
                "revision": revision,
                "changed_by": changed_by,
                "changed_at": now,
            },
        )
        return record.current(), True
