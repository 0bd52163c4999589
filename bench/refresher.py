"""Refresher benchmark: how long the refresher needs to bring N connections, all due for
refresh, up to date against the Fortnox sandbox.

    .venv/bin/python bench/refresher.py [--connections 10000] [--replicas 2] [--concurrency 8]

Sets up the sandbox and a throwaway tokens database, creates N tenants with legacy tokens,
imports them and migrates them to OAuth with the service's own migrator code (timed too), marks
every connection's refresh token as due, then starts the refresher replicas (without their rate
limit) and times until none is due. Not a test: it prints figures.
"""

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))

from handout import start_sandbox, tokens_env  # noqa: E402
from loadgen import Processes  # noqa: E402


@click.command(help=__doc__.splitlines()[0])
@click.option("--connections", type=int, default=10_000, show_default=True)
@click.option("--replicas", type=int, default=2, show_default=True)
@click.option(
    "--concurrency", type=int, default=8, show_default=True, help="renewals in flight per replica"
)
def main(connections: int, replicas: int, concurrency: int) -> None:
    from fortnox_sandbox.harness.control import SandboxControl
    from servicekit import db
    from servicekit.migrate import migrate
    from tokens import config as service_config
    from tokens.bootstrap import bootstrap
    from tokens.entrypoints.workers import MIGRATIONS
    from tokens.handlers import imports, migration, schedule

    procs = Processes()
    database = procs.database("bench_refresher")
    try:
        sandbox = start_sandbox(procs, workers=2)
        control = SandboxControl(sandbox[0], sandbox[1], sandbox[2])
        env = tokens_env(sandbox, database)
        migrate(database, MIGRATIONS)
        pool = db.open_pool(database, max_size=20)
        svc = bootstrap(service_config.load(env), pool)
        n = connections

        started = time.perf_counter()
        tenants = []
        while len(tenants) < n:
            tenants += control.create_tenants_bulk(min(1000, n - len(tenants)))
        org_ids = [f"00000000-0000-4000-8000-{t['tenant_id']:012d}" for t in tenants]
        with ThreadPoolExecutor(8) as threads:
            list(
                threads.map(
                    lambda pair: imports.import_legacy(
                        svc, pair[0], pair[1]["legacy_token"], None, actor="bench"
                    ),
                    zip(org_ids, tenants, strict=True),
                )
            )
        setup = time.perf_counter() - started

        # Migration without the customer is an operator's decision: schedule them all for now.
        schedule.schedule(svc, None, None, actor="bench", by="bench")
        started = time.perf_counter()
        counts = migration.migrate_many(svc, org_ids, actor="bench", concurrency=8, per_second=0)
        migrated = time.perf_counter() - started

        with pool.connection() as conn:
            conn.execute("UPDATE connections SET keepalive_at = now() - interval '1 second'")
        refreshes_before = control.counters()["refreshes"]
        worker_env = env | {
            "TOKENS_REFRESHER_RATE": "0",
            "TOKENS_REFRESHER_CONCURRENCY": str(concurrency),
            "TOKENS_REFRESHER_INTERVAL_SECONDS": "0.2",
        }
        started = time.perf_counter()
        for i in range(replicas):
            procs.spawn(
                [sys.executable, "-m", "tokens.entrypoints.refresher"], worker_env, f"refresher-{i}"
            )
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            with pool.connection() as conn:
                due = conn.execute(
                    "SELECT count(*) AS n FROM connections WHERE state = 'connected'"
                    " AND keepalive_at <= now()"
                ).fetchone()["n"]
            if due == 0:
                break
            time.sleep(0.2)
        else:
            raise SystemExit(f"{due} connections were still due after 30 minutes")
        refreshed = time.perf_counter() - started
        refreshes = control.counters()["refreshes"] - refreshes_before
        with pool.connection() as conn:
            health = conn.execute(
                "SELECT state, health, count(*) AS n FROM connections GROUP BY 1, 2"
            ).fetchall()
        pool.close()
    finally:
        procs.stop_all()
    print(f"refresher benchmark: {n} connections against the sandbox (2 gunicorn workers)")
    print(f"  setup (tenants + legacy import):   {setup:7.1f} s")
    print(
        f"  legacy migration (8 in flight):    {migrated:7.1f} s  ({n / migrated:5.0f}/s)  {counts}"
    )
    print(
        f"  refresher, {replicas} replicas x {concurrency}:"
        f"        {refreshed:7.1f} s  ({n / refreshed:5.0f}/s), {refreshes} refreshes at the sandbox"
    )
    print(f"  connections afterwards: {[(r['state'], r['health'], r['n']) for r in health]}")
    print(
        "  at the default rate limit (TOKENS_REFRESHER_RATE=10/s per replica) the same work is"
        f" spread over {n / (10 * replicas) / 60:.0f} min"
    )


if __name__ == "__main__":
    main()
