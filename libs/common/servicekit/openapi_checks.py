"""Tests' checks of a service's OpenAPI document against the service itself.

- `validation_problems`: the document is valid OpenAPI.
- `route_problems`: every route of the app is documented with its methods, and nothing more.
- `body_problems`: for each operation with a JSON body, the documented example is accepted
  (not 422, answered with a documented status and body) and leaving out any one required field
  is refused with 422 naming that field.

Each returns a list of sentences (empty when all is well), so a test reads
`assert route_problems(app, doc) == []` and a failure says what is wrong.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from servicekit.openapi import DOCUMENT_PATH, IGNORED_METHODS, openapi_path

PLATFORM_ROUTES = frozenset({"/healthz", "/readyz", "/metrics", DOCUMENT_PATH})
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass
class Call:
    """What a test supplies for one request: path parameter values, headers, and body values
    laid over the documented example (a value of None removes that field)."""

    path: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: dict = field(default_factory=dict)


def validation_problems(document: dict) -> list[str]:
    try:
        validate(document)
    except OpenAPIValidationError as exc:
        return [f"not valid OpenAPI: {exc.message} at {'/'.join(map(str, exc.path))}"]
    return []


def routes_of(app: Flask) -> set[tuple[str, str]]:
    """(OpenAPI path, METHOD) of every route but the platform's own and static files."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule in PLATFORM_ROUTES or rule.endpoint == "static":
            continue
        path = openapi_path(rule.rule)
        routes |= {(path, method) for method in rule.methods - IGNORED_METHODS}
    return routes


def operations_of(document: dict) -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in document.get("paths", {}).items()
        for method in item
        if method in HTTP_METHODS
    }


def route_problems(app: Flask, document: dict) -> list[str]:
    routes, operations = routes_of(app), operations_of(document)
    return [f"{m} {p} is served but not documented" for p, m in sorted(routes - operations)] + [
        f"{m} {p} is documented but not served" for p, m in sorted(operations - routes)
    ]


def schema_of(document: dict, schema: dict) -> dict:
    """The schema itself when it is a reference into components."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example_body(document: dict, schema: dict) -> dict:
    """A body of the documented examples; every required field must have one."""
    schema = schema_of(document, schema)
    return {
        name: prop["example"]
        for name, prop in schema.get("properties", {}).items()
        if "example" in prop
    }


def body_problems(client, document: dict, prepare: Callable[[str, str], Call]) -> list[str]:
    """Send each operation with a JSON body its example, and the example less each required
    field; `prepare(method, path)` is called before every request for a fresh Call."""
    problems = []
    for path, item in sorted(document.get("paths", {}).items()):
        for method, op in item.items():
            if method not in HTTP_METHODS or "requestBody" not in op:
                continue
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            problems += _operation_problems(
                client, document, method.upper(), path, op, schema, prepare
            )
    return problems


def _operation_problems(client, document, method, path, op, schema, prepare) -> list[str]:
    where = f"{method} {path}"
    required = schema_of(document, schema).get("required", [])
    missing_examples = [name for name in required if name not in example_body(document, schema)]
    if missing_examples:
        return [f"{where}: no example for required {', '.join(missing_examples)}"]
    problems = []
    for name in required:  # refusals first: they change nothing the accepted call needs
        response = _send(client, document, method, path, schema, prepare, leave_out=name)
        error = (response.get_json(silent=True) or {}).get("error", {})
        if response.status_code != 422 or name not in (error.get("fields") or {}):
            problems.append(
                f"{where} without {name}: expected 422 naming {name}, got "
                f"{response.status_code} {response.get_data(as_text=True)[:200]}"
            )
    response = _send(client, document, method, path, schema, prepare)
    if response.status_code == 422 or response.status_code >= 500:
        problems.append(
            f"{where} with its example: refused {response.status_code} "
            f"{response.get_data(as_text=True)[:200]}"
        )
    return problems + response_problems(document, op, where, response)


def _send(client, document, method, path, schema, prepare, leave_out: str | None = None):
    call = prepare(method, path)
    body = example_body(document, schema) | call.body
    body = {k: v for k, v in body.items() if v is not None and k != leave_out}
    url = path
    for name, value in call.path.items():
        url = url.replace("{" + name + "}", value)
    return client.open(url, method=method, json=body, headers=call.headers)


def response_problems(document: dict, op: dict, where: str, response) -> list[str]:
    """The answer's status is documented, and its JSON body fits the documented schema."""
    documented = op["responses"].get(str(response.status_code))
    if documented is None:
        return [f"{where}: answered {response.status_code}, which is not documented"]
    if "$ref" in documented:
        documented = document["components"]["responses"][documented["$ref"].rsplit("/", 1)[-1]]
    content = documented.get("content", {}).get("application/json")
    if content is None:
        return (
            [] if not response.get_data() else [f"{where}: answered a body none is documented for"]
        )
    validator = Draft202012Validator({**content["schema"], "components": document["components"]})
    return [
        f"{where}: answer {response.status_code} does not fit the document: {error.message}"
        for error in validator.iter_errors(response.get_json())
    ]
