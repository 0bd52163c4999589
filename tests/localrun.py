"""`make run` itself as a subprocess, as a user starts it: free ports, throwaway databases, an
exchange and an RF_VAR_DIR of the test's own (`local_run_env`), and `LocalRun` to start it, read
its terminal output, find its processes and press Ctrl-C."""

import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from servicekit import broker, db
from servicekit.events import topology
from servicekit.mailsink import free_port
from settings.entrypoints.consumer import NAME as CONSUMER_NAME
from settings.entrypoints.consumer import queue_owner

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("FORTNOX_SANDBOX", "AUTH", "TOKENS", "SETTINGS", "GATEWAY")
DATABASES = ("AUTH", "TOKENS", "SETTINGS", "FORTNOX_SANDBOX")
BANNER_END = "Ctrl-C stops everything."


@pytest.fixture
def local_run_env(postgres_url, amqp_url, tmp_path):
    """(environment, ports, database URLs) of one local run; its databases and bus are
    dropped afterwards."""
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
        queue = topology.queue_name(queue_owner(exchange), CONSUMER_NAME)
        topology.delete_bus(connection.channel(), exchange, [queue])
    finally:
        connection.close()


class LocalRun:
    """One `make run`; its output is read all along, so a full pipe never stalls it."""

    def __init__(self, env: dict):
        self.env = env
        self.var_dir = Path(env["RF_VAR_DIR"])
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            ["make", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60, after: int = 0) -> int:
        """Waits for a line holding `text` (from line number `after` on); returns its number."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for number, line in enumerate(self.lines[after:], start=after):
                if text in line:
                    return number
            if not self.reader.is_alive():
                break
            time.sleep(0.2)
        raise AssertionError(f"no {text!r} from make run:\n" + "".join(self.lines[-80:]))

    def wait_for_banner(self, timeout: float = 180) -> str:
        self.wait_for(BANNER_END, timeout)
        return self.output()

    def supervisorctl(self, *args: str) -> str:
        conf = self.var_dir / "supervisord.conf"
        command = [str(ROOT / ".venv" / "bin" / "supervisorctl"), "-c", str(conf), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout

    def pid(self, program: str) -> int:
        return int(self.supervisorctl("pid", f"rf:{program}").strip() or 0)

    def leftovers(self) -> list[int]:
        """Pids of every process still carrying this run's RF_VAR_DIR in its environment."""
        marker = f"RF_VAR_DIR={self.env['RF_VAR_DIR']}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue  # gone meanwhile, or not ours to read
        return found

    def stop(self, how: signal.Signals = signal.SIGINT) -> None:
        """SIGINT as Ctrl-C sends it, to the foreground group (make and supervisord); SIGTERM as
        `kill` sends it, to make alone."""
        if how == signal.SIGINT:
            os.killpg(self.process.pid, signal.SIGINT)
        else:
            self.process.send_signal(how)
        try:
            self.process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise AssertionError(f"make run did not stop within 45 s of {how.name}") from None
        finally:
            self.reader.join(timeout=10)
            self.process.stdout.close()
