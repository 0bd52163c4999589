"""Changing the payment method, on a fake store: what is kept, what is published, what is not."""

import pytest
from settings.domain.payment import InvalidPaymentMethod
from settings.handlers import payment, seed

ORG = "5d0c4f0e-8a3e-4d7b-9a57-0d3c9f1e2a10"
BANKGIRO = {"method": "bankgiro", "number": "160-9908"}


def test_a_new_payment_method_is_kept_with_who_and_when_and_published(svc):
    row, changed = payment.change(svc, ORG, BANKGIRO, "user:kaisa")
    assert changed
    assert (row["number"], row["revision"], row["changed_by"]) == ("1609908", 1, "user:kaisa")
    assert row["changed_at"] == svc.clock()
    [(event_type, org_id, data)] = svc.store.published
    assert (event_type, org_id) == ("settings.payment_method_changed", ORG)
    assert (data["display"], data["revision"], data["changed_by"]) == ("160-9908", 1, "user:kaisa")


def test_saving_the_same_method_again_changes_nothing_and_publishes_nothing(svc):
    payment.change(svc, ORG, BANKGIRO, "user:kaisa")
    svc.clock.advance(60)
    row, changed = payment.change(svc, ORG, {"method": "bankgiro", "number": "1609908"}, "user:2")
    assert not changed
    assert (row["revision"], row["changed_by"]) == (1, "user:kaisa")
    assert len(svc.store.published) == 1
    assert len(payment.history(svc, ORG)) == 1


def test_a_different_method_is_the_next_revision_and_history_is_newest_first(svc):
    payment.change(svc, ORG, BANKGIRO, "user:kaisa")
    payment.change(svc, ORG, {"method": "bankgiro", "number": "5591-9252"}, "user:olle")
    assert [e["revision"] for e in payment.history(svc, ORG)] == [2, 1]
    assert payment.current(svc, ORG)["changed_by"] == "user:olle"


def test_an_invalid_method_is_refused_per_field_and_keeps_and_publishes_nothing(svc):
    with pytest.raises(InvalidPaymentMethod) as refused:
        payment.change(svc, ORG, {"method": "bankgiro", "number": "160-9907"}, "user:kaisa")
    assert list(refused.value.fields) == ["number"]
    assert payment.current(svc, ORG) is None
    assert svc.store.published == []


def test_the_demo_seed_creates_the_demo_method_once(svc):
    assert seed.seed_demo(svc) == ["payment method Bankgiro 5591-9252"]
    assert seed.seed_demo(svc) == []
    assert len(svc.store.published) == 1
