"""Fixtures of the event bus tests: a publishing and a consuming database, probe consumers."""

import uuid

import pytest
from servicekit.events.consumer import Consumer
from servicekit.events.probes import PROBE_MIGRATIONS, record_probe


@pytest.fixture
def outbox_db(make_database) -> str:
    """The database of the publishing service (its outbox)."""
    return make_database(PROBE_MIGRATIONS, prefix="t_outbox")


@pytest.fixture
def consumer_db(make_database) -> str:
    """The database of the consuming service (its inbox and probe_applied)."""
    return make_database(PROBE_MIGRATIONS, prefix="t_inbox")


@pytest.fixture
def service_name() -> str:
    """A service name of the test's own, so its queues never meet a running platform's."""
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def probe_consumer(consumer_db, amqp_url, exchange_name, service_name):
    """Factory of consumers of probe.* events; the default handler records each application."""

    def make(handler=record_probe, name="probe", bindings=("probe.*",), **options) -> Consumer:
        return Consumer(
            service_name,
            name,
            consumer_db,
            amqp_url,
            exchange_name,
            list(bindings),
            {"probe.recorded": handler},
            **options,
        )

    return make
