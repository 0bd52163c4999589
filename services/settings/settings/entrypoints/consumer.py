"""The settings event consumer: `python -m settings.entrypoints.consumer` (any number of replicas).

Keeps company info current from the tokens service's token.connected, token.upgraded and
company.updated events; each event is applied once (inbox), in one transaction with its effect.
"""

from servicekit import config as env
from servicekit.events.consumer import Consumer, run_consumer
from servicekit.logs import setup_logging

from settings.handlers.company import HANDLERS

NAME = "company-info"
DEFAULT_EXCHANGE = "rf.events"


def queue_owner(exchange: str) -> str:
    """`settings` on the platform's exchange; a platform on an exchange of its own (tests, the
    smoke run) gets queues of its own, so it never takes another's events on a shared broker."""
    return "settings" if exchange == DEFAULT_EXCHANGE else f"settings@{exchange}"


def build_consumer(database_url: str, amqp_url: str, exchange: str, **options) -> Consumer:
    return Consumer(
        queue_owner(exchange),
        NAME,
        database_url,
        amqp_url,
        exchange,
        list(HANDLERS),
        HANDLERS,
        **options,
    )


def main() -> None:
    setup_logging("settings-consumer", env.get("LOG_LEVEL"))
    consumer = build_consumer(
        env.get("SETTINGS_DATABASE_URL"), env.get("AMQP_URL"), env.get("EVENTS_EXCHANGE")
    )
    run_consumer(consumer)


if __name__ == "__main__":
    main()
