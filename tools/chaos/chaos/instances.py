"""A PostgreSQL cluster and a RabbitMQ node of the run's own, in a temporary folder, on free ports.

The machine's own servers (5432, 5672) are never touched: other people's tests use them, and the
faults below stop and restart these instances.
"""

import os
import pwd
import shutil
import subprocess
import time
import uuid
from pathlib import Path

from servicekit.mailsink import free_port

PG_BIN = Path(os.environ.get("CHAOS_PG_BIN", "")) if os.environ.get("CHAOS_PG_BIN") else None
RABBIT_BIN = Path(os.environ.get("CHAOS_RABBITMQ_BIN", "/usr/lib/rabbitmq/bin"))


def _pg_bin() -> Path:
    if PG_BIN is not None:
        return PG_BIN
    found = shutil.which("pg_ctl")
    if found and "postgresql" in os.path.realpath(found):
        return Path(os.path.realpath(found)).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        raise RuntimeError("no PostgreSQL server binaries (pg_ctl) found; set CHAOS_PG_BIN")
    return versions[-1].parent


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done


class OwnPostgres:
    """initdb + pg_ctl on a free port; run as the `postgres` user when we are root (initdb
    refuses root)."""

    def __init__(self, root: Path) -> None:
        self.root = root / "postgres"
        self.port = free_port()
        self.bin = _pg_bin()
        self._as = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str) -> None:
        _run([*self._as, str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), *args])

    def start(self) -> "OwnPostgres":
        self.root.mkdir(parents=True)
        if self._as:
            self.root.parent.chmod(0o711)  # the server's user passes through the run's folder
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        data = self.root / "data"
        _run(
            [*self._as, str(self.bin / "initdb"), "-D", str(data), "-U", "postgres"]
            + ["--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=300 -c synchronous_commit=off"
        )
        self._ctl("-o", options, "-l", str(self.root / "server.log"), "-w", "start")
        return self

    def restart(self) -> None:
        """The fault: a fast restart, as an operator or a failover does."""
        self._ctl("-m", "fast", "-l", str(self.root / "server.log"), "-w", "restart")

    def stop(self) -> None:
        if (self.root / "data" / "postmaster.pid").exists():
            self._ctl("-m", "immediate", "-w", "stop")


class OwnRabbit:
    """A RabbitMQ node of its own name, ports, cookie, data and log folders, and no plugins."""

    def __init__(self, root: Path) -> None:
        self.root = root / "rabbitmq"
        self.node = f"rf-chaos-{uuid.uuid4().hex[:8]}@localhost"
        self.port = free_port()
        self.env = dict(
            os.environ,
            HOME=str(self.root),  # the Erlang cookie lives here, not in anyone else's home
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(free_port()),
            RABBITMQ_MNESIA_BASE=str(self.root / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.root / "log"),
            RABBITMQ_CONFIG_FILE=str(self.root / "rabbitmq"),
            RABBITMQ_ADVANCED_CONFIG_FILE=str(self.root / "advanced.config"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.root / "enabled_plugins"),
            RABBITMQ_PID_FILE=str(self.root / "node.pid"),
        )
        self.started = False

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def ctl(self, *args: str, timeout: float = 60) -> None:
        _run(
            [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, *args], env=self.env, timeout=timeout
        )

    def start(self) -> "OwnRabbit":
        self.root.mkdir(parents=True)
        (self.root / "rabbitmq.conf").write_text(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
        (self.root / "advanced.config").write_text("[].\n")
        (self.root / "enabled_plugins").write_text("[].\n")
        _run([str(RABBIT_BIN / "rabbitmq-server"), "-detached"], env=self.env, cwd=self.root)
        self.started = True
        self._await_startup()
        return self

    def _await_startup(self, timeout: float = 120) -> None:
        """await_startup fails at once until the new node has registered with epmd."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.ctl("await_startup", timeout=timeout)
                return
            except (RuntimeError, subprocess.TimeoutExpired):
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)

    def stop_app(self) -> None:
        """The broker goes away for its clients (listener and connections closed); the node's
        VM stays, so the way back takes seconds, not a cold start."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app", timeout=120)

    def stop(self) -> None:
        if not self.started:
            return
        try:
            self.ctl("stop", timeout=60)
        except (RuntimeError, subprocess.TimeoutExpired):
            pid = (
                (self.root / "node.pid").read_text().strip()
                if (self.root / "node.pid").exists()
                else ""
            )
            if pid.isdigit():
                os.kill(int(pid), 9)
        self.started = False


def wait_until(check, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return False
