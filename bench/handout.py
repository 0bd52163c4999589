"""Hand-out benchmark: requests/s and p50/p99 through gunicorn, next to a bare Flask app.

    .venv/bin/python bench/handout.py [--workers 2] [--seconds 10] [--connections 32]
                                      [--log-level INFO]

Starts, on free 127.0.0.1 ports and throwaway databases: the Fortnox sandbox, the tokens service
(deploy/gunicorn.conf.py, N workers) with one connected organisation, a second tokens service
whose refresh margin exceeds the token lifetime (every hand-out renews: the forced path), and a
bare Flask "hello" app on the same gunicorn settings. wrk (keep-alive, `make bench` installs it)
POSTs to each in turn with the same connections. Not a test: it prints figures and asserts
nothing. Next to wrk's latencies, each tokens service's own histogram says how long requests
took inside the app (99 % within the printed bucket), apart from the queueing before it.
"""

import base64
import secrets
import uuid

import click
import requests
from loadgen import AMQP, Figures, Processes, request_lua, require_wrk, wrk
from servicekit.assertions import new_key_pair
from servicekit.callers import VARIABLES as CALLER_VARIABLES

CALLBACK = "http://127.0.0.1:9/fortnox/callback"
# Every caller the tokens service knows gets a credential (the load is the backend's), and
# tokens checks auth's assertions with a public key it must have to start.
BENCH_KEYS = {name: secrets.token_urlsafe(32) for name in CALLER_VARIABLES.values()}
BENCH_KEYS["ACTION_VERIFY_KEYS"] = new_key_pair()[1]


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


def load(url: str, headers: dict, seconds: float, connections: int) -> Figures:
    lua = request_lua("POST", headers)
    wrk(url, lua, seconds=1, connections=connections)  # warm the workers up
    return wrk(url, lua, seconds=seconds, connections=connections)


@click.command(help=__doc__.splitlines()[0])
@click.option(
    "--workers", type=int, default=2, show_default=True, help="gunicorn workers of each app"
)
@click.option("--seconds", type=float, default=10, show_default=True)
@click.option(
    "--connections", type=int, default=32, show_default=True, help="wrk's keep-alive connections"
)
@click.option(
    "--log-level",
    type=str,
    default="INFO",
    show_default=True,
    help="the tokens service's LOG_LEVEL (the platform's default)",
)
def main(workers: int, seconds: float, connections: int, log_level: str) -> None:
    require_wrk()
    procs = Processes()
    try:
        sandbox = start_sandbox(procs)
        database = procs.database("bench_tokens")
        metrics = procs.folder("rf-bench-metrics-")
        env = tokens_env(sandbox, database, log_level, PROMETHEUS_MULTIPROC_DIR=metrics)
        app = "tokens.entrypoints.api:create_app()"
        tokens_url = procs.gunicorn(app, env, workers, "tokens")
        forced_env = env | {
            "TOKEN_REFRESH_MARGIN_SECONDS": "4000",
            "PROMETHEUS_MULTIPROC_DIR": procs.folder("rf-bench-metrics-"),
        }
        forced_url = procs.gunicorn(app, forced_env, workers, "tokens-forced")
        hello_url = procs.hello(workers)
        org_id = connect_one(sandbox, env)
        path = f"/internal/organisations/{org_id}/fortnox/access-token"
        headers = {"X-Internal-Key": env["RESULTAT_FINANS_INTERNAL_KEY"]}
        shape = (seconds, connections)
        hello = load(hello_url + "/hello", {}, *shape)
        warm = load(tokens_url + path, headers, *shape)
        forced = load(forced_url + path, headers, *shape)
        route = "/internal/organisations/<org_id>/fortnox/access-token"
        inside = {
            "warm": server_p99_ms(tokens_url, route),
            "forced": server_p99_ms(forced_url, route),
        }
    finally:
        procs.stop_all()
    print(
        f"hand-out benchmark: gunicorn -w {workers} (deploy/gunicorn.conf.py, polled gthread),"
        f" wrk {connections} keep-alive connections, {seconds:g} s each,"
        f" LOG_LEVEL {log_level}"
    )
    print(hello.line("bare Flask hello (POST)", hello))
    for name, figures in (("warm", warm), ("forced", forced)):
        label = "hand-out, warm" if name == "warm" else "hand-out, forced refresh"
        p99 = inside[name]
        print(figures.line(label, hello) + (f"   in the app: p99 <= {p99:g} ms" if p99 else ""))
    print(f"  warm hand-out / bare Flask rate: {warm.rate / hello.rate:.0%} (target >= 90 %)")
    print(f"  forced / warm rate:              {forced.rate / warm.rate:.0%}")


if __name__ == "__main__":
    main()
