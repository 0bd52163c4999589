"""The token service scaled out on one machine, and what a scaling test does to it.

`scaled_tokens` starts, next to the `fortnox_sandbox` fixture and on throwaway databases and an
exchange of its own: two tokens gunicorn masters of 3 workers each, two refreshers, two tokens
relays, the settings web app, two settings relays and two settings consumers. Before they start
it adds two things only the test reads: a queue bound to every event of the exchange (the tap:
what the relays really published) and, in the settings database, triggers that log every write
of company info and every inbox row with their transaction (what the consumers really did).
"""

import importlib.util
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pika
import psycopg
import pytest
import requests
from psycopg.rows import dict_row
from servicekit.events import topology
from servicekit.events.harness import open_tap, wait_for
from servicekit.migrate import migrate
from servicekit.testing import vouched_headers
from settings.domain.checksums import luhn_check_digit
from settings.entrypoints.api import MIGRATIONS as SETTINGS_MIGRATIONS
from settings.entrypoints.consumer import NAME as CONSUMER_NAME
from settings.entrypoints.consumer import queue_owner
from tokens.adapters.repository import lock_key

ROOT = Path(__file__).resolve().parents[2]
CALLBACK_BASE = "http://127.0.0.1:9"  # the sandbox fixture's registered redirect host

EFFECT_LOG = """
CREATE TABLE scale_effects (
    n bigserial PRIMARY KEY, org_id uuid, version integer, source text, as_of timestamptz,
    txid bigint NOT NULL DEFAULT txid_current());
CREATE TABLE scale_inbox_tx (
    event_id uuid, event_type text, txid bigint NOT NULL DEFAULT txid_current());
CREATE FUNCTION scale_effect() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    INSERT INTO scale_effects (org_id, version, source, as_of)
    VALUES (NEW.org_id, NEW.version, NEW.source, NEW.as_of); RETURN NULL; END $$;
CREATE TRIGGER scale_effect AFTER INSERT OR UPDATE ON company_info
    FOR EACH ROW EXECUTE FUNCTION scale_effect();
CREATE FUNCTION scale_inbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    INSERT INTO scale_inbox_tx (event_id, event_type) VALUES (NEW.event_id, NEW.event_type);
    RETURN NULL; END $$;
CREATE TRIGGER scale_inbox AFTER INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION scale_inbox();
"""


@dataclass
class Rig:
    """The running services and the test's hands on them."""

    platform: object
    sandbox: object
    tap: str
    consumer_queue: str
    tokens_urls: list[str] = field(default_factory=list)
    start_seconds: float = 0.0
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def env(self) -> dict:
        return self.platform.env

    def db(self, name: str) -> psycopg.Connection:
        url = {
            "tokens": self.env["TOKENS_DATABASE_URL"],
            "settings": self.env["SETTINGS_DATABASE_URL"],
            "sandbox": self.sandbox.database_url,
        }[name]
        return psycopg.connect(url, row_factory=dict_row, autocommit=True)

    def call(self, method: str, url: str, **kwargs) -> requests.Response:
        """As the caller the services allow, with auth's word for an action."""
        org = re.search(r"/organisations/([^/]+)", url)
        headers = vouched_headers(method, url, org.group(1) if org else None)
        return self.http.request(method, url, headers=headers, timeout=60, **kwargs)

    def connect(self, org_id: str, tenant, start: int, finish: int) -> dict:
        """ "Ny Token" over HTTP: started on one tokens replica, Fortnox's answer on another."""
        path = f"/internal/organisations/{org_id}/fortnox/connect"
        started = self.call("POST", self.tokens_urls[start] + path, json={})
        assert started.status_code == 201, started.text
        answer = self.sandbox.consent(
            started.json()["authorize_url"], tenant.username, tenant.password
        )
        body = {"state": answer.state, "code": answer.code, "error": answer.error}
        done = self.call("POST", self.tokens_urls[finish] + "/internal/fortnox/callback", json=body)
        assert done.status_code == 200, done.text
        return done.json()

    def import_legacy(self, rows: list[tuple[str, str]]) -> None:
        """The operators' import of legacy tokens (CSV on standard input, never a file)."""
        subprocess.run(
            [sys.executable, "-m", "tokens.entrypoints.cli", "import-legacy", "-"],
            input="".join(f"{org},{token}\n" for org, token in rows),
            text=True,
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def age_if_fresh(
        self, tokens_db: psycopg.Connection, org_id: str, tenant_id: int, remaining: float
    ):
        """Move the connection's access token to `remaining` seconds before expiry, at the
        sandbox and in our copy alike, under the organisation's own lock (so no renewal is
        half-way); only a token that is not due and not in a refresher's claim (which lasts 60 s
        after a renewal: real tokens are never due again that soon). The seconds moved, or None.
        The lock is the transaction's, so it ends the moment the change shows."""
        with tokens_db.transaction():
            tokens_db.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(org_id),))
            row = tokens_db.execute(
                "SELECT extract(epoch FROM access_expires_at - now())::float AS left"
                " FROM connections WHERE org_id = %s AND kind = 'oauth' AND state = 'connected'"
                " AND refresh_started_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())",
                (org_id,),
            ).fetchone()
            if row is None or row["left"] < 1200:
                return None
            shift = row["left"] - remaining
            self.sandbox.control.age(tenant_id, shift)
            tokens_db.execute(
                "UPDATE connections SET access_expires_at = access_expires_at"
                " - make_interval(secs => %s) WHERE org_id = %s",
                (shift, org_id),
            )
            return shift

    def rename_and_check(self, org_id: str, tenant_id: int, replica: int) -> dict:
        """The customer renames the company at Fortnox; "Kontrollera koppling" sees it."""
        with self.db("sandbox") as conn:
            conn.execute(
                "UPDATE tenants SET company_name = company_name || ' Nya' WHERE id = %s",
                (tenant_id,),
            )
        path = f"/internal/organisations/{org_id}/fortnox/check"
        checked = self.call("POST", self.tokens_urls[replica] + path, json={})
        assert checked.status_code == 200, checked.text
        return checked.json()

    def save_bankgiro(self, org_id: str, serial: int) -> dict:
        digits = f"{5000000 + serial:07d}"[:7]
        number = digits + luhn_check_digit(digits)
        url = f"{self.env['SETTINGS_URL']}/internal/organisations/{org_id}/payment-method"
        body = {"method": "bankgiro", "number": number}
        saved = self.call("PUT", url, json=body)
        assert saved.status_code == 200, saved.text
        return saved.json()

    def consumers_on_queue(self) -> int:
        """Consumers attached to the settings consumers' queue (0 before it exists)."""
        connection = pika.BlockingConnection(pika.URLParameters(self.env["AMQP_URL"]))
        try:
            declared = connection.channel().queue_declare(self.consumer_queue, passive=True)
            return declared.method.consumer_count
        except pika.exceptions.ChannelClosedByBroker:
            return 0
        finally:
            if connection.is_open:
                connection.close()

    def drain_tap(self) -> list[tuple[str, str]]:
        """(message id, type) of every message the relays published, duplicates included."""
        connection = pika.BlockingConnection(pika.URLParameters(self.env["AMQP_URL"]))
        seen = []
        try:
            channel = connection.channel()
            while True:
                method, properties, _body = channel.basic_get(self.tap, auto_ack=True)
                if method is None:
                    return seen
                seen.append((properties.message_id, properties.type))
        finally:
            connection.close()

    def dead_letters(self) -> int:
        connection = pika.BlockingConnection(pika.URLParameters(self.env["AMQP_URL"]))
        try:
            dlq = topology.dead_letter_queue(self.consumer_queue)
            return connection.channel().queue_declare(dlq, passive=True).method.message_count
        finally:
            connection.close()

    def processes_alive(self) -> bool:
        return all(process.poll() is None for process in self.platform.processes)


@pytest.fixture
def scaled_tokens(make_platform, fortnox_sandbox, amqp_url):
    env = fortnox_sandbox.env() | {
        "AMQP_URL": amqp_url,
        "PUBLIC_BASE_URL": CALLBACK_BASE,
        "LOG_LEVEL": "WARNING",
        "TOKENS_REFRESHER_INTERVAL_SECONDS": "0.5",
        # PostgreSQL's 100 connections are shared with whatever else runs on the machine: fewer
        # threads per web worker and refresher keep this run's peak near 50.
        "WEB_THREADS": "3",
        "TOKENS_REFRESHER_CONCURRENCY": "2",
    }
    platform = make_platform(
        ["tokens", "settings"],
        env=env,
        seed=False,
        instances={"tokens": 2},
        web_workers={"tokens": 3, "settings": 2},
        workers={
            "tokens.entrypoints.relay": 2,
            "tokens.entrypoints.refresher": 2,
            "settings.entrypoints.relay": 2,
            "settings.entrypoints.consumer": 2,
        },
    )
    exchange = platform.env["EVENTS_EXCHANGE"]
    consumer_queue = topology.queue_name(queue_owner(exchange), CONSUMER_NAME)
    rig = Rig(platform, fortnox_sandbox, f"{exchange}.scale-tap", consumer_queue)
    rig.tokens_urls = platform.web_urls["tokens"]
    migrate(platform.env["SETTINGS_DATABASE_URL"], SETTINGS_MIGRATIONS)
    with rig.db("settings") as conn:
        conn.execute(EFFECT_LOG)
    open_tap(platform.env["AMQP_URL"], exchange, rig.tap)
    try:
        started = time.monotonic()
        platform.start()
        # Events written before both consumers listen would still wait in their queue; waiting
        # here shows that two consumers share it.
        wait_for(lambda: rig.consumers_on_queue() == 2, 60, "two settings consumers")
        rig.start_seconds = time.monotonic() - started
        yield rig
    finally:
        _delete_tap(platform.env["AMQP_URL"], rig.tap)  # the platform removes the rest


def _delete_tap(amqp_url: str, tap: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        connection.channel().queue_delete(tap)
    finally:
        connection.close()


@pytest.fixture
def ledger_of():
    """The Ledger class of ledger.py (loaded by path: this folder is no package)."""
    spec = importlib.util.spec_from_file_location(
        "scaling_ledger", Path(__file__).with_name("ledger.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Ledger
