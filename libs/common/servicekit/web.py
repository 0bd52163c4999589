"""What every Flask app of the platform has: error shape, correlation id, health, metrics, internal key."""

import hmac
import logging
import os
import time
from collections.abc import Callable

from flask import Flask, Response, g, jsonify, request
from marshmallow import ValidationError
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from werkzeug.exceptions import HTTPException

from servicekit.http import CORRELATION_HEADER, INTERNAL_KEY_HEADER
from servicekit.logs import correlation_id, new_correlation_id

log = logging.getLogger(__name__)
_ON_SCRAPE = "servicekit.on_scrape"

REQUESTS = Counter(
    "http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"]
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class ApiError(Exception):
    """An error a handler raises to answer with the platform's one JSON error shape."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError):
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return error_response(422, "invalid_input", "The input is not valid.", fields)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side.")


def _register_correlation_and_metrics(app: Flask, service: str) -> None:
    @app.before_request
    def _start():
        g.correlation_token = correlation_id.set(
            request.headers.get(CORRELATION_HEADER) or new_correlation_id()
        )
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        response.headers[CORRELATION_HEADER] = correlation_id.get()
        if "started" in g:
            LATENCY.labels(service, request.method, route).observe(time.perf_counter() - g.started)
        REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
        return response

    @app.teardown_request
    def _reset(_exc):
        token = g.pop("correlation_token", None)
        if token is not None:
            correlation_id.reset(token)


def metrics_payload() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def install_platform(
    app: Flask, service: str, readiness_checks: dict[str, Callable[[], None]] | None = None
) -> None:
    """Error shape, correlation ids, request metrics, /healthz, /readyz and /metrics."""
    checks = readiness_checks or {}
    _register_errors(app)
    _register_correlation_and_metrics(app, service)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=service)

    @app.get("/readyz")
    def readyz():
        results, ready = {}, True
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - any failure means not ready
                results[name] = f"unavailable: {type(exc).__name__}"
                ready = False
        return jsonify(
            status="ok" if ready else "unavailable", checks=results
        ), 200 if ready else 503

    @app.get("/metrics")
    def metrics():
        for observe in app.extensions.get(_ON_SCRAPE, ()):
            try:
                observe()
            except Exception:  # noqa: BLE001 - the other figures are still worth serving
                log.warning("a metric could not be observed for this scrape", exc_info=True)
        return Response(metrics_payload(), mimetype=CONTENT_TYPE_LATEST)


def on_scrape(app: Flask, observe: Callable[[], None]) -> None:
    """Call `observe` before /metrics answers: for gauges read from the database at scrape
    time (with multiprocess_mode="mostrecent" so the newest value of any worker wins)."""
    app.extensions.setdefault(_ON_SCRAPE, []).append(observe)


def require_internal_key(blueprint, internal_key: str) -> None:
    """Refuse every request to the blueprint that lacks the internal credential."""

    @blueprint.before_request
    def _check():
        presented = request.headers.get(INTERNAL_KEY_HEADER, "")
        if not hmac.compare_digest(presented.encode(), internal_key.encode()):
            raise ApiError(401, "unauthorized", "The internal API needs the internal credential.")
