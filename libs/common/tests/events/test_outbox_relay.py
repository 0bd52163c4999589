"""The outbox and its relay: what is committed is delivered, in order per organisation."""

import psycopg
from servicekit.events import probes
from servicekit.events.harness import running_consumer, running_relay, wait_for
from servicekit.events.outbox import publish
from servicekit.events.relay import Relay


def test_committed_events_are_delivered_and_applied_once_in_order_per_organisation(
    outbox_db, consumer_db, amqp_url, exchange_name, probe_consumer
):
    written = probes.write_probes(outbox_db, ["org-a", "org-b", "org-c"], per_org=20)
    relay = Relay("probe", outbox_db, amqp_url, exchange_name, batch_size=25)
    with running_consumer(probe_consumer()), running_relay(relay):
        wait_for(lambda: probes.applied_count(consumer_db) >= len(written), what="applications")
    rows = probes.applied(consumer_db)
    assert sorted(r[0] for r in rows) == sorted(e["id"] for e in written)
    assert probes.out_of_order(rows) == []
    assert probes.outbox_counts(outbox_db) == (len(written), 0)


def test_an_event_written_in_a_rolled_back_transaction_is_never_published(
    outbox_db, consumer_db, amqp_url, exchange_name, probe_consumer
):
    with psycopg.connect(outbox_db) as conn:
        with conn.transaction(force_rollback=True):
            rolled_back = publish(conn, "probe.recorded", "org-a", {"seq": 1, "note": "undone"})
        with conn.transaction():
            committed = publish(conn, "probe.recorded", "org-a", {"seq": 2, "note": "kept"})
    relay = Relay("probe", outbox_db, amqp_url, exchange_name)
    with running_consumer(probe_consumer()), running_relay(relay):
        wait_for(lambda: probes.applied_count(consumer_db) >= 1, what="the committed event")
        # The committed event came after the rolled-back one: had that been sent, it would be
        # applied first; wait until the outbox is empty to be sure the relay has seen everything.
        wait_for(lambda: probes.outbox_counts(outbox_db)[1] == 0, what="an empty outbox")
    assert [r[0] for r in probes.applied(consumer_db)] == [committed["id"]]
    assert rolled_back["id"] != committed["id"]
