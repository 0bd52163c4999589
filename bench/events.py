"""Throughput of the event bus: outbox -> relay -> RabbitMQ -> consumer (inbox + effect).

    .venv/bin/python bench/events.py [--events 5000] [--orgs 10] [--relays 1]

Uses throwaway databases and its own exchange on the local PostgreSQL and RabbitMQ (the
TEST_POSTGRES_URL / TEST_AMQP_URL of the tests if set), and removes them afterwards.
Not a test: it prints figures and asserts nothing but completeness.
"""

import os
import time
import uuid

import click
import psycopg
from servicekit import db
from servicekit.events import probes
from servicekit.events.consumer import Consumer
from servicekit.events.harness import running_consumer, running_relay, wait_for
from servicekit.events.outbox import publish
from servicekit.events.relay import Relay
from servicekit.migrate import migrate
from servicekit.testing import LOCAL_AMQP, LOCAL_PG


def write(database_url: str, events: int, orgs: int, per_transaction: int = 100) -> float:
    started = time.perf_counter()
    with psycopg.connect(database_url) as conn:
        for first in range(0, events, per_transaction):
            with conn.transaction():
                for n in range(first, min(events, first + per_transaction)):
                    publish(conn, "probe.recorded", f"org-{n % orgs}", {"seq": n // orgs})
    return time.perf_counter() - started


@click.command(help=__doc__.splitlines()[0])
@click.option("--events", type=int, default=5000, show_default=True)
@click.option("--orgs", type=int, default=10, show_default=True)
@click.option("--relays", type=int, default=1, show_default=True)
def main(events: int, orgs: int, relays: int) -> None:
    pg = os.environ.get("TEST_POSTGRES_URL", LOCAL_PG)
    amqp = os.environ.get("TEST_AMQP_URL", LOCAL_AMQP)
    tag = uuid.uuid4().hex[:8]
    outbox_db = db.with_database(pg, f"bench_outbox_{tag}")
    inbox_db = db.with_database(pg, f"bench_inbox_{tag}")
    exchange = f"bench.{tag}"
    for url in (outbox_db, inbox_db):
        migrate(url, probes.PROBE_MIGRATIONS)
    try:
        write_seconds = write(outbox_db, events, orgs)
        consumer = Consumer(
            f"bench-{tag}",
            "probe",
            inbox_db,
            amqp,
            exchange,
            ["probe.*"],
            {"probe.recorded": probes.record_probe},
            prefetch=100,
        )
        relays = [Relay(f"bench-{i}", outbox_db, amqp, exchange) for i in range(relays)]
        with running_consumer(consumer):
            started = time.perf_counter()
            contexts = [running_relay(relay) for relay in relays]
            for context in contexts:
                context.__enter__()
            try:
                wait_for(lambda: probes.outbox_counts(outbox_db)[1] == 0, 600, "the relay")
                relayed = time.perf_counter() - started
                wait_for(lambda: probes.applied_count(inbox_db) >= events, 600, "consumer")
                applied = time.perf_counter() - started
            finally:
                for context in reversed(contexts):
                    context.__exit__(None, None, None)
        rows = probes.applied(inbox_db)
        assert len({r[0] for r in rows}) == events and not probes.out_of_order(rows)
        print(f"events                      {events} over {orgs} organisations")
        print(f"outbox writes (100 per tx)  {events / write_seconds:8.0f} events/s")
        print(
            f"relay ({relays} thread(s))          {events / relayed:8.0f} events/s "
            "(published with confirms, marked sent)"
        )
        print(
            f"end to end (applied)        {events / applied:8.0f} events/s "
            f"({applied:.1f} s for all)"
        )
    finally:
        for url in (outbox_db, inbox_db):
            db.drop_database(url)
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(amqp))
        connection.channel().exchange_delete(exchange)
        connection.close()


if __name__ == "__main__":
    main()
