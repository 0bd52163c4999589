"""The platform through a PostgreSQL restart and a PostgreSQL outage (issue 10): the token
hand-out and a gateway page answer 503 with Retry-After while it is down (never 500), 200 again
soon after it is back (the seconds are printed, not asserted), no process exits (web, relays,
consumer, mail worker, refresher, migrator), and a web
process started while it is down boots, says what it waits for, and then serves.

PostgreSQL is a cluster of the test's own (own_postgres); the platform runs on it.
"""

import json
import re
import subprocess
import threading
import time
import uuid
from collections import Counter

import pytest
import requests
from servicekit import db
from servicekit.mailsink import free_port

from .conftest import DEMO_ORG_ID, DEMO_PASSWORD, ROOT, Platform, Scale, gunicorn_command

pytestmark = pytest.mark.slow

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PROBE_EVERY = 0.1


def databases_on(server):
    """make_database's signature, on the test's own PostgreSQL."""

    def make(migrations=None, prefix: str = "t") -> str:
        url = db.with_database(server.url, f"{prefix}_{uuid.uuid4().hex[:8]}")
        db.ensure_database(url)
        return url

    return make


def logged_in(platform: Platform) -> requests.Session:
    browser = requests.Session()
    token = _CSRF.search(browser.get(platform.url("/logga-in"), timeout=10).text).group(1)
    form = {"identifier": "900232", "password": DEMO_PASSWORD, "csrf_token": token}
    answer = browser.post(platform.url("/logga-in"), data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return browser


class Prober:
    """Asks each target every PROBE_EVERY seconds, recording (answered at, status, headers)."""

    def __init__(self, targets: dict):
        self.targets = targets
        self.answers: dict[str, list[tuple[float, int, dict]]] = {name: [] for name in targets}
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._probe, args=(name,), daemon=True) for name in targets
        ]

    def __enter__(self) -> "Prober":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def _probe(self, name: str) -> None:
        ask = self.targets[name]
        while not self.stop.is_set():
            try:
                answer = ask()
                status, headers = answer.status_code, dict(answer.headers)
            except requests.RequestException as exc:
                status, headers = 0, {"error": type(exc).__name__}
            self.answers[name].append((time.monotonic(), status, headers))
            self.stop.wait(PROBE_EVERY)

    def recovered_after(self, name: str, back: float, until: float) -> float | None:
        """Seconds from `back` to the first answer of the last unbroken run of 200s before
        `until`; None when the run does not reach `until`."""
        window = [(at, status) for at, status, _ in self.answers[name] if back <= at <= until]
        if not window or window[-1][1] != 200:
            return None
        first = window[-1][0]
        for at, status in reversed(window):
            if status != 200:
                break
            first = at
        return round(first - back, 2)


def start_tokens_web(platform: Platform, log) -> tuple[subprocess.Popen, str]:
    """One more tokens web process on a port of its own (as a new replica would start)."""
    url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        gunicorn_command("tokens", url, "1"),
        cwd=ROOT,
        env=platform.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, url


def wait_for_answer(url: str, patience: float = 60) -> requests.Response:
    deadline = time.monotonic() + patience
    while True:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_platform_answers_503_never_500_while_postgresql_is_down_and_200_once_it_is_back(
    own_postgres, tmp_path
):
    workers = {"tokens.entrypoints.refresher": 1, "tokens.entrypoints.migrator": 1}
    platform = Platform(databases_on(own_postgres), tmp_path, scale=Scale(workers=workers))
    late_log = (tmp_path / "tokens-late.log").open("ab")
    late = None
    try:
        platform.start()
        browser = logged_in(platform)
        handout = f"/internal/organisations/{DEMO_ORG_ID}/fortnox/access-token"
        targets = {
            "token hand-out": lambda: platform.internal("tokens", "POST", handout),
            "Inställningar page": lambda: browser.get(
                platform.url("/resultat-finans/installningar"), timeout=30
            ),
        }
        for name, ask in targets.items():
            assert ask().status_code == 200, name
        recovery: dict[tuple[str, str], float | None] = {}
        with Prober(targets) as prober:
            time.sleep(1)
            own_postgres.restart()
            back = time.monotonic()
            time.sleep(8)
            for name in targets:
                recovery[("restart", name)] = prober.recovered_after(name, back, time.monotonic())

            own_postgres.stop()
            down = time.monotonic()
            tokens_ready = requests.get(platform.env["TOKENS_URL"] + "/readyz", timeout=10)
            late, late_url = start_tokens_web(platform, late_log)
            late_alive = wait_for_answer(late_url + "/healthz")
            late_ready = requests.get(late_url + "/readyz", timeout=10)
            time.sleep(max(0.0, 5 - (time.monotonic() - down)))
            own_postgres.start()
            back = time.monotonic()
            time.sleep(10)
            for name in targets:
                recovery[("outage", name)] = prober.recovered_after(name, back, time.monotonic())
        late_handout = requests.post(
            late_url + handout,
            headers={"X-Internal-Key": platform.env["INTERNAL_API_KEY"]},
            timeout=10,
        )
        exited = [p.args for p in platform.processes if p.poll() is not None]
    finally:
        if late is not None:
            late.terminate()
            late.wait(15)
        late_log.close()
        platform.stop()

    print("\nseconds from PostgreSQL's return to a steady 200:")
    for (fault, name), seconds in recovery.items():
        print(f"  {fault:<8} {name:<20} {seconds}")
    for name, answers in prober.answers.items():
        statuses = [status for _, status, _ in answers]
        print(f"  {name}: {len(statuses)} answers, {statuses.count(503)} of them 503")
        assert [s for s in statuses if s not in (200, 503)] == [], name
        assert statuses.count(503) > 0, f"{name} never noticed the outage"
        assert all("Retry-After" in h for _, s, h in answers if s == 503), name
    assert all(seconds is not None for seconds in recovery.values()), recovery
    assert exited == [], "processes exited while PostgreSQL was down"
    assert "unhandled error" not in platform.logs()
    outages_logged = Counter(
        (log.name, line["service"])
        for log in tmp_path.glob("*.log")
        for line in map(json.loads, re.findall(r"^\{.*\}$", log.read_text(), re.M))
        if line["message"].startswith("postgresql unavailable")
    )
    print(f"  outage warnings per process: {dict(outages_logged)}")
    assert max(outages_logged.values()) <= 2  # once per outage, not once per retry

    assert tokens_ready.status_code == 503
    assert tokens_ready.json()["waiting_for"] == ["postgresql"]
    assert late_alive.status_code == 200, "a web process must boot while PostgreSQL is down"
    assert late_ready.status_code == 503
    assert "postgresql" in late_ready.json()["waiting_for"]
    assert late_handout.status_code == 200, late_handout.text
