"""The settings event consumer: `python -m settings.entrypoints.consumer` (any number of replicas).

Keeps company info current from the tokens service's token.connected, token.upgraded and
company.updated events; each event is applied once (inbox), in one transaction with its effect.
"""

from functools import partial

import psycopg
from servicekit import config as env
from servicekit.events.consumer import Consumer, run_consumer
from servicekit.logs import setup_logging

from settings import config as service_config
from settings.adapters.repository import CompanyRecord
from settings.handlers import company

NAME = "company-info"
# The documented default of EVENTS_EXCHANGE: the platform's own exchange.
PLATFORM_EXCHANGE = env.get("EVENTS_EXCHANGE", {})


def apply(conn: psycopg.Connection, envelope: dict) -> None:
    """In the consumer's transaction, with its inbox entry."""
    company.on_event(partial(CompanyRecord, conn), envelope)


HANDLERS = dict.fromkeys(company.EVENTS, apply)


def queue_owner(exchange: str) -> str:
    """`settings` on the platform's exchange; a platform on an exchange of its own (tests, the
    smoke run) gets queues of its own, so it never takes another's events on a shared broker."""
    return "settings" if exchange == PLATFORM_EXCHANGE else f"settings@{exchange}"


def build_consumer(config: dict, **options) -> Consumer:
    exchange = config["EVENTS_EXCHANGE"]
    return Consumer(
        queue_owner(exchange),
        NAME,
        config["DATABASE_URL"],
        config["AMQP_URL"],
        exchange,
        list(HANDLERS),
        HANDLERS,
        **options,
    )


def main() -> None:
    config = service_config.base()
    setup_logging("settings-consumer", config["LOG_LEVEL"])
    run_consumer(build_consumer(config))


if __name__ == "__main__":
    main()
