"""What the benchmarks share: wrk as the load generator, the bare Flask hello they compare with,
and the processes and throwaway databases they start and always remove.

wrk (Debian's package; `make bench` installs it when missing) is native code: Python client
threads saturate long before a gunicorn server does. Each run gets a small Lua script that
counts the answers by status, so a page that answered a redirect or an error is never counted
as served, and that prints the exact 50th and 99th percentiles for this module to read.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from servicekit.mailsink import free_port

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")

# Appended to every run's script: answers counted per status in each thread, summed at the end.
_REPORT_LUA = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  if on_setup then on_setup(thread, #threads) end
end
statuses = {}
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout))
  local all = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      all[status] = (all[status] or 0) + count
    end
  end
  for status, count in pairs(all) do io.write(string.format("STATUS %d %d\\n", status, count)) end
end
"""


def think_time_lua(low_ms: int, high_ms: int) -> str:
    """A user who reads each page 0.25-0.75 s before the next: wrk waits before each request."""
    return f"function delay() return math.random({low_ms}, {high_ms}) end\n"


def request_lua(method: str, headers: dict[str, str], body: str | None = None) -> str:
    lines = [f'wrk.method = "{method}"']
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
    if body is not None:
        lines.append(f"wrk.body = [[{body}]]")
    return "\n".join(lines) + "\n"


@dataclass
class Figures:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def unexpected(self, expected: int) -> int:
        """Answers that were not `expected`, socket errors included."""
        other = sum(n for status, n in self.statuses.items() if status != expected)
        return other + self.socket_errors

    def line(self, name: str, hello: "Figures | None" = None, expected: int = 200) -> str:
        ratio = f"   {self.rate / hello.rate:6.1%} of hello" if hello and hello.rate else ""
        bad = self.unexpected(expected)
        return (
            f"  {name:<52} {self.rate:8.0f} req/s   p50 {self.p50_ms:7.1f} ms"
            f"   p99 {self.p99_ms:7.1f} ms{ratio}"
            + (f"   !! {bad} answers not {expected}: {self.statuses}" if bad else "")
        )


def wrk(url: str, lua: str, *, seconds: float, connections: int, threads: int = 2) -> Figures:
    """Load `url` with wrk (keep-alive) for `seconds`; `lua` sets the request and any think time."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + _REPORT_LUA)
    try:
        args = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections)]
        args += ["-d", f"{seconds:g}s", "--timeout", "10s", "-s", script.name, url]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    return _parse(out)


def _parse(out: str) -> Figures:
    statuses: dict[int, int] = {}
    figures = None
    for line in out.splitlines():
        if line.startswith("RESULT "):
            count, micros, p50, p99, errors = (int(x) for x in line.split()[1:])
            figures = Figures(count, micros / 1e6, p50 / 1000, p99 / 1000, errors)
        elif line.startswith("STATUS "):
            status, count = (int(x) for x in line.split()[1:])
            statuses[status] = count
    if figures is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    figures.statuses = statuses
    return figures


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run `make bench` (it installs Debian's wrk when missing).")


def hello_app():
    """The bare Flask app the platform is compared with (GET and POST /hello)."""
    from flask import Flask, jsonify

    app = Flask("hello")

    @app.route("/hello", methods=["GET", "POST"])
    def hello():
        return jsonify(hello="world")

    return app


def new_database(prefix: str) -> str:
    from servicekit import db

    url = db.with_database(PG, f"{prefix}_{uuid.uuid4().hex[:10]}")
    db.ensure_database(url)
    return url


class Processes:
    """Every process a benchmark starts, every database and folder it makes (the processes' logs
    included), removed by stop_all()."""

    def __init__(self):
        # Stopped by SIGTERM (`kill`, a CI job's timeout), a benchmark cleans up as on Ctrl-C:
        # the exit runs its `finally`, which calls stop_all().
        signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
        self.started: list[subprocess.Popen] = []
        self.databases: list[str] = []
        self.logs = tempfile.mkdtemp(prefix="rf-bench-")
        self.folders = [self.logs]

    def folder(self, prefix: str) -> str:
        """A temporary folder, removed by stop_all()."""
        self.folders.append(tempfile.mkdtemp(prefix=prefix))
        return self.folders[-1]

    def database(self, prefix: str = "bench", migrations: Path | None = None) -> str:
        url = new_database(prefix)
        self.databases.append(url)
        if migrations is not None:
            from servicekit.migrate import migrate

            migrate(url, migrations)
        return url

    def gunicorn(self, app: str, env: dict, workers: int, name: str, health="/healthz") -> str:
        port = free_port()
        args = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
        args += ["-c", str(ROOT / "deploy/gunicorn.conf.py")]
        args += ["--pythonpath", str(ROOT / "bench"), app]
        self.spawn(args, env, name)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url + health)
        return url

    def hello(self, workers: int) -> str:
        """The bare hello on the platform's gunicorn settings; its URL."""
        return self.gunicorn("loadgen:hello_app()", {}, workers, "hello", health="/hello")

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
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def wait_healthy(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")
