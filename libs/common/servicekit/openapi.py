"""Each service's HTTP API as an OpenAPI 3.1 document, generated from the marshmallow schemas
its views load and dump, and served at /openapi.json.

A view says what it takes and gives next to its route; the document is built from the app's
url_map, so a route and its description cannot drift apart unnoticed (servicekit.openapi_checks
tests both ways)::

    @bp.put("/payment-method")
    @openapi.operation(body=PaymentMethodIn, responses={200: PaymentMethodOut}, errors=(422,))
    def put_payment_method(org_id): ...

    openapi.serve(app, title="Resultat Finans settings service", description=DESCRIPTION)
    # in create_app, after its blueprints

The platform's error shape, the internal key, the session header and the error answers are
described once here and referred to by every operation.
"""

import copy
import re
from dataclasses import dataclass, field
from http import HTTPStatus

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, jsonify
from marshmallow import Schema

from servicekit.http import INTERNAL_KEY_HEADER

OPENAPI_VERSION = "3.1.0"
DOCUMENT_PATH = "/openapi.json"
INTERNAL_KEY_SCHEME = "internalKey"
SESSION_HEADER = "X-Session-Token"
SESSION_PARAMETER = "SessionToken"
_EXTENSION = "servicekit.openapi"
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})  # Flask answers them for every route
_RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTER_SCHEMAS = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"},
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "The platform's one error shape: every refusal of every service.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, for programs.",
                    "example": "invalid_input",
                },
                "message": {"type": "string", "description": "For people; may be Swedish."},
                "fields": {
                    "type": "object",
                    "description": "Per input field, what is wrong with it (422).",
                    "additionalProperties": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string"}},
                        ]
                    },
                },
            },
        }
    },
}

# status -> (component name, what it means on this platform)
ERROR_RESPONSES = {
    400: (
        "MalformedInput",
        "The request breaks the platform's input rule (`malformed_input`): text that is not "
        "UTF-8, a lone surrogate or control character, JSON nested too deep.",
    ),
    401: (
        "Unauthorized",
        "No or an unknown caller's credential (`unauthorized`), or what the operation names "
        "(a session that has ended: `session_invalid`; wrong credentials; no valid action "
        "assertion: `assertion_invalid`, or one used already: `assertion_used`).",
    ),
    403: (
        "Forbidden",
        "The caller may not do this: its credential is not on this route's allow-list "
        "(`caller_not_allowed`), or what the operation names.",
    ),
    404: ("NotFound", "No such resource (`not_found`)."),
    409: ("Conflict", "The request conflicts with the current state (`conflict`)."),
    410: ("Gone", "A one-time link that is unknown, used or expired (`token_invalid`)."),
    422: ("InvalidInput", "The input is not valid: `fields` names each field and what is wrong."),
    413: ("TooLarge", "The body is larger than the service takes (`request_entity_too_large`)."),
    429: ("Throttled", "Too many attempts: try again after `Retry-After` seconds (`throttled`)."),
    503: ("Unavailable", "A service this one needs cannot be asked now."),
}


@dataclass(frozen=True)
class Operation:
    """What one view takes and answers, for the document."""

    body: type[Schema] | None = None
    responses: dict[int, type[Schema] | None] = field(default_factory=lambda: {200: None})
    errors: tuple[int, ...] = ()
    session: bool = False
    internal: bool = True
    path: dict[str, dict] = field(default_factory=dict)
    tags: tuple[str, ...] = ()


def operation(
    *,
    body: type[Schema] | None = None,
    responses: dict[int, type[Schema] | None] | None = None,
    errors: tuple[int, ...] = (),
    session: bool = False,
    internal: bool = True,
    path: dict[str, dict] | None = None,
    tags: tuple[str, ...] = (),
):
    """Describe a view: its JSON body, its answers by status (None: no body), the error
    answers it can give besides 401 (added when it needs the internal key or a session),
    whether it reads `X-Session-Token`, and JSON Schema for its path parameters.
    The view's docstring becomes the operation's summary (first line) and description."""
    unknown = set(errors) - set(ERROR_RESPONSES)
    if unknown:
        raise ValueError(f"no error answer is described for {sorted(unknown)}")
    described = Operation(
        body, responses or {200: None}, tuple(errors), session, internal, path or {}, tags
    )

    def mark(view):
        view.openapi_operation = described
        return view

    return mark


# A route under an organisation: its id, which servicekit.web.valid_org_id checks.
ORG_ID_PATH = {
    "org_id": {"format": "uuid", "description": "The organisation (the auth service's id)."}
}


def org_operation(**described):
    """operation() of a view under an organisation's id: a malformed id is a 422."""
    return operation(path=ORG_ID_PATH, errors=(422, *described.pop("errors", ())), **described)


def serve(app: Flask, *, title: str, description: str = "", version: str = "1.0") -> None:
    """Serve the app's document at /openapi.json, to anyone: it holds no secrets."""

    @app.get(DOCUMENT_PATH)
    def openapi_document():
        return jsonify(_built(app))

    app.extensions[_EXTENSION] = {"title": title, "description": description, "version": version}


def document(app: Flask) -> dict:
    """The OpenAPI document of every documented route of the app, as /openapi.json serves it."""
    return copy.deepcopy(_built(app))


def _built(app: Flask) -> dict:
    settings = app.extensions[_EXTENSION]  # built on first use: every blueprint is in by then
    if "document" not in settings:
        settings["document"] = build(
            app, settings["title"], settings["description"], settings["version"]
        )
    return settings["document"]


def build(app: Flask, title: str, description: str = "", version: str = "1.0") -> dict:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title,
        version,
        OPENAPI_VERSION,
        plugins=[plugin],
        info={"description": description.strip()} if description.strip() else {},
    )
    _add_components(spec)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        described = getattr(view, "openapi_operation", None)
        if described is None:
            continue
        path, parameters = _path_of(rule.rule, described.path)
        for method in sorted(rule.methods - IGNORED_METHODS):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule.endpoint, view, described, parameters
            )
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    result = spec.to_dict()
    _describe_schemas(result, plugin)
    return result


def _describe_schemas(document: dict, plugin: MarshmallowPlugin) -> None:
    """A schema's own docstring (not its base class's) describes it."""
    for key, name in plugin.converter.refs.items():
        doc = key[0].__dict__.get("__doc__")  # key: (schema class, modifiers...)
        if doc and name in document["components"]["schemas"]:
            document["components"]["schemas"][name]["description"] = " ".join(doc.split())


def _add_components(spec: APISpec) -> None:
    spec.components.schema("Error", component=ERROR_SCHEMA)
    error_body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for status, (name, meaning) in ERROR_RESPONSES.items():
        response = {"description": meaning, "content": error_body}
        if status == 429:
            response["headers"] = {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
            }
        spec.components.response(name, component=response)
    spec.components.security_scheme(
        INTERNAL_KEY_SCHEME,
        {
            "type": "apiKey",
            "in": "header",
            "name": INTERNAL_KEY_HEADER,
            "description": "The calling service's own credential: only other services call "
            "this, and each route only the callers its service's allow-list names.",
        },
    )
    spec.components.parameter(
        SESSION_PARAMETER,
        "header",
        {
            "name": SESSION_HEADER,
            "required": True,
            "description": "The session token of the person the call acts for; the service "
            "resolves it again, so no caller acts for another organisation or user.",
            "schema": {"type": "string", "maxLength": 128},
        },
    )


def _path_of(rule: str, extra: dict[str, dict]) -> tuple[str, list[dict]]:
    """Flask's `/orgs/<uuid:org_id>` as OpenAPI's `/orgs/{org_id}` and its path parameters."""
    parameters = []
    for match in _RULE_ARGUMENT.finditer(rule):
        name = match["name"]
        schema = {"type": "string", **_CONVERTER_SCHEMAS.get(match["converter"] or "", {})}
        schema |= extra.get(name, {})
        parameter = {"in": "path", "name": name, "required": True, "schema": schema}
        if "description" in schema:
            parameter["description"] = schema.pop("description")
        parameters.append(parameter)
    return openapi_path(rule), parameters


def openapi_path(rule: str) -> str:
    return _RULE_ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule)


def _operation(endpoint: str, view, described: Operation, parameters: list[dict]) -> dict:
    summary, _, details = (
        (view.__doc__ or view.__name__.replace("_", " ").capitalize()).strip().partition("\n")
    )
    result = {"operationId": endpoint, "summary": summary.strip()}
    if details.strip():
        result["description"] = " ".join(details.split())
    if described.tags:
        result["tags"] = list(described.tags)
    result["parameters"] = list(parameters)
    if described.session:
        result["parameters"].append(SESSION_PARAMETER)  # apispec makes names references
    if described.internal:
        result["security"] = [{INTERNAL_KEY_SCHEME: []}]
    if described.body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": described.body}},
        }
    result["responses"] = _responses(described)
    return result


def _responses(described: Operation) -> dict:
    responses = {}
    for status, schema in described.responses.items():
        responses[str(status)] = {"description": HTTPStatus(status).phrase}
        if schema is not None:
            responses[str(status)]["content"] = {"application/json": {"schema": schema}}
    errors = set(described.errors) | {400} | ({413} if described.body is not None else set())
    errors |= {401} if described.internal or described.session else set()
    errors |= {403} if described.internal else set()
    for status in sorted(errors):
        responses[str(status)] = ERROR_RESPONSES[status][0]
    return responses
