"""The settings outbox relay: `python -m settings.entrypoints.relay` (any number of replicas).

It reads only the variables it needs, so it runs without the service's secrets.
"""

from servicekit import config as env
from servicekit.events.relay import relay_options, run_relay
from servicekit.logs import setup_logging


def main() -> None:
    setup_logging("settings-relay", env.get("LOG_LEVEL"))
    run_relay(
        "settings",
        env.get("SETTINGS_DATABASE_URL"),
        env.get("AMQP_URL"),
        env.get("EVENTS_EXCHANGE"),
        **relay_options(),
    )


if __name__ == "__main__":
    main()
