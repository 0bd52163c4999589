"""Pytest plugin (auto-loaded through the `pytest11` entry point): the Fortnox sandbox for tests.

Fixtures
--------
``fortnox_sandbox`` (session)
    Starts the sandbox under real gunicorn (2 workers of servicekit.gthread_worker) on a free
    127.0.0.1 port, with a throwaway database (``make_database``), the control API enabled and
    a random client secret.
    Yields a :class:`SandboxServer`:

    - ``base_url`` (== ``auth_url`` == ``api_url``: use it for FORTNOX_AUTH_URL and
      FORTNOX_API_URL), ``client_id``, ``client_secret``, ``redirect_uri`` (the first of
      ``redirect_uris``), ``database_url``;
    - ``env()``: the FORTNOX_* variables a service under test needs to talk to it;
    - ``control``: a :class:`SandboxControl` (one method per control call, see below);
    - ``create_tenant(...)`` -> :class:`Tenant` (tenant_id, company_name, organization_number,
      username, password, legacy_token; a system-administrator user and a legacy token by
      default);
    - ``authorize_url(state, scopes=..., account_type=None, redirect_uri=None)``;
    - ``consent(url, username, password, approve=True)`` -> :class:`Authorization`: drives the
      Fortnox login and "Godkänn behörigheter" (or the refusal) over HTTP with ``requests``, as
      a browser would, and returns the final redirect's ``code``/``state`` (or ``error``,
      ``error_description``) without following it. ``url`` is any authorize URL, for instance
      the one the tokens service built;
    - ``connect(tenant, ...)``: ``authorize_url`` + ``consent`` in one call;
    - ``token(...)``, ``refresh(...)``, ``client_credentials(...)``, ``migrate(...)``,
      ``revoke(...)``, ``revoke_legacy(...)``, ``company_information(...)``: raw
      ``requests.Response`` of the real endpoints, for tests that check the sandbox itself.

``fortnox_sandbox_redirect_uris`` (session)
    The redirect URIs registered at start; override it in a conftest.py to register your own.
    More can be added at run time with ``control.add_redirect_uri(uri)``.

Control calls (``SandboxControl``; each raises on an unexpected status)
    ``inject_fault(endpoint, status=None, count=1, retry_after=None, hang_seconds=None)`` with
    endpoint one of auth, token, migrate, revoke, companyinformation and status 500, 503 or 429
    (faults are global: call ``clear_faults()`` after your test); ``faults()``;
    ``revoke_consent(tenant_id)`` (the customer removes the integration: consents, refresh and
    access tokens end); ``move_to_service_account(tenant_id)`` (Fortnox moves a refresh-token
    customer to client credentials: a service-account consent with the scopes of the tenant's
    live refresh-token grant; 409 without one, idempotent); ``expire_tokens(tenant_id)``
    (access tokens expire now);
    ``set_licensed(tenant_id, bool)`` (False: migrate answers 403);
    ``set_migrate_fails(tenant_id, bool)`` (True: migrate answers 400);
    ``age(tenant_id, seconds)`` (moves the tenant's codes and tokens into the past, e.g.
    45 days for refresh-token expiry); ``tenant_state(tenant_id)``;
    ``counters(tenant_id=None)`` -> dict with ``token_calls``, ``invalid_grant``,
    ``migrate_calls``, ``faults_served`` (each {label: n, "total": n}) and ``refreshes``,
    ``companyinformation_calls``, ``revoke_calls``, ``rate_limited`` (ints);
    ``reset_counters()``; ``create_tenant(**fields)``, ``create_user(tenant_id, ...)``,
    ``create_legacy_token(tenant_id, client_id=None)``, ``create_tenants_bulk(count)``;
    ``add_redirect_uri(uri)``.

The sandbox is shared by the whole session: create your own tenant per test rather than using
fixed ids, and read counters per tenant.
"""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from servicekit.gthread_worker import WORKER_CLASS
from servicekit.mailsink import free_port

from fortnox_sandbox.entrypoints.api import MIGRATIONS
from fortnox_sandbox.harness.control import SandboxControl
from fortnox_sandbox.harness.server import (
    CLIENT_ID,
    DEFAULT_REDIRECT_URIS,
    DEFAULT_SCOPES,
    Authorization,
    SandboxServer,
    Tenant,
)

__all__ = ["Authorization", "SandboxControl", "SandboxServer", "Tenant"]


def _wait_until_healthy(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the sandbox exited: {log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{base_url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or workers still booting
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the sandbox did not answer within 60 s: {log_path.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def fortnox_sandbox_redirect_uris() -> list[str]:
    return list(DEFAULT_REDIRECT_URIS)


@pytest.fixture(scope="session")
def fortnox_sandbox(make_database, fortnox_sandbox_redirect_uris):
    database_url = make_database(MIGRATIONS, prefix="t_sandbox")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    client_secret = secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"} | {
        "FORTNOX_SANDBOX_DATABASE_URL": database_url,
        "FORTNOX_CLIENT_ID": CLIENT_ID,
        "SANDBOX_CLIENT_SECRET": client_secret,
        "SANDBOX_REDIRECT_URIS": " ".join(fortnox_sandbox_redirect_uris),
        "SANDBOX_CONTROL_ENABLED": "true",
        "FORTNOX_SCOPES": " ".join(DEFAULT_SCOPES),
        "LOG_LEVEL": "WARNING",
    }
    log = tempfile.NamedTemporaryFile("w+", prefix="fortnox-sandbox-", suffix=".log", delete=False)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "2",
        "-k",
        WORKER_CLASS,
        "--threads",
        "8",
        "--timeout",
        "120",
        "-b",
        f"127.0.0.1:{port}",
        "fortnox_sandbox.entrypoints.api:create_app()",
    ]
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait_until_healthy(process, base_url, Path(log.name))
        yield SandboxServer(base_url, client_secret, fortnox_sandbox_redirect_uris, database_url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        os.unlink(log.name)
