"""`make run` as README says: starts every process, answers /healthz, stops on Ctrl-C, and a second
run keeps the data without duplicating the demo data."""

import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from auth.entrypoints import notices
from servicekit import broker, db
from servicekit.events import topology
from settings.entrypoints.consumer import NAME as CONSUMER_NAME
from settings.entrypoints.consumer import queue_owner

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("FORTNOX_SANDBOX", "AUTH", "TOKENS", "SETTINGS", "GATEWAY")
DATABASES = ("AUTH", "TOKENS", "SETTINGS", "FORTNOX_SANDBOX")

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def platform_env(postgres_url, amqp_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_PORT")}
    ports = {name: free_port() for name in (*SERVICES, "SMTP")}
    suffix = uuid.uuid4().hex[:8]
    urls = {
        name: db.with_database(postgres_url, f"smoke_{suffix}_{name.lower()}") for name in DATABASES
    }
    gateway = f"http://127.0.0.1:{ports['GATEWAY']}"
    env.update({f"{name}_PORT": str(port) for name, port in ports.items()})
    env.update({f"{name}_DATABASE_URL": url for name, url in urls.items()})
    env.update(
        {
            "AMQP_URL": amqp_url,
            "EVENTS_EXCHANGE": f"smoke.{suffix}",
            "RF_VAR_DIR": str(tmp_path / "var"),
            "PUBLIC_BASE_URL": gateway,
            "GATEWAY_URL": gateway,
            "AUTH_URL": f"http://127.0.0.1:{ports['AUTH']}",
            "TOKENS_URL": f"http://127.0.0.1:{ports['TOKENS']}",
            "SETTINGS_URL": f"http://127.0.0.1:{ports['SETTINGS']}",
            "FORTNOX_AUTH_URL": f"http://127.0.0.1:{ports['FORTNOX_SANDBOX']}",
            "FORTNOX_API_URL": f"http://127.0.0.1:{ports['FORTNOX_SANDBOX']}",
            "SANDBOX_REDIRECT_URIS": f"{gateway}/fortnox/callback",
        }
    )
    yield env, ports, urls
    for url in urls.values():
        db.drop_database(url)
    exchange = env["EVENTS_EXCHANGE"]
    connection = broker.connect(amqp_url)
    try:
        queues = [
            topology.queue_name(queue_owner(exchange), CONSUMER_NAME),
            topology.queue_name(notices.queue_owner(exchange), notices.NAME),
        ]
        topology.delete_bus(connection.channel(), exchange, queues)
    finally:
        connection.close()


def start(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def wait_for_banner(process: subprocess.Popen, timeout: float = 180) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C stops everything." in line:
            return lines
    raise AssertionError("no banner from make run:\n" + "".join(lines[-60:]))


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("make run did not stop within 30 s of Ctrl-C") from None


def drained(urls: dict) -> bool:
    for url in urls.values():
        with psycopg.connect(url) as conn:
            if conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]:
                return False
    return True


def row_counts(urls: dict) -> dict:
    counts = {}
    for name, url in urls.items():
        with psycopg.connect(url) as conn:
            tables = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
            for (table,) in tables:
                counts[f"{name}.{table}"] = conn.execute(
                    f'SELECT count(*) FROM "{table}"'
                ).fetchone()[0]
    return counts


def run_once(env, ports, urls) -> tuple[list[str], dict]:
    process = start(env)
    try:
        banner = wait_for_banner(process)
        for name in SERVICES:
            response = requests.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=5)
            assert response.status_code == 200, name
            ready = requests.get(f"http://127.0.0.1:{ports[name]}/readyz", timeout=10)
            assert ready.status_code == 200, (name, ready.text)
        deadline = time.monotonic() + 60
        while not drained(urls) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert drained(urls), "the relays did not send the demo data's events"
        time.sleep(2)  # let consumers apply what the relays just sent
    finally:
        stop(process)
    for name in SERVICES:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=2)
    return banner, row_counts(urls)


def test_make_run_serves_every_service_stops_on_ctrl_c_and_keeps_data_on_rerun(platform_env):
    env, ports, urls = platform_env
    banner, first = run_once(env, ports, urls)
    text = "".join(banner)
    assert f"http://127.0.0.1:{ports['GATEWAY']}/" in text
    assert "900232" in text and "demo-resultat-finans" in text
    assert "kaisa@900232" in text and "demo-fortnox-sandbox" in text
    _, second = run_once(env, ports, urls)
    assert second == first, "a second `make run` changed or duplicated data"
