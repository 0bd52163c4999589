"""deploy/compose.yaml against the Compose specification, and against the local run."""

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from manifests import compose, model
from manifests.model import read_procfile
from servicekit.config import VARIABLES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def compose_schema() -> dict:
    # The Compose specification's JSON schema, as check-jsonschema ships it (vendored from the
    # compose-spec repository, Apache-2.0).
    vendor = resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
    return json.loads((vendor / "compose-spec.json").read_text())


def env_file(name: str) -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "compose" / name).read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def test_compose_file_matches_the_compose_specification(compose_file):
    jsonschema.validate(compose_file, compose_schema())


def test_a_misspelt_compose_key_is_caught_by_the_schema(compose_file):
    broken = json.loads(json.dumps(compose_file))
    broken["services"]["tokens"]["helthcheck"] = broken["services"]["tokens"].pop("healthcheck")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, compose_schema())


def test_every_procfile_process_is_a_compose_service(compose_file, processes):
    services = compose_file["services"]
    assert [p.name for p in processes if p.name not in services] == []
    assert {"postgres", "rabbitmq", "migrate"} <= set(services)


def test_every_variable_reaches_the_containers_secrets_only_from_the_uncommitted_file(
    compose_file, processes
):
    config, example = env_file("platform.env"), env_file("secrets.env.example")
    for v in VARIABLES:
        if v.secret:
            assert v.name in example and v.name not in config, v.name
        elif model.is_credential(v):  # a URL with a password: only the services reading it
            assert v.name not in config, v.name
        else:
            assert v.name in config, v.name
    assert set(example.values()) == {"REPLACE_ME"}
    own = {p.name: [f"../var/secrets/{p.secret}.env"] for p in processes}
    for name, service in compose_file["services"].items():
        if "build" in service:
            paths = [f if isinstance(f, str) else f["path"] for f in service["env_file"]]
            assert paths[0] == "compose/platform.env", name
            assert paths[1:] in ([], ["../var/secrets.env"], own.get(name)), name


def test_the_gateway_container_gets_its_own_credentials_and_no_broker_or_database(
    compose_file, tmp_path
):
    gateway = compose_file["services"]["gateway"]
    assert not {n for n in gateway.get("environment", {}) if n.endswith("_URL")}
    assert "AMQP_URL" not in env_file("platform.env")
    secrets = {v.name: f"value-of-{v.name}" for v in VARIABLES if v.secret}
    split = compose.split_secrets(read_procfile(), secrets)
    gateway_keys = {line.split("=")[0] for line in split["rf-secrets-gateway"].splitlines()}
    assert gateway_keys == {"GATEWAY_INTERNAL_KEY", "GATEWAY_SECRET_KEY"}
    tokens_keys = {line.split("=")[0] for line in split["rf-secrets-tokens"].splitlines()}
    assert "RESULTAT_FINANS_INTERNAL_KEY" in tokens_keys and "GATEWAY_SECRET_KEY" not in tokens_keys


def test_containers_address_each_other_not_the_loopback(processes, compose_file):
    config = env_file("platform.env")
    browser_facing = {"PUBLIC_BASE_URL", "SANDBOX_REDIRECT_URIS"}
    assert {k for k, v in config.items() if "127.0.0.1" in v} <= browser_facing
    assert config["AUTH_URL"] == "http://auth:8081"
    tokens = compose_file["services"]["tokens"]["environment"]
    assert tokens["TOKENS_DATABASE_URL"].startswith("postgresql://postgres@postgres:5432/")
    assert tokens["AMQP_URL"].startswith("amqp://guest:guest@rabbitmq:5672/")


def test_web_processes_have_health_checks_and_wait_for_their_dependencies(compose_file, processes):
    services = compose_file["services"]
    for p in processes:
        service = services[p.name]
        if p.kind == "web":
            assert f"http://127.0.0.1:{p.port}/healthz" in service["healthcheck"]["test"]
        if p.kind in {"web", "worker"}:
            conditions = {k: v["condition"] for k, v in service["depends_on"].items()}
            assert conditions["postgres"] == "service_healthy"
            assert conditions["rabbitmq"] == "service_healthy"
            assert conditions["migrate"] == "service_completed_successfully"
    assert services["postgres"]["healthcheck"]["test"][1] == "pg_isready"
    assert services["rabbitmq"]["healthcheck"]["test"][1] == "rabbitmq-diagnostics"


def test_worker_replicas_come_from_the_local_runs_variables(compose_file, processes):
    for p in processes:
        if p.kind == "worker":
            replicas = compose_file["services"][p.name]["deploy"]["replicas"]
            assert replicas == f"${{{p.replicas_variable}:-1}}"
