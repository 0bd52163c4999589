"""The auth outbox relay: `python -m auth.entrypoints.relay` (any number of replicas).

It reads only the base of the service's config, so it runs without the service's secrets.
"""

from servicekit.events.relay import run_service_relay

from auth import config as service_config


def main() -> None:
    run_service_relay(service_config.base)


if __name__ == "__main__":
    main()
