"""Hand-out benchmark: requests/s and p50/p99 through gunicorn, next to a bare Flask app.

    .venv/bin/python bench/handout.py [--workers 2] [--seconds 8] [--clients 2] [--threads 4]
                                      [--log-level INFO]

Starts, on free 127.0.0.1 ports and throwaway databases: the Fortnox sandbox, the tokens service
(deploy/gunicorn.conf.py, N workers) with one connected organisation, a second tokens service
whose refresh margin exceeds the token lifetime (every hand-out renews: the forced path), and a
bare Flask "hello" app on the same gunicorn settings. The same load (client processes x
threads, keep-alive) is sent to each in turn. Not a test: it prints figures and asserts nothing.
Next to the client's latencies, each tokens service's own histogram says how long requests took
inside the app (99 % within the printed bucket), apart from the client's and the OS's queueing.
"""

import argparse
import base64
import multiprocessing
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from servicekit.assertions import new_key_pair
from servicekit.callers import VARIABLES as CALLER_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
CALLBACK = "http://127.0.0.1:9/fortnox/callback"
PG = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Every caller the tokens service knows gets a credential (the load is the backend's), and
# tokens checks auth's assertions with a public key it must have to start.
BENCH_KEYS = {name: secrets.token_urlsafe(32) for name in CALLER_VARIABLES.values()}
BENCH_KEYS["ACTION_VERIFY_KEYS"] = new_key_pair()[1]
AMQP = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def hello_app():
    """The bare Flask app the hand-out is compared with."""
    from flask import Flask, jsonify

    app = Flask("hello")

    @app.post("/hello")
    def hello():
        return jsonify(hello="world")

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Every process the benchmark starts, stopped at the end by its own handle."""

    def __init__(self):
        self.started: list[subprocess.Popen] = []
        self.databases: list[str] = []
        self.logs = tempfile.mkdtemp(prefix="rf-bench-")

    def database(self, prefix: str) -> str:
        """A throwaway database, dropped by stop_all()."""
        url = new_database(prefix)
        self.databases.append(url)
        return url

    def gunicorn(self, app: str, env: dict, workers: int, name: str, conf=True) -> str:
        port = free_port()
        args = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
        args += ["-c", str(ROOT / "deploy/gunicorn.conf.py")] if conf else ["-k", "gthread"]
        args += ["--pythonpath", str(ROOT / "bench"), app]
        self.spawn(args, env, name)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, "/healthz" if "hello" not in app else None)
        return url

    def spawn(self, args: list[str], env: dict, name: str) -> subprocess.Popen:
        log = open(Path(self.logs) / f"{name}.log", "w")
        base = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        process = subprocess.Popen(
            args, env=base | env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        from servicekit import db

        for url in self.databases:
            db.drop_database(url)


def wait_healthy(url: str, path: str | None) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if path is None:
                requests.post(url + "/hello", timeout=2)
                return
            if requests.get(url + path, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


def new_database(prefix: str) -> str:
    from servicekit import db

    url = db.with_database(PG, f"{prefix}_{uuid.uuid4().hex[:10]}")
    db.ensure_database(url)
    return url


def start_sandbox(procs: Processes, workers: int = 2) -> tuple[str, str, str]:
    """The sandbox under gunicorn; returns (base URL, client id, client secret)."""
    from fortnox_sandbox.entrypoints.api import MIGRATIONS
    from servicekit.migrate import migrate

    database = procs.database("bench_sandbox")
    migrate(database, MIGRATIONS)
    from fortnox_sandbox.harness.server import CLIENT_ID

    secret = secrets.token_urlsafe(24)
    env = {
        "FORTNOX_SANDBOX_DATABASE_URL": database,
        "FORTNOX_CLIENT_ID": CLIENT_ID,
        "SANDBOX_CLIENT_SECRET": secret,
        "SANDBOX_REDIRECT_URIS": CALLBACK,
        "SANDBOX_CONTROL_ENABLED": "true",
        "LOG_LEVEL": "WARNING",
    }
    url = procs.gunicorn("fortnox_sandbox.entrypoints.api:create_app()", env, workers, "sandbox")
    return url, CLIENT_ID, secret


def tokens_env(
    sandbox: tuple[str, str, str], database: str, log_level: str = "WARNING", **extra
) -> dict:
    url, client_id, secret = sandbox
    return {
        "TOKENS_DATABASE_URL": database,
        "AMQP_URL": AMQP,
        "FORTNOX_AUTH_URL": url,
        "FORTNOX_API_URL": url,
        "FORTNOX_CLIENT_ID": client_id,
        "FORTNOX_CLIENT_SECRET": secret,
        **BENCH_KEYS,
        "TOKENS_ENCRYPTION_KEYS": f"b1:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        "PUBLIC_BASE_URL": CALLBACK.removesuffix("/fortnox/callback"),
        "LOG_LEVEL": log_level,
        **extra,
    }


def connect_one(sandbox: tuple[str, str, str], env: dict) -> str:
    """Connect a new organisation through the real flow; returns its id."""
    from fortnox_sandbox.harness.server import SandboxServer
    from servicekit import db
    from tokens import config as service_config
    from tokens.bootstrap import bootstrap
    from tokens.handlers import connect

    url, _client_id, secret = sandbox
    server = SandboxServer(url, secret, [CALLBACK], "")
    tenant = server.create_tenant(legacy_token=False)
    pool = db.open_pool(env["TOKENS_DATABASE_URL"], max_size=2)
    svc = bootstrap(service_config.load(env), pool)
    org_id = str(uuid.uuid4())
    started = connect.start_connect(svc, org_id, "bench-user", "bench-session")
    answer = server.consent(started["authorize_url"], tenant.username, tenant.password)
    outcome = connect.complete_connect(
        svc,
        state=answer.state,
        code=answer.code,
        error=None,
        user_id="bench-user",
        session_ref="bench-session",
    )
    assert outcome.outcome == "connected", outcome
    pool.close()
    return org_id


def _client(args) -> list[float]:
    url, headers, seconds, threads = args
    import threading

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def run():
        session = requests.Session()
        mine = []
        while True:
            started = time.perf_counter()
            if started > stop_at:
                break
            response = session.post(url, headers=headers, timeout=30)
            mine.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors[0]:
        print(f"  ! {errors[0]} non-200 answers from {url}", file=sys.stderr)
    return latencies


def server_p99_ms(base_url: str, route: str) -> float | None:
    """The bucket of the service's own latency histogram that holds its 99th percentile: time
    inside the app, without the client's or the machine's queueing."""
    from prometheus_client.parser import text_string_to_metric_families

    text = requests.get(base_url + "/metrics", timeout=10).text
    buckets = {
        float(sample.labels["le"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "http_request_duration_seconds_bucket"
        and sample.labels.get("route") == route
    }
    total = buckets.get(float("inf"))
    if not total:
        return None
    return min(le for le, count in buckets.items() if count >= 0.99 * total) * 1000


def load(url: str, headers: dict, seconds: float, clients: int, threads: int) -> dict:
    _client((url, headers, min(1.0, seconds), 1))  # warm the workers up
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(clients) as pool:
        parts = pool.map(_client, [(url, headers, seconds, threads)] * clients)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for part in parts for x in part)
    return {
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each app")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=2, help="load-generating processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per load process")
    parser.add_argument(
        "--log-level",
        default="INFO",
        help="the tokens service's LOG_LEVEL (the platform's default)",
    )
    options = parser.parse_args()
    procs = Processes()
    try:
        sandbox = start_sandbox(procs)
        database = procs.database("bench_tokens")
        metrics = tempfile.mkdtemp(prefix="rf-bench-metrics-")
        env = tokens_env(sandbox, database, options.log_level, PROMETHEUS_MULTIPROC_DIR=metrics)
        app = "tokens.entrypoints.api:create_app()"
        tokens_url = procs.gunicorn(app, env, options.workers, "tokens")
        forced_env = env | {
            "TOKEN_REFRESH_MARGIN_SECONDS": "4000",
            "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="rf-bench-metrics-"),
        }
        forced_url = procs.gunicorn(app, forced_env, options.workers, "tokens-forced")
        hello_url = procs.gunicorn("handout:hello_app()", {}, options.workers, "hello")
        org_id = connect_one(sandbox, env)
        path = f"/internal/organisations/{org_id}/fortnox/access-token"
        headers = {"X-Internal-Key": env["RESULTAT_FINANS_INTERNAL_KEY"]}
        shape = (options.seconds, options.clients, options.threads)
        hello = load(hello_url + "/hello", {}, *shape)
        warm = load(tokens_url + path, headers, *shape)
        forced = load(forced_url + path, headers, *shape)
        route = "/internal/organisations/<org_id>/fortnox/access-token"
        warm["server_p99_ms"] = server_p99_ms(tokens_url, route)
        forced["server_p99_ms"] = server_p99_ms(forced_url, route)
    finally:
        procs.stop_all()
    print(
        f"hand-out benchmark: gunicorn -w {options.workers} (deploy/gunicorn.conf.py, gthread),"
        f" load {options.clients} processes x {options.threads} threads, {options.seconds:g} s each,"
        f" LOG_LEVEL {options.log_level}"
    )
    for name, figures in (
        ("bare Flask hello", hello),
        ("hand-out, warm", warm),
        ("hand-out, forced refresh", forced),
    ):
        inside = figures.get("server_p99_ms")
        print(
            f"  {name:<26} {figures['rate']:8.0f} req/s   p50 {figures['p50_ms']:6.2f} ms"
            f"   p99 {figures['p99_ms']:6.2f} ms   ({figures['requests']} requests)"
            + (f"   in the app: p99 <= {inside:g} ms" if inside else "")
        )
    print(f"  warm hand-out / bare Flask rate: {warm['rate'] / hello['rate']:.0%} (target >= 70 %)")
    print(f"  forced / warm rate:              {forced['rate'] / warm['rate']:.0%}")


if __name__ == "__main__":
    main()
