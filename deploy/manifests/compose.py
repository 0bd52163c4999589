"""deploy/compose.yaml and its environment file: the local run's processes in containers."""

from servicekit.config import VARIABLES

from manifests.model import (
    IMAGE,
    Process,
    container_values,
    credentials_of,
    is_credential,
    port_hosts,
    variable,
)

# Reached by the browser as well as by the containers: they keep the local run's address (the
# gateway's port is published there) or, for the sandbox, a name both sides resolve.
BROWSER_FACING = {"PUBLIC_BASE_URL", "SANDBOX_REDIRECT_URIS"}
SANDBOX_ALIAS = "sandbox.localhost"
PUBLISHED = {"gateway", "sandbox"}
SECRETS_FILE = "../var/secrets.env"  # written by deploy/secrets.sh, never committed
# deploy/secrets.sh splits it: each service's container reads only its own service's secrets.
SERVICE_SECRETS = "../var/secrets/{secret}.env"


def environment(processes: list[Process]) -> dict[str, str]:
    values = container_values(port_hosts(processes), BROWSER_FACING)
    sandbox = next((p for p in processes if p.package == "fortnox_sandbox"), None)
    if sandbox:
        values["FORTNOX_AUTH_URL"] = f"http://{SANDBOX_ALIAS}:{sandbox.port}"
    if "SMTP_HOST" in values and any(p.name == "mail" for p in processes):
        values["SMTP_HOST"] = "mail"
    return values


def _escape(text: str) -> str:
    return text.replace("$", "$$")  # Compose would interpolate $ from the host's shell


_BUILD = {"context": "..", "dockerfile": "deploy/container/Dockerfile"}
_ENV_FILES = ["compose/platform.env", {"path": SECRETS_FILE, "required": True}]
ANCHORS = {id(_BUILD): "build", id(_ENV_FILES): "env-files"}


def _app(extra: dict, env_files: list | None = None) -> dict:
    # Every service builds the same image (one build, cached); the one-shot commands (migrate,
    # seed-demo) act for every service and read every secret.
    env_files = _ENV_FILES if env_files is None else env_files
    return {"image": f"{IMAGE}:local", "build": _BUILD, "env_file": env_files, **extra}


def _credentials(processes: list[Process], names: list[str]) -> dict[str, str]:
    """The credentials that are not secret in Compose (database and broker URLs), by name: each
    container gets only those its service reads, so the gateway has no broker URL."""
    values = environment(processes)
    return {name: values[name] for name in names if name in values}


def _own_files(p: Process) -> list:
    secret = any(variable(name).secret for name in credentials_of(p))
    own = {"path": SERVICE_SECRETS.format(secret=p.secret), "required": True}
    return ["compose/platform.env", own] if secret else ["compose/platform.env"]


def _infrastructure() -> dict:
    return {
        "postgres": {
            "image": "postgres:16",
            # The same trust as the local run's PostgreSQL, reachable only on this private network.
            "environment": {"POSTGRES_HOST_AUTH_METHOD": "trust"},
            "volumes": ["postgres:/var/lib/postgresql/data"],
            "healthcheck": _check(["CMD", "pg_isready", "-U", "postgres"]),
        },
        "rabbitmq": {
            "image": "rabbitmq:3.13",
            "volumes": [
                "rabbitmq:/var/lib/rabbitmq",
                "./compose/rabbitmq.conf:/etc/rabbitmq/conf.d/90-resultat-finans.conf:ro",
            ],
            "healthcheck": _check(["CMD", "rabbitmq-diagnostics", "-q", "check_port_connectivity"]),
        },
    }


def _check(test: list[str]) -> dict:
    return {"test": test, "interval": "5s", "timeout": "5s", "retries": 30, "start_period": "10s"}


def _ready(*names: str) -> dict:
    return {name: {"condition": "service_healthy"} for name in names}


def _process(p: Process, processes: list[Process]) -> dict:
    web_names = [q.name for q in processes if q.kind == "web"]
    service: dict = {
        "command": ["/bin/sh", "-c", _escape(p.container_script())],
        "restart": "unless-stopped",
    }
    if p.kind == "tcp":
        service = {**service, "volumes": ["mail:/var/lib/rf/mail"]} if p.name == "mail" else service
        return _app(service, _own_files(p))
    if own := _credentials(processes, credentials_of(p)):
        service["environment"] = own
    depends = {
        **_ready("postgres", "rabbitmq"),
        "migrate": {"condition": "service_completed_successfully"},
    }
    if p.kind == "web":
        workers = variable(f"{p.name.upper()}_WEB_WORKERS")
        service["environment"] = {
            **service.get("environment", {}),
            workers.name: f"${{{workers.name}:-{workers.default}}}",
        }
        url = f"http://127.0.0.1:{p.port}/healthz"
        service["healthcheck"] = _check(
            ["CMD", ".venv/bin/python", "deploy/container/healthcheck.py", url]
        )
        if p.name == "gateway":
            depends.update(_ready(*[n for n in web_names if n not in {"gateway", "sandbox"}]))
        if p.name in PUBLISHED:
            service["ports"] = [f"127.0.0.1:{p.port}:{p.port}"]
        if p.package == "fortnox_sandbox":
            service["networks"] = {"default": {"aliases": [SANDBOX_ALIAS]}}
    else:
        replicas = variable(p.replicas_variable)
        service["deploy"] = {"replicas": f"${{{replicas.name}:-{replicas.default}}}"}
        service["stop_grace_period"] = "30s"  # a worker finishes its batch on SIGTERM
    service["depends_on"] = depends
    return _app(service, _own_files(p))


def compose(processes: list[Process]) -> dict:
    every_credential = _credentials(processes, [v.name for v in VARIABLES if is_credential(v)])
    services = _infrastructure()
    services["migrate"] = _app(
        {
            "command": ["deploy/manage.sh", "migrate"],
            "environment": every_credential,
            "depends_on": _ready("postgres"),
            "restart": "no",
        }
    )
    services["seed-demo"] = _app(
        {
            "command": ["deploy/manage.sh", "seed-demo"],
            "environment": every_credential,
            "depends_on": {"migrate": {"condition": "service_completed_successfully"}},
            "restart": "no",
        }
    )
    for p in processes:
        services[p.name] = _process(p, processes)
    return {
        "name": "resultat-finans",
        "services": services,
        "volumes": {"postgres": {}, "rabbitmq": {}, "mail": {}},
    }


def env_file(processes: list[Process]) -> str:
    """What every container reads: no credential (those go to each service's own)."""
    credentials = {v.name for v in VARIABLES if is_credential(v)}
    values = {k: v for k, v in environment(processes).items() if k not in credentials}
    if any("$" in value for value in values.values()):
        raise ValueError("a $ in an env file value would be interpolated by Compose")
    return "\n".join(f"{name}={value}" for name, value in values.items()) + "\n"


def secrets_example() -> str:
    lines = [
        "# The secrets Compose and Kubernetes expect, by name only. For Compose, deploy/secrets.sh",
        "# (or `make run` once) writes var/secrets.env with random local values; never commit it.",
    ]
    for v in VARIABLES:
        if v.secret:
            lines += [f"# {v.help}", f"{v.name}=REPLACE_ME"]
    return "\n".join(lines) + "\n"


def split_secrets(processes: list[Process], secrets: dict[str, str]) -> dict[str, str]:
    """The local secrets file cut per service (its Secret's name -> `NAME=value` lines)."""
    files: dict[str, list[str]] = {}
    for p in processes:
        names = [n for n in credentials_of(p) if variable(n).secret and n in secrets]
        if names:
            files.setdefault(p.secret, []).extend(f"{n}={secrets[n]}" for n in names)
    return {secret: "\n".join(dict.fromkeys(lines)) + "\n" for secret, lines in files.items()}
