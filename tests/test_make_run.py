"""`make run` as README says: starts every process under a supervisor, answers /healthz, brings
back a process that dies while the rest keeps answering, stops everything on Ctrl-C, and a second
run keeps the data without duplicating the demo data."""

import os
import signal
import time

import psycopg
import pytest
import requests
from localrun import SERVICES, LocalRun

pytestmark = pytest.mark.slow


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


def assert_every_service_answers(ports: dict) -> None:
    for name in SERVICES:
        response = requests.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=5)
        assert response.status_code == 200, name
        ready = requests.get(f"http://127.0.0.1:{ports[name]}/readyz", timeout=10)
        assert ready.status_code == 200, (name, ready.text)


def stop_and_check_nothing_is_left(run: LocalRun, ports: dict, how=signal.SIGINT) -> None:
    run.stop(how)
    assert run.leftovers() == [], f"processes outlived {how.name}:\n" + run.output()[-4000:]
    for name in SERVICES:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{ports[name]}/healthz", timeout=2)


def run_once(env, ports, urls, how=signal.SIGINT) -> tuple[str, dict]:
    run = LocalRun(env)
    try:
        banner = run.wait_for_banner()
        assert_every_service_answers(ports)
        deadline = time.monotonic() + 60
        while not drained(urls) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert drained(urls), "the relays did not send the demo data's events"
        time.sleep(2)  # let consumers apply what the relays just sent
    finally:
        stop_and_check_nothing_is_left(run, ports, how)
    return banner, row_counts(urls)


def test_make_run_serves_every_service_stops_on_ctrl_c_or_kill_and_keeps_data_on_rerun(
    local_run_env,
):
    env, ports, urls = local_run_env
    banner, first = run_once(env, ports, urls)
    assert f"http://127.0.0.1:{ports['GATEWAY']}/" in banner
    assert "900232" in banner and "demo-resultat-finans" in banner
    assert "kaisa@900232" in banner and "demo-fortnox-sandbox" in banner
    _, second = run_once(env, ports, urls, signal.SIGTERM)
    assert second == first, "a second `make run` changed or duplicated data"


def test_a_killed_process_comes_back_while_the_rest_keeps_answering(local_run_env):
    env, ports, _ = local_run_env
    run = LocalRun(env)
    try:
        run.wait_for_banner()
        relay, web = run.pid("tokens-relay"), run.pid("auth")
        assert relay and web, run.supervisorctl("status")
        seen = len(run.lines)
        os.kill(relay, signal.SIGKILL)
        run.wait_for("exited: tokens-relay (terminated by SIGKILL; not expected)", after=seen)
        run.wait_for("success: tokens-relay entered RUNNING state", after=seen)
        assert run.pid("tokens-relay") not in (0, relay)
        assert run.pid("auth") == web, "another process was restarted along with the killed one"
        assert_every_service_answers(ports)
        assert "tokens-relay       | " in run.output(), "the relay's output lacks its name"
    finally:
        stop_and_check_nothing_is_left(run, ports)
