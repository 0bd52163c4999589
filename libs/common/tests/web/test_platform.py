"""servicekit.web's platform layer of every app: correlation ids, request metrics, /metrics."""

import re

import pytest
from flask import Blueprint, Flask, jsonify
from prometheus_client import REGISTRY
from servicekit.logs import current_correlation_id
from servicekit.web import install_platform, on_scrape

SERVICE = "kit-web-test"


@pytest.fixture
def app():
    app = Flask("kit")
    install_platform(app, SERVICE)
    api = Blueprint("api", __name__)

    @api.post("/things/<thing_id>")
    def thing(thing_id):
        return jsonify(thing=thing_id, correlation_id=current_correlation_id())

    @api.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    app.register_blueprint(api)
    return app


def _count(method: str, route: str, status: str) -> float:
    labels = {"service": SERVICE, "method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


def _observed(method: str, route: str) -> float:
    labels = {"service": SERVICE, "method": method, "route": route}
    return REGISTRY.get_sample_value("http_request_duration_seconds_count", labels) or 0.0


def test_a_request_without_a_correlation_id_gets_a_new_one_it_sees_and_answers(app):
    first = app.test_client().post("/things/a")
    second = app.test_client().post("/things/b")
    sent = first.headers["X-Correlation-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", sent)
    assert first.json["correlation_id"] == sent
    assert second.headers["X-Correlation-ID"] != sent
    assert current_correlation_id() == ""  # nothing is left behind after the request


def test_a_callers_correlation_id_in_our_format_is_kept(app):
    ours = "0123456789abcdef0123456789abcdef"
    answer = app.test_client().post("/things/a", headers={"X-Correlation-ID": ours})
    assert answer.headers["X-Correlation-ID"] == ours
    assert answer.json["correlation_id"] == ours


@pytest.mark.parametrize(
    "offered",
    [
        "from-the-gateway",
        "x" * 8192,
        "0123456789ABCDEF0123456789ABCDEF",
        "0123456789abcdef0123456789abcdef0",
        "0123456789abcdef0123456789abcde\u00e9",
        "<script>alert(1)</script>",
        '0123456789abcdef", "level": "CRITICAL',
    ],
)
def test_a_correlation_id_not_in_our_format_is_replaced_by_a_new_one(app, offered):
    answer = app.test_client().post("/things/a", headers={"X-Correlation-ID": offered})
    used = answer.headers["X-Correlation-ID"]
    assert used != offered and re.fullmatch(r"[0-9a-f]{32}", used)
    assert answer.json["correlation_id"] == used


def test_requests_are_counted_by_route_template_and_status(app):
    client = app.test_client()
    before = _count("POST", "/things/<thing_id>", "200"), _observed("POST", "/things/<thing_id>")
    for thing in ("a", "b", "c"):
        client.post(f"/things/{thing}")
    after = _count("POST", "/things/<thing_id>", "200"), _observed("POST", "/things/<thing_id>")
    assert (after[0] - before[0], after[1] - before[1]) == (3, 3)


def test_errors_unknown_paths_and_made_up_methods_are_counted_without_new_labels(app):
    client = app.test_client()
    before = [_count("GET", "/boom", "500"), _count("GET", "unmatched", "404")]
    before.append(_count("OTHER", "unmatched", "405"))
    assert client.get("/boom").status_code == 500
    assert client.get("/no/such/page").status_code == 404
    assert client.open("/things/a", method="BREW").status_code == 405
    after = [_count("GET", "/boom", "500"), _count("GET", "unmatched", "404")]
    after.append(_count("OTHER", "unmatched", "405"))
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1]
    assert _count("BREW", "unmatched", "405") == 0


def test_scrape_observers_run_before_metrics_answer_and_a_failing_one_breaks_nothing(app):
    calls = []
    on_scrape(app, lambda: calls.append("observed"))

    def broken():
        raise ConnectionError("database down")

    on_scrape(app, broken)
    answer = app.test_client().get("/metrics")
    assert answer.status_code == 200 and b"http_requests_total" in answer.data
    assert calls == ["observed"]
