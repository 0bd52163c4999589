"""The local run (`deploy/run.sh`, as `make run` starts it) on the run's own servers and ports,
and its processes as the operating system sees them."""

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from servicekit import db
from servicekit.events.harness import poll
from servicekit.mailsink import free_port
from servicekit.own_servers import OwnPostgres, OwnRabbitMQ

ROOT = Path(__file__).resolve().parents[3]
WEB = ("FORTNOX_SANDBOX", "AUTH", "TOKENS", "SETTINGS", "GATEWAY")
DATABASES = {"AUTH": "rf_auth", "TOKENS": "rf_tokens", "SETTINGS": "rf_settings"}
DEMO_ORG_ID = "00000000-0000-4000-8000-000000900232"

# What a kind of process looks like on its command line: a gunicorn worker of the gateway, or
# the Python module a worker runs (`python -m <module>`), whatever launches it.
GATEWAY_APP = "gateway.entrypoints.api:create_app()"
MODULES = {
    "relay": "settings.entrypoints.relay",
    "consumer": "settings.entrypoints.consumer",
    "refresher": "tokens.entrypoints.refresher",
    "mail worker": "auth.entrypoints.mail_worker",
    "mail sink": "aiosmtpd",
}
KINDS = ("web worker", *MODULES)


def on(postgres: OwnPostgres, database: str) -> str:
    return db.with_database(postgres.url, database)


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    argv: tuple[str, ...]


def _read_processes() -> dict[int, Process]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        found[int(entry.name)] = Process(
            int(entry.name), ppid, tuple(a.decode(errors="replace") for a in argv if a)
        )
    return found


def _runs_module(argv: tuple[str, ...], module: str) -> bool:
    return any(argv[i] == "-m" and argv[i + 1] == module for i in range(len(argv) - 1))


def kind_of(process: Process, every: dict[int, Process]) -> str | None:
    if GATEWAY_APP in process.argv:
        parent = every.get(process.ppid)
        return "web worker" if parent and GATEWAY_APP in parent.argv else None
    for kind, module in MODULES.items():
        if _runs_module(process.argv, module):
            return kind
    return None


class LocalRun:
    """`deploy/run.sh` with RF_VAR_DIR in the run's folder, every port free, every database and
    the broker pointed at the run's own instances."""

    def __init__(self, root: Path, postgres: OwnPostgres, rabbit: OwnRabbitMQ) -> None:
        self.root = root
        self.var_dir = root / "var"
        self.log_path = root / "make-run.log"
        self.process: subprocess.Popen | None = None
        ports = {name: free_port() for name in (*WEB, "SMTP", "GATEWAY_ADMIN")}
        self.ports = ports
        url = {name: f"http://127.0.0.1:{ports[name]}" for name in WEB}
        env = {k: v for k, v in os.environ.items() if not k.endswith(("_PORT", "_URL"))}
        env.update({f"{name}_PORT": str(port) for name, port in ports.items()})
        env.update({f"{name}_URL": url[name] for name in ("AUTH", "TOKENS", "SETTINGS", "GATEWAY")})
        env.update({f"{name}_DATABASE_URL": on(postgres, db) for name, db in DATABASES.items()})
        env.update(
            FORTNOX_SANDBOX_DATABASE_URL=on(postgres, "rf_fortnox_sandbox"),
            AMQP_URL=rabbit.url,
            EVENTS_EXCHANGE="rf.events",  # the broker is ours alone
            RF_VAR_DIR=str(self.var_dir),
            PUBLIC_BASE_URL=url["GATEWAY"],
            FORTNOX_AUTH_URL=url["FORTNOX_SANDBOX"],
            FORTNOX_API_URL=url["FORTNOX_SANDBOX"],
            SANDBOX_REDIRECT_URIS=f"{url['GATEWAY']}/fortnox/callback",
            # The platform's own variables only; a test run's TEST_* URLs are not its business.
            TEST_POSTGRES_URL=postgres.url,
            TEST_AMQP_URL=rabbit.url,
        )
        self.env = env
        self.gateway = url["GATEWAY"]
        self.urls = url
        # The gateway answers /readyz and /metrics only on its admin port, never the public one.
        self.readiness = {**url, "GATEWAY": f"http://127.0.0.1:{ports['GATEWAY_ADMIN']}"}

    def secrets(self) -> dict:
        lines = (self.var_dir / "secrets.env").read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def start(self, timeout: float = 300) -> "LocalRun":
        self.process = subprocess.Popen(
            [str(ROOT / "deploy" / "run.sh")],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if not poll(self._everything_ready, timeout, interval=1):
            raise RuntimeError(f"the local run did not become ready; see {self.log_path}")
        self.env.update(self.secrets())
        return self

    def _everything_ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"deploy/run.sh exited early; see {self.log_path}")
        return all(self.ready(name) for name in WEB) and all(self.find(kind) for kind in KINDS)

    def ready(self, name: str) -> bool:
        try:
            return requests.get(self.readiness[name] + "/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tree(self) -> dict[int, Process]:
        """Every process descending from run.sh."""
        every = _read_processes()
        if self.process is None:
            return {}
        children: dict[int, list[int]] = {}
        for process in every.values():
            children.setdefault(process.ppid, []).append(process.pid)
        mine, todo = {}, [self.process.pid]
        while todo:
            pid = todo.pop()
            if pid in every:
                mine[pid] = every[pid]
            todo.extend(children.get(pid, []))
        return mine

    def find(self, kind: str) -> list[int]:
        tree = self.tree()
        return sorted(p.pid for p in tree.values() if kind_of(p, tree) == kind)

    def supervisorctl(self, *args: str) -> bool:
        """A command to the local run's supervisor; False when it has none (or it refused)."""
        conf = self.var_dir / "supervisord.conf"
        if not conf.exists():
            return False
        command = [str(ROOT / ".venv" / "bin" / "supervisorctl"), "-c", str(conf), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        return done.returncode == 0

    def supervisor_exits(self) -> list[str]:
        """The exits supervisord logged as unexpected (each one it then restarted)."""
        log = self.var_dir / "supervisord.log"
        if not log.exists():
            return []
        lines = log.read_text(errors="replace").splitlines()
        return [line.split(" exited: ", 1)[1] for line in lines if "not expected" in line]

    def stop(self) -> None:
        """Ctrl-C, as the operator stops it; what does not stop within 30 s is killed."""
        if self.process is None:
            return
        leftovers = set(self.tree())
        try:
            os.killpg(self.process.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(1)
        for pid in leftovers | set(self.tree()):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process = None
