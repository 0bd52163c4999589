"""Fixtures of the tokens service's tests: configuration against the Fortnox sandbox, the
service's handlers in-process, and the service under real gunicorn."""

import base64
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests
from psycopg.rows import dict_row
from servicekit import db
from servicekit.events.harness import stop_process
from servicekit.gthread_worker import WORKER_CLASS
from servicekit.mailsink import free_port
from servicekit.migrate import migrate
from servicekit.testing import CALLER_KEYS, internal_headers
from tokens import config as service_config
from tokens.bootstrap import bootstrap
from tokens.entrypoints.workers import MIGRATIONS
from tokens.handlers import connect

CALLBACK_BASE = "http://127.0.0.1:9"  # the sandbox fixture's registered redirect host


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(scope="session")
def tokens_env(fortnox_sandbox, make_database, amqp_url, tmp_path_factory) -> dict:
    database_url = make_database(prefix="t_tokens")
    migrate(database_url, MIGRATIONS)
    return {
        **fortnox_sandbox.env(),
        "TOKENS_DATABASE_URL": database_url,
        "AMQP_URL": amqp_url,
        **CALLER_KEYS,
        "TOKENS_ENCRYPTION_KEYS": f"t1:{_key()}",
        "PUBLIC_BASE_URL": CALLBACK_BASE,
        "TOKENS_RETRY_BASE_SECONDS": "0.05",
        "TOKENS_COOLDOWN_SECONDS": "0.2",
        "TOKENS_FORTNOX_TIMEOUT_SECONDS": "5",
        "TOKENS_LOCK_WAIT_SECONDS": "20",
        "TOKENS_REFRESHER_INTERVAL_SECONDS": "0.2",
        "TOKENS_REFRESHER_RATE": "50",
        "LOG_LEVEL": "INFO",
        # off, so tests that disconnect in one process and hand out in another see it at once
        "TOKENS_HANDOUT_CACHE_SECONDS": "0",
        "RF_VAR_DIR": str(tmp_path_factory.mktemp("var")),
    }


@pytest.fixture(scope="session")
def tokens_config(tokens_env) -> dict:
    return service_config.load(tokens_env)


@pytest.fixture(scope="session")
def tokens_pool(tokens_config):
    pool = db.open_pool(tokens_config["DATABASE_URL"], max_size=30, name="tokens-tests")
    yield pool
    pool.close()


@pytest.fixture
def svc(tokens_config, tokens_pool, fortnox_sandbox):
    yield bootstrap(tokens_config, tokens_pool)
    fortnox_sandbox.control.clear_faults()


@pytest.fixture
def raw(tokens_config):
    """A plain connection to the service's database, to read raw rows."""
    with psycopg.connect(
        tokens_config["DATABASE_URL"], row_factory=dict_row, autocommit=True
    ) as conn:
        yield conn


@dataclass
class Connected:
    org_id: str
    tenant: object
    user_id: str
    session_ref: str
    outcome: str  # connected, or upgraded (a legacy token replaced)


@pytest.fixture
def connect_org(svc, fortnox_sandbox):
    """Factory: a new organisation connected through the whole interactive flow."""

    def _connect(tenant=None, *, account_type=None, org_id=None) -> Connected:
        tenant = tenant or fortnox_sandbox.create_tenant(legacy_token=False)
        org_id = org_id or str(uuid.uuid4())
        user_id, session_ref = str(uuid.uuid4()), secrets.token_urlsafe(12)
        started = connect.start_connect(svc, org_id, user_id, session_ref, account_type)
        answer = fortnox_sandbox.consent(started["authorize_url"], tenant.username, tenant.password)
        outcome = connect.complete_connect(
            svc,
            state=answer.state,
            code=answer.code,
            error=answer.error,
            user_id=user_id,
            session_ref=session_ref,
        )
        assert outcome.outcome in ("connected", "upgraded"), outcome
        return Connected(org_id, tenant, user_id, session_ref, outcome.outcome)

    return _connect


def events_of(raw, org_id: str, event_type: str | None = None) -> list[dict]:
    query = "SELECT type, envelope FROM outbox WHERE org_id = %s"
    params = [org_id]
    if event_type:
        query += " AND type = %s"
        params.append(event_type)
    return raw.execute(query + " ORDER BY seq", params).fetchall()


def expire_soon(raw, org_id: str, seconds: float = 10) -> None:
    """Our copy of the access token is about to expire (inside the refresh margin)."""
    raw.execute(
        "UPDATE connections SET access_expires_at = now() + make_interval(secs => %s),"
        " last_used_at = now() WHERE org_id = %s",
        (seconds, org_id),
    )


@dataclass
class TokensServer:
    base_url: str
    log_path: Path

    def post(self, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
        headers = internal_headers(path) | (headers or {})
        return requests.post(self.base_url + path, headers=headers, timeout=60, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        headers = internal_headers(path)
        return requests.get(self.base_url + path, headers=headers, timeout=60, **kwargs)


def spawn(args: list[str], env: dict, log) -> subprocess.Popen:
    clean = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    return subprocess.Popen(
        args, env=clean | env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


@pytest.fixture(scope="session")
def tokens_server(tokens_env):
    """The tokens service under gunicorn: 3 worker processes of the platform's gthread worker."""
    port = free_port()
    log = tempfile.NamedTemporaryFile("w+", prefix="tokens-", suffix=".log", delete=False)
    args = [sys.executable, "-m", "gunicorn", "-w", "3", "-k", WORKER_CLASS, "--threads", "8"]
    args += ["-b", f"127.0.0.1:{port}", "tokens.entrypoints.api:create_app()"]
    process = spawn(args, tokens_env, log)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"tokens did not start: {Path(log.name).read_text()[-3000:]}")
        try:
            if requests.get(base_url + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    yield TokensServer(base_url, Path(log.name))
    stop_process(process)
    log.close()


@pytest.fixture(scope="session")
def helpers():
    """Small helpers for test modules (importlib mode keeps conftest out of their imports)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        events_of=events_of, expire_soon=expire_soon, spawn=spawn, stop=stop_process
    )
