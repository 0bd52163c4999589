"""One rule for what any request may carry, checked before a view sees it.

- Text is valid UTF-8 with no surrogates (a JSON `\\ud800` escape decodes to one).
- No NUL or other control characters, except tab, CR and LF in fields that allow newlines.
- JSON is at most MAX_DEPTH levels deep; bodies are limited by MAX_CONTENT_LENGTH (413).

Query strings, url-encoded forms and JSON bodies are checked alike, for every service and every
form of the gateway: a broken input is refused with InputRefused (400) naming the field, before
it can reach a database (PostgreSQL refuses NUL), a header or an event.
"""

import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl

from flask import Flask, request

from servicekit.web import ApiError

MAX_DEPTH = 32
MAX_FIELDS = 200
DEFAULT_MAX_CONTENT_LENGTH = 256 * 1024
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_EXTENSION = "servicekit.multiline_fields"


class InputRefused(ApiError):
    """The request breaks the input rule: 400 with the field and what is wrong with it."""

    def __init__(self, field: str, problem: str):
        super().__init__(400, "malformed_input", "The request is malformed.", {field: [problem]})
        self.field = field
        self.problem = problem


def text_problem(value: str, multiline: bool = False) -> str | None:
    """What is wrong with one piece of text, or None."""
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN).search(value)
    if found is None:
        return None
    if "\ud800" <= found.group() <= "\udfff":
        return "Contains a lone surrogate: not valid Unicode text."
    return "Contains a control character (such as NUL) that is not allowed here."


def check_json(raw: bytes, multiline_fields: Iterable[str] = ()) -> object:
    """The parsed body, or InputRefused."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputRefused("_body", "Not valid UTF-8.") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise InputRefused("_body", f"Nested deeper than {MAX_DEPTH} levels.") from None
    except ValueError:
        raise InputRefused("_body", "Not valid JSON.") from None
    _check_value(value, "_body", 0, frozenset(multiline_fields))
    return value


def _check_value(value: object, field: str, depth: int, multiline: frozenset[str]) -> None:
    if depth > MAX_DEPTH:
        raise InputRefused("_body", f"Nested deeper than {MAX_DEPTH} levels.")
    if isinstance(value, str):
        _check_text(field, value, field in multiline)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text("_body", key, False)
            _check_value(item, key, depth + 1, multiline)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, field, depth + 1, multiline)


def _check_text(field: str, value: str, multiline: bool) -> None:
    problem = text_problem(value, multiline)
    if problem:
        raise InputRefused(field if text_problem(field) is None else "_body", problem)


def check_urlencoded(raw: bytes, where: str, multiline_fields: Iterable[str] = ()) -> None:
    """A query string or url-encoded form: UTF-8 once decoded, clean text in names and values."""
    multiline = frozenset(multiline_fields)
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise InputRefused(where, "Not valid UTF-8.") from None
    except ValueError:
        raise InputRefused(where, f"More than {MAX_FIELDS} fields.") from None
    for name, value in pairs:
        _check_text(where, name, False)
        _check_text(name, value, name in multiline)


def allow_newlines(app: Flask, *fields: str) -> None:
    """Let these fields (of any form or JSON body of the app) carry tab, CR and LF."""
    app.extensions.setdefault(_EXTENSION, set()).update(fields)


def install_input_hygiene(app: Flask) -> None:
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_CONTENT_LENGTH

    @app.before_request
    def _check_input():
        multiline = app.extensions.get(_EXTENSION, ())
        check_urlencoded(request.query_string, "_query", multiline)
        if request.mimetype == "application/x-www-form-urlencoded":
            check_urlencoded(request.get_data(cache=True), "_form", multiline)
        elif request.is_json and request.content_length != 0:
            body = request.get_data(cache=True)
            if body:
                check_json(body, multiline)
        elif request.mimetype == "multipart/form-data":
            for name, value in request.form.items(multi=True):
                _check_text(name, value, name in multiline)
