"""What the platform runs, read from the two sources of truth: deploy/Procfile (the processes) and
servicekit.config.VARIABLES (the environment). Compose and Kubernetes are both written from this."""

import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from servicekit import config
from servicekit.config import VARIABLES, Variable

ROOT = Path(__file__).resolve().parents[2]
PROCFILE = ROOT / "deploy" / "Procfile"
# Containers keep the local run's state here (an emptyDir or a volume, owned by the image's user).
CONTAINER_VAR_DIR = "/var/lib/rf"
IMAGE = "resultat-finans/platform"

_LINE = re.compile(r"^([a-z][a-z0-9-]*):\s*(.+)$")
_ASSIGNMENTS = re.compile(r"^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)(.*)$")
_WEB_APP = re.compile(r"'([a-z_]+)\.entrypoints\.api:create_app\(\)'")
_WORKER = re.compile(r"-m ([a-z_]+)\.entrypoints\.([a-z_]+)")
_PORT_VAR = re.compile(r":\$([A-Z_]+_PORT)\b")
_REFERENCED = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)")


@dataclass(frozen=True)
class Process:
    """One line of the Procfile: a web process (gunicorn), a worker, or a plain TCP server."""

    name: str
    command: str
    kind: str  # "web" | "worker" | "tcp"
    package: str | None  # the Python package of its service; None for the mail sink
    port_variable: str | None
    # A second port, for /metrics and /readyz only (the gateway's): never behind the ingress.
    admin_port_variable: str | None = None

    @property
    def port(self) -> int | None:
        return int(default_of(self.port_variable)) if self.port_variable else None

    @property
    def admin_port(self) -> int | None:
        return int(default_of(self.admin_port_variable)) if self.admin_port_variable else None

    @property
    def secret(self) -> str:
        """Its service's own Kubernetes Secret: a pod can be given only its service's keys."""
        return f"rf-secrets-{(self.package or self.name).replace('_', '-')}"

    @property
    def replicas_variable(self) -> str:
        return self.name.upper().replace("-", "_") + "_REPLICAS"

    @property
    def metrics_dir(self) -> str:
        """Where its Prometheus multiprocess files go inside a container."""
        for name, value in assignments(self.command):
            if name == "PROMETHEUS_MULTIPROC_DIR":
                return value.replace("$RF_VAR_DIR", CONTAINER_VAR_DIR)
        return f"{CONTAINER_VAR_DIR}/metrics/{self.name}"

    def container_script(self) -> str:
        """The Procfile command as a container runs it: same command, all interfaces, its
        metrics folder fresh, and exec so that the process gets the orchestrator's signals."""
        prefix, rest = _ASSIGNMENTS.match(self.command).groups()
        lines = [f"export {name}={value}" for name, value in assignments(self.command)]
        if "PROMETHEUS_MULTIPROC_DIR" not in prefix:
            lines.append(f"export PROMETHEUS_MULTIPROC_DIR={self.metrics_dir}")
        lines.append('rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"')
        lines.append("exec " + rest.replace("127.0.0.1:", "0.0.0.0:"))
        script = "\n".join(lines)
        if "$(" in script:
            raise ValueError(f"{self.name}: $( in a command would be expanded by Kubernetes")
        return script


def assignments(command: str) -> list[tuple[str, str]]:
    prefix = _ASSIGNMENTS.match(command).group(1)
    return [tuple(token.split("=", 1)) for token in prefix.split()]


def referenced_variables(command: str) -> set[str]:
    return set(_REFERENCED.findall(command))


def read_procfile(path: Path = PROCFILE) -> list[Process]:
    processes = []
    for line in path.read_text().splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        name, command = match.groups()
        web, worker = _WEB_APP.search(command), _WORKER.search(command)
        port, admin = (_PORT_VAR.findall(command) + [None, None])[:2]
        if "gunicorn" in command and web:
            processes.append(Process(name, command, "web", web.group(1), port, admin))
        elif worker and worker.group(2) != "cli":
            processes.append(Process(name, command, "worker", worker.group(1), None))
        elif port:
            processes.append(Process(name, command, "tcp", None, port))
        else:
            raise ValueError(f"Procfile line {name!r}: not a web process, worker or TCP server")
    return processes


def variable(name: str) -> Variable:
    return next(v for v in VARIABLES if v.name == name)


def default_of(name: str) -> str:
    return variable(name).default


def is_credential(v: Variable) -> bool:
    """Secrets, and URLs that carry a password in production: Kubernetes takes them from the
    Secret; they are never written into a ConfigMap."""
    return v.secret or v.name.endswith("_DATABASE_URL") or v.name == "AMQP_URL"


def package_source(package: str) -> str:
    """The service's code, with servicekit.config.service_base() where its config starts from it
    (that reads the broker's URL and the internal key on the service's behalf)."""
    folder = ROOT / "services" / package / package
    source = "\n".join(p.read_text() for p in sorted(folder.rglob("*.py")))
    if "service_base(" in source:
        source += inspect.getsource(config.service_base)
    return source


def credentials_of(process: Process) -> list[str]:
    """The credentials its service's code names: each process gets only those."""
    if process.package is None:
        return []
    source = package_source(process.package)
    return [v.name for v in VARIABLES if is_credential(v) and f'"{v.name}"' in source]


def migrating_packages(processes: list[Process]) -> list[str]:
    """Services whose command line has `migrate`, in Procfile order (deploy/manage.sh's set)."""
    found = []
    for p in processes:
        cli = (
            ROOT / "services" / p.package / p.package / "entrypoints" / "cli.py"
            if p.package
            else None
        )
        # every service's `migrate` is servicekit.migrate.migrate_command()
        if cli and cli.exists() and "migrate_command(" in cli.read_text():
            if p.package not in found:
                found.append(p.package)
    return found


def container_values(hosts: dict[int, str], keep_local: set[str]) -> dict[str, str]:
    """Every non-credential variable's value inside a container: the local default with each
    `127.0.0.1:<port>` pointed at the container serving that port (except browser-facing URLs)."""
    values = {}
    for v in VARIABLES:
        if v.default is None:
            continue
        value = v.default
        if v.name not in keep_local:
            for port, host in hosts.items():
                value = value.replace(f"127.0.0.1:{port}", f"{host}:{port}")
        values[v.name] = value
    values["RF_VAR_DIR"] = CONTAINER_VAR_DIR
    return values


def port_hosts(processes: list[Process]) -> dict[int, str]:
    hosts = {5432: "postgres", 5672: "rabbitmq"}
    hosts.update({p.port: p.name for p in processes if p.port})
    return hosts


def check_documented(processes: list[Process]) -> None:
    """Every variable a Procfile line reads and every worker's replica count is documented."""
    names = {v.name for v in VARIABLES}
    for p in processes:
        missing = referenced_variables(p.command) - names
        if p.kind == "worker" and p.replicas_variable not in names:
            missing.add(p.replicas_variable)
        if missing:
            raise ValueError(
                f"Procfile process {p.name!r} needs {sorted(missing)} in servicekit.config.VARIABLES"
            )
