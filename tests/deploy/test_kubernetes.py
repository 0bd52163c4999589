"""deploy/k8s rendered as `kubectl apply -k` would (deploy/manifests/render.py), validated against
the Kubernetes schemas (kubernetes-validate ships them) and against the local run."""

import copy

import kubernetes_validate
import pytest
from manifests import model
from servicekit.config import VARIABLES

KUBERNETES_VERSION = "1.33.0"
# Custom resources of the operators: no schema ships for them; their required fields instead.
OPERATOR_KINDS = {
    ("postgresql.cnpg.io/v1", "Cluster"): ["instances", "storage", "managed"],
    ("postgresql.cnpg.io/v1", "Database"): ["name", "owner", "cluster"],
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): ["replicas", "tls", "rabbitmq"],
    ("rabbitmq.com/v1beta1", "Vhost"): ["name", "rabbitmqClusterReference"],
    ("rabbitmq.com/v1beta1", "Exchange"): ["name", "type", "durable", "rabbitmqClusterReference"],
    ("rabbitmq.com/v1beta1", "User"): ["importCredentialsSecret", "rabbitmqClusterReference"],
    ("rabbitmq.com/v1beta1", "Permission"): ["vhost", "userReference", "permissions"],
}


def validate(document: dict) -> None:
    key = (document["apiVersion"], document["kind"])
    if key in OPERATOR_KINDS:
        missing = [f for f in OPERATOR_KINDS[key] if f not in document["spec"]]
        assert not missing, f"{key} {document['metadata']['name']} lacks {missing}"
        return
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", ["base", "production"])
def test_every_manifest_matches_the_kubernetes_schemas(overlay, request):
    documents = request.getfixturevalue(overlay)
    assert documents
    for document in documents:
        validate(document)


def test_a_misspelt_field_is_caught_by_the_schemas(base, select):
    deployment = copy.deepcopy(select(base, "Deployment", "tokens")[0])
    deployment["spec"]["template"]["spec"]["containers"][0]["readynessProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)


def test_every_procfile_process_has_its_deployment(base, processes, select):
    assert [p.name for p in processes if not select(base, "Deployment", p.name)] == []


def test_web_processes_have_probes_resources_service_autoscaler_and_budget(
    base, processes, select, containers
):
    for p in (p for p in processes if p.kind == "web"):
        app = containers(select(base, "Deployment", p.name)[0])[0]
        assert app["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert app["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert set(app["resources"]) == {"requests", "limits"}
        assert select(base, "Service", p.name)[0]["spec"]["ports"][0]["port"] == p.port
        hpa = select(base, "HorizontalPodAutoscaler", p.name)[0]["spec"]
        assert hpa["metrics"][0]["resource"]["name"] == "cpu" and hpa["minReplicas"] >= 2
        assert select(base, "PodDisruptionBudget", p.name)


def test_workers_scale_between_bounds_and_export_their_metrics(base, processes, select, containers):
    for p in (p for p in processes if p.kind == "worker"):
        hpa = select(base, "HorizontalPodAutoscaler", p.name)[0]["spec"]
        assert 1 <= hpa["minReplicas"] < hpa["maxReplicas"]
        assert select(base, "PodDisruptionBudget", p.name)
        app, exporter = containers(select(base, "Deployment", p.name)[0])
        assert "resources" in app and "resources" in exporter
        multiproc = {e["name"]: e.get("value") for e in exporter["env"]}
        assert multiproc["PROMETHEUS_MULTIPROC_DIR"] == p.metrics_dir


def test_every_variable_comes_from_the_config_map_or_by_reference_from_the_secret(
    base, select, containers
):
    data = select(base, "ConfigMap", "rf-config")[0]["data"]
    referenced = set()
    for d in base:
        for c in containers(d):
            for e in c.get("env", []):
                if "valueFrom" in e:
                    assert e["valueFrom"]["secretKeyRef"]["key"] == e["name"]
                    assert e["valueFrom"]["secretKeyRef"]["name"].startswith("rf-secrets-")
                    referenced.add(e["name"])
    for v in VARIABLES:
        if model.is_credential(v):
            assert v.name not in data, f"{v.name} is a credential: Secret only"
        else:
            assert v.name in data, v.name
    credentials = {v.name for v in VARIABLES if model.is_credential(v)}
    assert credentials - referenced == set(), "no process receives these credentials"
    assert not select(base, "Secret"), "the Secret is created by the operator, never committed"


def test_each_process_gets_the_credentials_its_code_names_and_no_others(
    base, processes, select, containers
):
    def secrets_of(name):
        app = containers(select(base, "Deployment", name)[0])[0]
        return {e["name"] for e in app.get("env", []) if "valueFrom" in e}

    assert {"TOKENS_DATABASE_URL", "AMQP_URL"} <= secrets_of("tokens")
    assert "TOKENS_DATABASE_URL" not in secrets_of("auth")
    assert secrets_of("mail") == set()


def test_each_service_with_a_database_has_a_migration_job(base, processes, select, containers):
    for package in model.migrating_packages(processes):
        web = next(p for p in processes if p.package == package and p.kind == "web")
        job = select(base, "Job", f"{web.name}-migrate")[0]
        command = containers(job)[0]["command"]
        assert command[-3:] == ["-m", f"{package}.entrypoints.cli", "migrate"]


def test_production_runs_no_stand_in_and_talks_to_fortnox_over_https(production, select):
    names = {d["metadata"]["name"] for d in production}
    assert not names & {"sandbox", "mail", "sandbox-migrate"}
    data = select(production, "ConfigMap", "rf-config")[0]["data"]
    assert data["FORTNOX_AUTH_URL"] == "https://apps.fortnox.se"
    assert data["FORTNOX_API_URL"] == "https://api.fortnox.se"
    assert data["PUBLIC_BASE_URL"].startswith("https://")
    assert data["COOKIE_SECURE"] == "true"
    host = data["PUBLIC_BASE_URL"].removeprefix("https://")
    ingress = select(production, "Ingress", "gateway")[0]["spec"]
    assert ingress["tls"][0]["hosts"] == [host] and ingress["rules"][0]["host"] == host


def test_production_patches_name_only_documented_variables(production, select):
    data = select(production, "ConfigMap", "rf-config")[0]["data"]
    assert set(data) <= {v.name for v in VARIABLES}


def test_production_gets_postgres_and_rabbitmq_from_their_operators(production, select):
    assert select(production, "Cluster", "rf-postgres")
    databases = {d["spec"]["name"] for d in select(production, "Database")}
    assert databases == {"rf_auth", "rf_tokens", "rf_settings"}
    rabbit = select(production, "RabbitmqCluster", "rf-rabbitmq")[0]["spec"]
    assert "default_queue_type = quorum" in rabbit["rabbitmq"]["additionalConfig"]
    exchange = select(production, "Exchange", "rf-events")[0]["spec"]
    assert (exchange["type"], exchange["durable"]) == ("topic", True)


def test_production_processes_trust_the_database_and_broker_cas(production, select, containers):
    for d in select(production, "Deployment") + select(production, "Job"):
        mounts = {m["mountPath"] for m in containers(d)[0]["volumeMounts"]}
        assert {"/etc/rf/ca/postgres", "/etc/rf/ca/rabbitmq"} <= mounts, d["metadata"]["name"]
        assert containers(d)[0]["image"].startswith("registry.example.com/")
    assert all(
        d["metadata"].get("namespace") == "resultat-finans"
        for d in production
        if d["kind"] != "Namespace"
    )


def test_every_pod_runs_hardened(production, containers):
    for d in production:
        pod = d.get("spec", {}).get("template", {}).get("spec")
        if not pod:
            continue
        assert pod["securityContext"]["runAsNonRoot"] and pod["enableServiceLinks"] is False
        for c in containers(d):
            assert c["securityContext"]["readOnlyRootFilesystem"], d["metadata"]["name"]


def test_each_service_reads_only_its_own_secret_and_the_gateway_no_broker_or_database(
    base, select, containers
):
    gateway = containers(select(base, "Deployment", "gateway")[0])[0]
    keys = {e["name"] for e in gateway["env"] if "valueFrom" in e}
    assert keys == {"GATEWAY_INTERNAL_KEY", "GATEWAY_SECRET_KEY"}
    for service in ("auth", "tokens", "settings", "gateway"):
        app = containers(select(base, "Deployment", service)[0])[0]
        names = {e["valueFrom"]["secretKeyRef"]["name"] for e in app["env"] if "valueFrom" in e}
        assert names == {f"rf-secrets-{service}"}, service
    tokens = containers(select(base, "Deployment", "tokens")[0])[0]
    assert "RESULTAT_FINANS_INTERNAL_KEY" in {e["name"] for e in tokens["env"]}


def test_the_gateway_may_reach_only_auth_tokens_settings_and_dns(base, select):
    policies = [
        p
        for p in select(base, "NetworkPolicy")
        if "Egress" in p["spec"].get("policyTypes", [])
        and p["spec"]["podSelector"].get("matchLabels") == {"app.kubernetes.io/name": "gateway"}
    ]
    assert len(policies) == 1
    services, dns = policies[0]["spec"]["egress"]
    (selector,) = services["to"]
    assert selector["podSelector"]["matchExpressions"][0]["values"] == [
        "auth",
        "tokens",
        "settings",
    ]
    assert dns["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    assert {p["port"] for p in dns["ports"]} == {53}


def test_the_gateways_metrics_and_readiness_are_on_a_port_the_ingress_does_not_lead_to(
    base, select, containers
):
    app = containers(select(base, "Deployment", "gateway")[0])[0]
    assert [p["name"] for p in app["ports"]] == ["http", "metrics"]
    assert app["readinessProbe"]["httpGet"]["port"] == "metrics"
    service_ports = select(base, "Service", "gateway")[0]["spec"]["ports"]
    assert [p["name"] for p in service_ports] == ["http"]
    (rule,) = select(base, "Ingress", "gateway")[0]["spec"]["rules"]
    assert rule["http"]["paths"][0]["backend"]["service"]["port"] == {"name": "http"}
