"""rfadmin as operators run it: the installed console script in a subprocess, against a throwaway
tokens database, the Fortnox sandbox and the real RabbitMQ."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tokens.adapters.crypto import new_key

RFADMIN = Path(sys.executable).parent / "rfadmin"


@pytest.fixture(scope="session")
def rfadmin_env(fortnox_sandbox, make_database, amqp_url, tmp_path_factory) -> dict:
    if not RFADMIN.is_file():
        pytest.fail(f"{RFADMIN} is missing: run deploy/bootstrap.sh")
    return {
        **fortnox_sandbox.env(),
        "TOKENS_DATABASE_URL": make_database(prefix="t_rfadmin"),
        "AMQP_URL": amqp_url,
        "TOKENS_ENCRYPTION_KEYS": f"k1:{new_key()}",
        "TOKENS_RETRY_BASE_SECONDS": "0.05",
        "LOG_LEVEL": "WARNING",
        "RF_VAR_DIR": str(tmp_path_factory.mktemp("rfadmin-var")),
    }


@pytest.fixture
def rfadmin(rfadmin_env):
    """Runs `rfadmin ARGS...`; `env` adds or replaces variables, `input` is its standard input."""

    def run(*args: str, env: dict | None = None, input: str | None = None):
        base = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        return subprocess.run(
            [str(RFADMIN), *args],
            env=base | rfadmin_env | (env or {}),
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run
