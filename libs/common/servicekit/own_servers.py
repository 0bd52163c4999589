"""A PostgreSQL cluster and a RabbitMQ node of a test's own, to stop, restart and kill.

The machine's PostgreSQL on 5432 and RabbitMQ on 5672 are shared by every test run on it and
are never stopped; a test that needs an outage starts one of these instead (the pytest fixtures
`own_postgres` and `own_rabbitmq` in servicekit.testing). Each lives in a temporary folder, on
free ports of 127.0.0.1, and is removed afterwards. Run as root, the servers run as the
`postgres` and `rabbitmq` users (neither runs as root).
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from servicekit.mailsink import free_port


def _as_user(user: str, args: list[str], env: dict | None = None) -> list[str]:
    """The command run as `user` when we are root (with its environment given explicitly)."""
    assignments = [f"{k}={v}" for k, v in (env or {}).items()]
    if os.geteuid() == 0:
        return ["runuser", "-u", user, "--", "env", *assignments, *args]
    return ["env", *assignments, *args]


def _run(args: list[str], timeout: float = 120) -> str:
    # From a folder any user may enter: the servers' scripts fail in one their user cannot read.
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, cwd=tempfile.gettempdir()
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _own_folder(prefix: str, user: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(folder, user, user)
    return folder


def _postgres_bin() -> Path:
    found = (
        shutil.which("initdb")
        or (sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [""])[-1]
    )
    if not found:
        raise RuntimeError("PostgreSQL's initdb is needed for a PostgreSQL of the test's own")
    return Path(found).parent


class OwnPostgres:
    """initdb + pg_ctl on a free port; `url` reaches its `postgres` database (trust auth)."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.folder = _own_folder("rf-pg-", "postgres")
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log")]
        _run(_as_user("postgres", [*command, "-w", "-o", options, *args]))

    def start(self) -> "OwnPostgres":
        if not self.data.exists():
            initdb = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres"]
            _run(_as_user("postgres", [*initdb, "-A", "trust", "-E", "UTF8", "--no-sync"]))
        self._ctl("start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """`fast` as an operator's restart does it; `immediate` as a crash."""
        self._ctl("-m", mode, "stop")

    def restart(self) -> None:
        self._ctl("-m", "fast", "restart")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def _rabbitmq_script(name: str) -> str:
    # The packaged scripts themselves: /usr/sbin's wrappers insist on the machine's own node.
    packaged = Path("/usr/lib/rabbitmq/bin") / name
    found = str(packaged) if packaged.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is needed for a RabbitMQ node of the test's own")
    return found


class OwnRabbitMQ:
    """A second RabbitMQ node (its own name, ports, data and logs); `url` reaches it as guest."""

    def __init__(self) -> None:
        self.folder = _own_folder("rf-rabbitmq-", "rabbitmq")
        self.node = f"rf-test-{uuid.uuid4().hex[:8]}@localhost"
        self.port = free_port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"
        config = self.folder / "rabbitmq.conf"
        # The machine's rabbitmq.conf names 5672; a node of our own listens on its own port.
        config.write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        if os.geteuid() == 0:
            shutil.chown(config, "rabbitmq", "rabbitmq")
        self._env = {
            "HOME": "/var/lib/rabbitmq" if os.geteuid() == 0 else os.environ.get("HOME", ""),
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_CONFIG_FILE": str(config),
            "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.folder / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
        }
        self.running = False

    def _ctl(self, *args: str, timeout: float = 120) -> str:
        command = [_rabbitmq_script("rabbitmqctl"), "-n", self.node, *args]
        return _run(_as_user("rabbitmq", command, {"HOME": self._env["HOME"]}), timeout)

    def start(self) -> "OwnRabbitMQ":
        """Start the node (its data kept from before) and wait until it takes connections."""
        command = _as_user(
            "rabbitmq", [_rabbitmq_script("rabbitmq-server"), "-detached"], self._env
        )
        # Not into pipes of ours: the detached node dies when they close.
        with (self.folder / "start.out").open("ab") as output:
            subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                check=True,
                cwd=tempfile.gettempdir(),
                timeout=60,
            )
        self.running = True
        self._until_answering(150)
        return self

    def _until_answering(self, patience: float) -> None:
        """await_startup, asked again while the new node has not even registered yet."""
        deadline = time.monotonic() + patience
        while True:
            try:
                self._ctl("await_startup", "--timeout", "60", timeout=90)
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)

    def stop(self) -> None:
        self._ctl("stop")
        self.running = False

    def remove(self) -> None:
        if self.running:
            # A node that failed to start may still be coming up: wait for it, then stop it.
            try:
                self._until_answering(60)
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
