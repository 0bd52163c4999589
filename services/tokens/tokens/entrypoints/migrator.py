"""The legacy-migration worker: `python -m tokens.entrypoints.migrator` (any number of replicas).

It migrates only the legacy connections an operator scheduled (`schedule-migration`) once their
time has come; every other one waits for its customer's "Ny Token".
"""

import logging

from tokens.domain.model import ClientRejected
from tokens.entrypoints.workers import run_forever, start
from tokens.handlers.migration import migrate_many

BATCH = 20


def main() -> None:
    config, svc, _pool = start("migrator")
    log = logging.getLogger("tokens.migrator")

    def one_pass() -> bool:
        org_ids = svc.work.claim_due_migrations(BATCH)
        if not org_ids:
            return False
        try:
            counts = migrate_many(
                svc,
                org_ids,
                actor="migrator",
                concurrency=config["MIGRATOR_CONCURRENCY"],
                per_second=config["MIGRATOR_RATE"],
            )
        except ClientRejected as exc:
            log.error(
                "Fortnox refuses our client credentials; migration paused",
                extra={"reason": exc.reason},
            )
            return False
        log.info("migration pass", extra=counts)
        return len(org_ids) == BATCH

    run_forever("migrator", one_pass, config["MIGRATOR_INTERVAL_SECONDS"])


if __name__ == "__main__":
    main()
