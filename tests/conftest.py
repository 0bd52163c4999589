"""The whole platform under real gunicorn, for end-to-end and browser tests.

`platform` (session-scoped) starts every service on free ports of 127.0.0.1 with throwaway
databases, its own exchange and a real SMTP sink, loads the demo data and stops it all at the
end. Each process's output goes to a log file (`platform.logs()` reads them all).

Adding a service: append a ServiceSpec to SERVICES (its env, database and seed come along).
"""

import base64
import os
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from servicekit.mailsink import MailSink, free_port

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
    # No legacy migrator here: the browser tests need the demo's legacy token for "Ny Token".
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


class Platform:
    def __init__(self, make_database, log_dir: Path, specs: list[ServiceSpec] = SERVICES):
        self.specs = specs
        self.log_dir = log_dir
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
            port = free_port()
            self.env[spec.port_var] = str(port)
            self.env[spec.url_var] = f"http://127.0.0.1:{port}"
            if spec.database_var:
                self.env[spec.database_var] = make_database(prefix=spec.name)
        self.env["PUBLIC_BASE_URL"] = self.env["GATEWAY_URL"]
        self.base_url = self.env["GATEWAY_URL"]
        if "FORTNOX_AUTH_URL" in self.env and "FORTNOX_SANDBOX_PORT" in self.env:
            self.env["FORTNOX_API_URL"] = self.env["FORTNOX_AUTH_URL"]
            self.env["SANDBOX_REDIRECT_URIS"] = self.base_url + "/fortnox/callback"
            self.env["SANDBOX_CONTROL_ENABLED"] = "true"

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
            port = self.env[spec.port_var]
            self._spawn(
                spec.name,
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    "1",
                    f"{spec.module}.entrypoints.api:create_app()",
                ],
            )
            for worker in spec.workers:
                self._spawn(worker.rsplit(".", 1)[-1], [sys.executable, "-m", worker])
        for spec in self.specs:
            self._wait_healthy(self.env[spec.url_var] + "/healthz")
        return self

    def _wait_healthy(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
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
