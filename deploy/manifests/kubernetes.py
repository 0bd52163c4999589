"""deploy/k8s/base: a ConfigMap, and per Procfile process a Deployment (plus Service, autoscaler
and disruption budget), and one migration Job per service that has a database."""

from servicekit.config import VARIABLES

from manifests.model import (
    IMAGE,
    Process,
    container_values,
    credentials_of,
    is_credential,
    port_hosts,
)

PART_OF = "resultat-finans"
CONFIG_MAP = "rf-config"
BASE_HOST = "rf.staging.example.com"  # the production overlay sets the real one
METRICS_EXPORTER_PORT = 9100
WEB_SCALE = (2, 10)  # replicas: at least two web pods so one can go at a time
WORKER_SCALE = (1, 4)
STAND_IN = "resultat-finans/stand-in"


def config_map(processes: list[Process]) -> dict:
    values = container_values(port_hosts(processes), set())
    behind_ingress = {
        "PUBLIC_BASE_URL": f"https://{BASE_HOST}",
        "SANDBOX_REDIRECT_URIS": f"https://{BASE_HOST}/fortnox/callback",
        "COOKIE_SECURE": "true",
        "GATEWAY_TRUSTED_PROXIES": "1",  # the ingress controller
    }
    values.update({k: v for k, v in behind_ingress.items() if k in values})
    credentials = {v.name for v in VARIABLES if is_credential(v)}
    data = {name: value for name, value in values.items() if name not in credentials}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(CONFIG_MAP), "data": data}


def _meta(name: str, labels: dict | None = None) -> dict:
    meta = {"name": name, "labels": {"app.kubernetes.io/part-of": PART_OF}}
    meta["labels"].update(labels or {})
    return meta


def _labels(p: Process, component: str | None = None) -> dict:
    # A Job's pods get their own name so that no Service or budget of the web process picks them.
    name = f"{p.name}-{component}" if component else p.name
    labels = {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/component": component or p.kind,
    }
    if p.package:
        labels["resultat-finans/service"] = p.package
    if is_stand_in(p):
        labels[STAND_IN] = "true"
    return labels


def is_stand_in(p: Process) -> bool:
    """The Fortnox sandbox and the mail sink: never deployed in production."""
    return p.package == "fortnox_sandbox" or (p.kind == "tcp" and p.name == "mail")


def _environment(p: Process) -> dict:
    secrets = [
        {"name": name, "valueFrom": {"secretKeyRef": {"name": p.secret, "key": name}}}
        for name in credentials_of(p)
    ]
    return (
        {"envFrom": [{"configMapRef": {"name": CONFIG_MAP}}], "env": secrets}
        if secrets
        else {"envFrom": [{"configMapRef": {"name": CONFIG_MAP}}]}
    )


_HARDENED = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}
_MOUNTS = [{"name": "tmp", "mountPath": "/tmp"}, {"name": "state", "mountPath": "/var/lib/rf"}]


def _resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict:
    return {
        "requests": {"cpu": cpu, "memory": memory},
        "limits": {"cpu": cpu_limit, "memory": memory_limit},
    }


def _container(p: Process, command: list[str]) -> dict:
    return {
        "name": "app",
        "image": f"{IMAGE}:latest",
        "command": command,
        **_environment(p),
        "securityContext": _HARDENED,
        "volumeMounts": _MOUNTS,
    }


def _probe(path: str, period: int, failures: int, port: str = "http") -> dict:
    return {
        "httpGet": {"path": path, "port": port},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": failures,
    }


def _containers(p: Process) -> list[dict]:
    app = _container(p, ["/bin/sh", "-c", p.container_script()])
    if p.kind == "web":
        app["ports"] = [{"name": "http", "containerPort": p.port}]
        if p.admin_port:  # /metrics and /readyz answer only there
            app["ports"].append({"name": "metrics", "containerPort": p.admin_port})
        # Start-up runs the service's migrations: give it up to five minutes before liveness.
        app["startupProbe"] = _probe("/healthz", 5, 60)
        app["readinessProbe"] = _probe("/readyz", 10, 3, "metrics" if p.admin_port else "http")
        app["livenessProbe"] = _probe("/healthz", 20, 3)
        app["resources"] = _resources("100m", "256Mi", "1", "512Mi")
        return [app]
    if p.kind == "tcp":
        app["ports"] = [{"name": "tcp", "containerPort": p.port}]
        app["readinessProbe"] = {"tcpSocket": {"port": "tcp"}, "periodSeconds": 10}
        app["livenessProbe"] = {"tcpSocket": {"port": "tcp"}, "periodSeconds": 20}
        app["resources"] = _resources("20m", "64Mi", "200m", "128Mi")
        return [app]
    app["resources"] = _resources("50m", "192Mi", "500m", "384Mi")
    # A worker has no HTTP server: this sidecar serves the metrics files it writes.
    exporter = {
        "name": "metrics",
        "image": f"{IMAGE}:latest",
        "command": [".venv/bin/python", "deploy/container/metrics_exporter.py"],
        "env": [
            {"name": "PROMETHEUS_MULTIPROC_DIR", "value": p.metrics_dir},
            {"name": "METRICS_EXPORTER_PORT", "value": str(METRICS_EXPORTER_PORT)},
        ],
        "ports": [{"name": "metrics", "containerPort": METRICS_EXPORTER_PORT}],
        "livenessProbe": _probe("/healthz", 30, 3, "metrics"),
        "resources": _resources("10m", "48Mi", "100m", "96Mi"),
        "securityContext": _HARDENED,
        "volumeMounts": [{"name": "state", "mountPath": "/var/lib/rf"}],
    }
    return [app, exporter]


def _pod_spec(containers: list[dict], restart: str | None = None) -> dict:
    spec = {
        # Service links would set TOKENS_PORT=tcp://... and clash with our own variables.
        "enableServiceLinks": False,
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "terminationGracePeriodSeconds": 30,
        "containers": containers,
        "volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "state", "emptyDir": {}}],
    }
    if restart:
        spec["restartPolicy"] = restart
    return spec


def deployment(p: Process) -> dict:
    labels = _labels(p)
    port = (p.admin_port or p.port) if p.kind == "web" else METRICS_EXPORTER_PORT
    annotations = {"prometheus.io/scrape": "true", "prometheus.io/port": str(port)}
    if p.kind == "tcp":
        annotations = {}
    pod = _pod_spec(_containers(p))
    if p.kind == "web":
        pod["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": key,
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": p.name}},
            }
            for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
        ]
    spec = {
        "revisionHistoryLimit": 5,
        "selector": {"matchLabels": {"app.kubernetes.io/name": p.name}},
        "template": {"metadata": {"labels": labels, "annotations": annotations}, "spec": pod},
    }
    if p.kind == "web":
        spec["strategy"] = {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
        }
    if p.kind == "tcp":  # a development stand-in: one copy, no autoscaler
        spec = {"replicas": 1, **spec, "strategy": {"type": "Recreate"}}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta(p.name, labels),
        "spec": spec,
    }


def service(p: Process) -> dict:
    port_name = "http" if p.kind == "web" else "tcp"
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(p.name, _labels(p)),
        "spec": {
            "selector": {"app.kubernetes.io/name": p.name},
            "ports": [{"name": port_name, "port": p.port, "targetPort": port_name}],
        },
    }


def autoscaler(p: Process) -> dict:
    low, high = WEB_SCALE if p.kind == "web" else WORKER_SCALE
    utilisation = 70 if p.kind == "web" else 80
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": _meta(p.name, _labels(p)),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": p.name},
            "minReplicas": low,
            "maxReplicas": high,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": utilisation},
                    },
                }
            ],
        },
    }


def disruption_budget(p: Process) -> dict:
    budget = {"minAvailable": 1} if p.kind == "web" else {"maxUnavailable": 1}
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _meta(p.name, _labels(p)),
        "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": p.name}}, **budget},
    }


def workloads(processes: list[Process]) -> list[dict]:
    documents = []
    for p in processes:
        documents.append(deployment(p))
        if p.kind in {"web", "tcp"}:
            documents.append(service(p))
        if p.kind in {"web", "worker"}:
            documents += [autoscaler(p), disruption_budget(p)]
    return documents


def migration_jobs(processes: list[Process], packages: list[str]) -> list[dict]:
    jobs = []
    for package in packages:
        web = next(p for p in processes if p.package == package and p.kind == "web")
        command = [".venv/bin/python", "-m", f"{package}.entrypoints.cli", "migrate"]
        container = {
            **_container(web, command),
            "resources": _resources("50m", "128Mi", "500m", "256Mi"),
        }
        labels = _labels(web, "migrate")
        name = labels["app.kubernetes.io/name"]
        jobs.append(
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": _meta(name, labels),
                "spec": {
                    "backoffLimit": 6,
                    # Gone a day after it finished, so the next release's apply creates it anew.
                    "ttlSecondsAfterFinished": 86400,
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": _pod_spec([container], restart="Never"),
                    },
                },
            }
        )
    return jobs
