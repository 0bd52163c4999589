"""The sandbox reads its keys while it starts: started while PostgreSQL is down, it waits for it
instead of failing, and serves once it is back. PostgreSQL is a cluster of the test's own."""

import threading
import time

from fortnox_sandbox import config as sandbox_config
from fortnox_sandbox.entrypoints.api import create_app
from servicekit import db


def test_the_sandbox_started_while_postgresql_is_down_waits_and_then_serves(own_postgres):
    own_postgres.stop()
    environ = {
        "FORTNOX_SANDBOX_DATABASE_URL": db.with_database(own_postgres.url, "rf_sandbox"),
        "SANDBOX_CLIENT_SECRET": "sandbox-test-secret",
        "LOG_LEVEL": "WARNING",
    }
    created = []
    starting = threading.Thread(
        target=lambda: created.append(create_app(sandbox_config.load(environ))), daemon=True
    )
    starting.start()
    time.sleep(2)
    assert starting.is_alive() and not created  # waiting, not failed
    own_postgres.start()
    starting.join(60)
    assert created, "the sandbox did not start once PostgreSQL was back"
    try:
        assert created[0].test_client().get("/readyz").status_code == 200
    finally:
        created[0].extensions["db_pool"].close()
