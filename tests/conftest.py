"""The whole platform under real gunicorn, for end-to-end and browser tests.

`platform` (session-scoped) starts every service on free ports of 127.0.0.1 with throwaway
databases, its own exchange and a real SMTP sink, loads the demo data and stops it all at the
end. Each process's output goes to a log file (`platform.logs()` reads them all).

`make_platform` (per test) builds a Platform of some of the services, scaled (several gunicorn
masters per service, workers per master, copies of each worker process) and with environment of
the test's own (e.g. the `fortnox_sandbox` fixture's FORTNOX_* instead of a sandbox of its own);
the test prepares what it needs, calls `.start()`, and the fixture stops it all at the end.

Adding a service: append a ServiceSpec to SERVICES (its env, database and seed come along).
"""

import base64
import os
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import requests
from servicekit.mailsink import MailSink, free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/localrun.py, beside this file
from localrun import local_run_env  # noqa: E402,F401  (the fixture of tests driving `make run`)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "demo-resultat-finans"
DEMO_ORG_ID = "00000000-0000-4000-8000-000000900232"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str  # the package whose entrypoints.api:create_app() gunicorn serves
    port_var: str
    url_var: str
    database_var: str | None = None
    seed: bool = False  # run `python -m <module>.entrypoints.cli seed-demo` before starting
    workers: list[str] = field(default_factory=list)  # modules run as `python -m` processes


SERVICES = [
    # The Fortnox sandbox first: its seed writes the demo legacy token the tokens seed imports.
    ServiceSpec(
        "sandbox",
        "fortnox_sandbox",
        "FORTNOX_SANDBOX_PORT",
        "FORTNOX_AUTH_URL",
        "FORTNOX_SANDBOX_DATABASE_URL",
        True,
    ),
    ServiceSpec(
        "auth",
        "auth",
        "AUTH_PORT",
        "AUTH_URL",
        "AUTH_DATABASE_URL",
        True,
        ["auth.entrypoints.mail_worker", "auth.entrypoints.relay"],
    ),
    # The refresher and the migrator (which only migrates what an operator scheduled) are left
    # out to keep this platform small; tests/scaling and the tokens tests run them.
    ServiceSpec(
        "tokens",
        "tokens",
        "TOKENS_PORT",
        "TOKENS_URL",
        "TOKENS_DATABASE_URL",
        True,
        ["tokens.entrypoints.relay"],
    ),
    ServiceSpec(
        "settings",
        "settings",
        "SETTINGS_PORT",
        "SETTINGS_URL",
        "SETTINGS_DATABASE_URL",
        True,
        ["settings.entrypoints.relay", "settings.entrypoints.consumer"],
    ),
    ServiceSpec("gateway", "gateway", "GATEWAY_PORT", "GATEWAY_URL"),
]


@dataclass(frozen=True)
class Scale:
    """How many of each process a platform runs. `instances`: gunicorn masters per service name
    (each on a port of its own), `web_workers`: gunicorn workers per master, `workers`: copies
    of a worker module; it may name a module of a service that its spec does not run by default
    (e.g. the refresher), and 0 leaves one out. Unnamed: one of each, as in the local run."""

    instances: dict[str, int] = field(default_factory=dict)
    web_workers: dict[str, int] = field(default_factory=dict)
    workers: dict[str, int] = field(default_factory=dict)

    def worker_counts(self, spec: ServiceSpec) -> dict[str, int]:
        counts = {module: 1 for module in spec.workers}
        prefix = f"{spec.module}."
        counts.update({m: n for m, n in self.workers.items() if m.startswith(prefix)})
        return counts


def gunicorn_command(module: str, url: str, workers: str) -> list[str]:
    """The web process of a service's package, as the local run starts it, serving `url`."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "deploy/gunicorn.conf.py",
        "-b",
        url.removeprefix("http://"),
        "-w",
        workers,
        f"{module}.entrypoints.api:create_app()",
    ]


class Platform:
    def __init__(
        self,
        make_database,
        log_dir: Path,
        specs: list[ServiceSpec] = SERVICES,
        *,
        scale: Scale = Scale(),
        env: dict | None = None,
    ):
        self.specs = specs
        self.scale = scale
        self.log_dir = log_dir
        self.web_urls: dict[str, list[str]] = {}
        self.mail = MailSink().start()
        self.processes: list[subprocess.Popen] = []
        client_secret = secrets.token_urlsafe(24)  # ours at Fortnox == what the sandbox accepts
        self.env = {
            **os.environ,
            "INTERNAL_API_KEY": secrets.token_urlsafe(24),
            "GATEWAY_SECRET_KEY": secrets.token_urlsafe(24),
            "FORTNOX_CLIENT_SECRET": client_secret,
            "SANDBOX_CLIENT_SECRET": client_secret,
            "TOKENS_ENCRYPTION_KEYS": "t1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "RF_VAR_DIR": str(log_dir / "var"),
            "EVENTS_EXCHANGE": f"test.{uuid.uuid4().hex[:10]}",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.mail.port),
            "COOKIE_SECURE": "false",
            "LOG_LEVEL": "INFO",
            "WEB_THREADS": "4",
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        for spec in specs:
            ports = [free_port() for _ in range(scale.instances.get(spec.name, 1))]
            self.web_urls[spec.name] = [f"http://127.0.0.1:{port}" for port in ports]
            self.env[spec.port_var] = str(ports[0])
            self.env[spec.url_var] = self.web_urls[spec.name][0]
            if spec.database_var:
                self.env[spec.database_var] = make_database(prefix=spec.name)
        self.base_url = self.env.get("GATEWAY_URL", "")
        self.env["PUBLIC_BASE_URL"] = self.base_url
        if "FORTNOX_AUTH_URL" in self.env and "FORTNOX_SANDBOX_PORT" in self.env:
            self.env["FORTNOX_API_URL"] = self.env["FORTNOX_AUTH_URL"]
            self.env["SANDBOX_REDIRECT_URIS"] = self.base_url + "/fortnox/callback"
            self.env["SANDBOX_CONTROL_ENABLED"] = "true"
        self.env.update(env or {})

    def _spawn(self, name: str, args: list[str]) -> None:
        with open(self.log_dir / f"{name}.log", "ab") as log:  # the child keeps its own copy
            self.processes.append(
                subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
            )

    def _cli(self, spec: ServiceSpec, *command: str) -> None:
        subprocess.run(
            [sys.executable, "-m", f"{spec.module}.entrypoints.cli", *command],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> "Platform":
        for spec in self.specs:
            if spec.seed:
                self._cli(spec, "seed-demo")
            workers = str(self.scale.web_workers.get(spec.name, 1))
            for number, url in enumerate(self.web_urls[spec.name]):
                self._spawn(
                    spec.name if number == 0 else f"{spec.name}-{number + 1}",
                    gunicorn_command(spec.module, url, workers),
                )
            for worker, copies in self.scale.worker_counts(spec).items():
                for number in range(copies):
                    name = worker.rsplit(".", 1)[-1] + (f"-{number + 1}" if copies > 1 else "")
                    self._spawn(name, [sys.executable, "-m", worker])
        for spec in self.specs:
            for url in self.web_urls[spec.name]:
                self._wait_healthy(url + "/healthz")
        return self

    def _wait_healthy(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or its workers still booting
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not become healthy; see {self.log_dir}")

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def internal(self, service: str, method: str, path: str, **kwargs) -> requests.Response:
        """A call to a service's internal API, as the gateway makes it."""
        url = self.env[f"{service.upper()}_URL"] + path
        headers = {"X-Internal-Key": self.env["INTERNAL_API_KEY"]}
        return requests.request(method, url, headers=headers, timeout=30, **kwargs)

    def reset_demo_fortnox(self) -> None:
        """The demo organisation back on its legacy Fortnox token, as `make run` seeds it."""
        import psycopg

        with psycopg.connect(self.env["TOKENS_DATABASE_URL"], autocommit=True) as conn:
            conn.execute("DELETE FROM oauth_states")
            conn.execute("DELETE FROM connections WHERE org_id = %s", (DEMO_ORG_ID,))
        tokens = next(spec for spec in self.specs if spec.name == "tokens")
        self._cli(tokens, "seed-demo")

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.mail.stop()
        self._delete_broker_objects()

    def _delete_broker_objects(self) -> None:
        """The platform's own exchange and its consumers' queues go with it."""
        import pika
        from servicekit import config as env
        from servicekit.events import topology
        from settings.entrypoints.consumer import NAME, queue_owner

        exchange = self.env["EVENTS_EXCHANGE"]
        connection = pika.BlockingConnection(pika.URLParameters(env.get("AMQP_URL", self.env)))
        try:
            channel = connection.channel()
            topology.delete_bus(
                channel, exchange, [topology.queue_name(queue_owner(exchange), NAME)]
            )
        finally:
            connection.close()


@pytest.fixture(scope="session")
def platform(make_database, tmp_path_factory):
    running = Platform(make_database, tmp_path_factory.mktemp("platform-logs"))
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture
def make_platform(make_database, tmp_path_factory):
    """Factory: an unstarted Platform of the named SERVICES (`seed=False` skips their demo
    data), scaled by Scale's fields as keywords, with `env` over its own; stopped after the test."""
    made: list[Platform] = []

    def _make(names: list[str], *, env: dict | None = None, seed: bool = True, **scale) -> Platform:
        specs = [spec if seed else replace(spec, seed=False) for spec in SERVICES]
        specs = [spec for spec in specs if spec.name in names]
        log_dir = tmp_path_factory.mktemp("platform-logs")
        made.append(Platform(make_database, log_dir, specs, scale=Scale(**scale), env=env))
        return made[-1]

    yield _make
    for running in made:
        running.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; `shot(name)` saves a screenshot under test-artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="sv-SE")
    page = context.new_page()
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def shot(name: str) -> None:
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

    page.shot = shot
    yield page
    context.close()
