"""A checkout whose var/secrets.env is new, on a machine that has the databases of an earlier
one: `make run` stops with a message naming the two ways out instead of a traceback, and
`make reset` drops exactly the local run's databases and var/, after a typed confirmation."""

import subprocess
from pathlib import Path

import psycopg
import pytest
from localrun import ROOT
from servicekit import db

pytestmark = pytest.mark.slow


def sh(command: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        shell=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )


def exists(url: str) -> bool:
    with psycopg.connect(db.with_database(url, "postgres")) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db.database_name(url),))
        return row.fetchone() is not None


def test_new_secrets_over_old_databases_then_make_reset(local_run_env, make_database):
    env, _, urls = local_run_env
    var_dir = Path(env["RF_VAR_DIR"])
    earlier = sh("deploy/secrets.sh && deploy/manage.sh migrate && deploy/manage.sh seed-demo", env)
    assert earlier.returncode == 0, earlier.stdout + earlier.stderr
    (var_dir / "secrets.env").unlink()  # as a fresh clone, or a deleted var/, has it

    refused = sh("make run", env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "do not open with TOKENS_ENCRYPTION_KEYS" in output, output
    assert "bring back the secrets.env" in output and "`make reset`" in output
    assert "Traceback" not in output

    someone_elses = make_database(prefix="not_the_local_run")
    declined = sh("make reset", env, input="no\n")
    assert declined.returncode != 0 and "Nothing deleted." in declined.stdout
    assert all(exists(url) for url in urls.values()) and var_dir.is_dir()

    reset = sh("make reset YES=1", env)
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert [name for name, url in urls.items() if exists(url)] == []
    assert exists(someone_elses), "make reset dropped a database that is not the local run's"
    assert not var_dir.exists()
