"""deploy/alerts/platform-rules.yaml: well-formed Prometheus rules (promtool is not available),
each on metrics the platform really exports, each with what to do in docs/operations.md."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "alerts" / "platform-rules.yaml"
OPERATIONS = ROOT / "docs" / "operations.md"
# Exported by kube-state-metrics, not by our code.
EXTERNAL = {"kube_deployment_status_replicas_available"}
DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
SELECTED = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{\[]")
DEFINED = re.compile(r"\b(Counter|Gauge|Histogram|Summary)\(\s*\"([a-zA-Z_:][a-zA-Z0-9_:]*)\"")


def rules() -> list[dict]:
    document = yaml.safe_load(RULES.read_text())
    assert set(document) == {"groups"}
    found = []
    for group in document["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"], group.get("name")
        found += group["rules"]
    return found


def exported_metrics() -> set[str]:
    names = set()
    for folder in (ROOT / "libs", ROOT / "services"):
        for path in folder.rglob("*.py"):
            if "tests" in path.parts:
                continue
            for kind, name in DEFINED.findall(path.read_text()):
                if kind == "Counter":
                    names.add(name if name.endswith("_total") else f"{name}_total")
                elif kind in {"Histogram", "Summary"}:
                    names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count", name}
                else:
                    names.add(name)
    return names


def metrics_in(expr: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    return set(SELECTED.findall(without_strings)) - {"by", "without", "on", "ignoring"}


def heading_anchors() -> set[str]:
    headings = re.findall(r"^#+\s+(.+)$", OPERATIONS.read_text(), re.M)
    return {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_rule_is_well_formed():
    names = []
    for rule in rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert re.fullmatch(r"[A-Z][A-Za-z]+", rule["alert"]), rule["alert"]
        names.append(rule["alert"])
        expr = rule["expr"]
        assert expr.count("(") == expr.count(")") and expr.count("{") == expr.count("}"), expr
        assert re.search(r"[<>]=?\s*[\d.]+\s*$", expr), f"{rule['alert']}: no threshold"
        assert DURATION.match(rule.get("for", "0s")), rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert {"summary", "description", "runbook_url"} <= set(rule["annotations"])
    assert len(names) == len(set(names)), "two alerts share a name"


def test_every_metric_an_alert_reads_is_exported_by_the_platform():
    exported = exported_metrics() | EXTERNAL
    missing = {
        rule["alert"]: sorted(metrics_in(rule["expr"]) - exported)
        for rule in rules()
        if metrics_in(rule["expr"]) - exported
    }
    assert not missing, f"alerts read metrics no code defines: {missing}"
    assert all(metrics_in(rule["expr"]) for rule in rules())


def test_every_alert_says_what_to_do_in_the_operations_guide():
    anchors = heading_anchors()
    for rule in rules():
        link = rule["annotations"]["runbook_url"]
        assert link == f"docs/operations.md#{rule['alert'].lower()}"
        assert rule["alert"].lower() in anchors, f"docs/operations.md lacks ### {rule['alert']}"


def test_the_metric_reader_sees_selectors_and_ignores_label_values():
    expr = 'sum by (service) (rate(http_requests_total{status=~"5.."}[5m])) / up{job="x"} > 0'
    assert metrics_in(expr) == {"http_requests_total", "up"}
