"""The refresher worker: `python -m tokens.entrypoints.refresher` (any number of replicas)."""

import logging

from tokens.entrypoints.workers import run_forever, start
from tokens.handlers.migration import RateLimiter
from tokens.handlers.refresher import refresher_pass

BATCH = 50


def main() -> None:
    config, svc, _pool = start("refresher")
    limiter = RateLimiter(config["REFRESHER_RATE"])
    log = logging.getLogger("tokens.refresher")

    def one_pass() -> bool:
        counts = refresher_pass(
            svc, batch=BATCH, concurrency=config["REFRESHER_CONCURRENCY"], limiter=limiter
        )
        if counts["claimed"]:
            log.info("refresh pass", extra=counts)
        return counts["claimed"] == BATCH

    run_forever("refresher", one_pass, config["REFRESHER_INTERVAL_SECONDS"])


if __name__ == "__main__":
    main()
