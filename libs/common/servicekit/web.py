"""What every Flask app of the platform has: error shape, correlation id, health, metrics."""

import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from functools import partial

from flask import Flask, Response, jsonify
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

from servicekit.http import CORRELATION_HEADER
from servicekit.ids import canonical_uuid
from servicekit.logs import accepted_correlation_id, correlation_id
from servicekit.outage import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_ERRORS,
    Outage,
    unavailable_dependency,
)

log = logging.getLogger(__name__)
_ON_SCRAPE = "servicekit.on_scrape"
_OUTAGE = "servicekit.outage"

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


def valid_org_id(org_id: str) -> str:
    """An organisation id from a route, as a canonical UUID; a malformed one is a 422 naming
    `org_id` (describe the route with servicekit.openapi.org_operation)."""
    try:
        return canonical_uuid(org_id)
    except ValueError:
        raise ApiError(
            422, "invalid_input", "The input is not valid.", {"org_id": ["Not a valid UUID."]}
        ) from None


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def map_errors(target, table: Mapping[type[Exception], int]) -> None:
    """The one way a service turns its own errors into HTTP: one table, error class -> status.

    An error carries `code` and `message` (and may carry `fields` and `retry_after`, seconds);
    the answer is the platform's error shape. A 429 or 503 says when to try again: the error's
    `retry_after`, and for a 503 without one the platform's default. Register on the app or on a
    blueprint; the most specific class in the table wins, as in Flask.
    """
    for error, status in table.items():
        target.register_error_handler(error, partial(mapped_error, status))


def mapped_error(status: int, exc: Exception):
    """The answer map_errors gives `exc` at `status`: for a service's own handler of one error
    that also does something else (logs a security event, say) and answers the same."""
    response, status = error_response(status, exc.code, exc.message, getattr(exc, "fields", None))
    retry_after = getattr(exc, "retry_after", None)
    if status == 503:
        retry_after = retry_after or RETRY_AFTER_SECONDS
    if status in (429, 503) and retry_after is not None:
        response.headers["Retry-After"] = str(math.ceil(retry_after))
    return response, status


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

    for error in UNAVAILABLE_ERRORS:
        app.register_error_handler(error, lambda exc: unavailable_response(app, exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side.")


def outage_of(app: Flask) -> Outage:
    """The app's record of the dependencies it waits for."""
    return app.extensions.setdefault(_OUTAGE, Outage(app.name))


def note_unavailable(app: Flask, exc: BaseException, dependency: str | None = None) -> None:
    """Record, once per outage, that a request met a dependency that is down."""
    outage_of(app).down(dependency or unavailable_dependency(exc) or "unknown", exc)


def with_retry_after(response):
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unavailable_response(app: Flask, exc: BaseException, dependency: str | None = None):
    """503 + Retry-After in the platform's error shape: a dependency is down, never a 500."""
    note_unavailable(app, exc, dependency)
    response, status = error_response(
        503,
        "temporarily_unavailable",
        "A service this one needs is not answering; try again shortly.",
    )
    return with_retry_after(response), status


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CORRELATION_ENVIRON = "HTTP_" + CORRELATION_HEADER.upper().replace("-", "_")


class _Instrumented:
    """WSGI middleware around the Flask app: the correlation id for the request (the caller's
    when it has our format, else new; echoed in the answer) and the request metrics, labelled
    by route template.

    One plain function around the app costs a fraction of three Flask hooks (each dispatched
    through Flask's sync/async check and `g`/`request` proxies), and the metric children are
    bound once per label set instead of looked up on every request."""

    def __init__(self, wsgi_app, service: str):
        self.wsgi_app = wsgi_app
        self.service = service
        self._latency: dict[tuple, object] = {}
        self._requests: dict[tuple, object] = {}

    def __call__(self, environ: dict, start_response):
        token = correlation_id.set(accepted_correlation_id(environ.get(_CORRELATION_ENVIRON)))
        started = time.perf_counter()
        answered = ["500", "unmatched"]

        def start_with_correlation(status: str, headers: list, exc_info=None):
            # Flask answers while its request is still in the environ (it clears it after).
            rule = getattr(environ.get("werkzeug.request"), "url_rule", None)
            answered[:] = status[:3], rule.rule if rule is not None else "unmatched"
            headers.append((CORRELATION_HEADER, correlation_id.get()))
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, start_with_correlation)
        finally:
            self._observe(environ, *answered, time.perf_counter() - started)
            correlation_id.reset(token)

    def _observe(self, environ: dict, status: str, route: str, seconds: float) -> None:
        method = environ.get("REQUEST_METHOD", "")
        method = method if method in _METHODS else "OTHER"  # no label per made-up method
        latency = self._latency.get((method, route))
        if latency is None:
            latency = self._latency.setdefault(
                (method, route), LATENCY.labels(self.service, method, route)
            )
        latency.observe(seconds)
        counter = self._requests.get((method, route, status))
        if counter is None:
            counter = self._requests.setdefault(
                (method, route, status), REQUESTS.labels(self.service, method, route, status)
            )
        counter.inc()


def metrics_payload() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def install_platform(
    app: Flask, service: str, readiness_checks: dict[str, Callable[[], None]] | None = None
) -> None:
    """Error shape, correlation ids, request metrics, /healthz, /readyz and /metrics.

    `readiness_checks` are named after the dependency they reach ("postgresql", "rabbitmq"):
    /readyz answers 503 with `waiting_for` naming those that fail."""
    checks = readiness_checks or {}
    outage = outage_of(app)
    _register_errors(app)
    app.wsgi_app = _Instrumented(app.wsgi_app, service)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=service)

    @app.get("/readyz")
    def readyz():
        results, waiting = {}, []
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
                outage.up(name)
            except Exception as exc:  # noqa: BLE001 - any failure means not ready
                results[name] = f"unavailable: {type(exc).__name__}"
                waiting.append(name)
        if waiting:
            body = jsonify(status="unavailable", checks=results, waiting_for=waiting)
            return with_retry_after(body), 503
        return jsonify(status="ok", checks=results, waiting_for=[])

    @app.get("/metrics")
    def metrics():
        for observe in app.extensions.get(_ON_SCRAPE, ()):
            try:
                observe()
            except UNAVAILABLE_ERRORS as exc:
                note_unavailable(app, exc)  # logged once per outage, not once per scrape
            except Exception:  # noqa: BLE001 - the other figures are still worth serving
                log.warning("a metric could not be observed for this scrape", exc_info=True)
        return Response(metrics_payload(), mimetype=CONTENT_TYPE_LATEST)


def on_scrape(app: Flask, observe: Callable[[], None]) -> None:
    """Call `observe` before /metrics answers: for gauges read from the database at scrape
    time (with multiprocess_mode="mostrecent" so the newest value of any worker wins)."""
    app.extensions.setdefault(_ON_SCRAPE, []).append(observe)
