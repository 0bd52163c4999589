"""The hostile inputs of bench/probe.py: what is sent where, each a Case that must be refused.

Every value here must be refused by the field it is put in: control characters and surrogates
anywhere, look-alike digits only where digits are asked for, hidden characters only in e-mail
addresses, wrong JSON types only where a string is required. The rest of each request is valid,
so a refusal is the injected value's doing and an acceptance is a wrong change.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from servicekit.luhn import luhn_check_digit
from servicekit.openapi_checks import example_body, schema_of

from services.gateway.tests.test_redirects import HOSTILE_NEXT

ANY_FIELD = {
    "nul": "a\x00b",
    "soh": "a\x01b",
    "escape": "\x1b[31mred",
    "delete": "a\x7fb",
    "nel": "a\x85b",
    "crlf": "a\r\nX-Injected: 1",
    "lf": "a\nb",
    "tab": "a\tb",
    "vertical-tab": "a\x0bb",
    "c1-csi": "a\x9b31mb",
    "long": "x" * 5000,
}
# Fields the services let carry line breaks (servicekit.hygiene.allow_newlines).
NEWLINE_FIELDS = {"error_description"}
LINE_BREAKS = {"crlf", "lf", "tab"}
JSON_ONLY = {"lone-surrogate": "\ud800x", "low-surrogate": "x\udfff"}
DIGIT_FIELDS = {"org_number", "number", "clearing_number", "account_number"}
LOOK_ALIKE_DIGITS = {
    "fullwidth": "５５９１９２-５７８８",
    "arabic-indic": "٥٥٩١٩٢-٥٧٨٨",
    "persian": "۵۵۹۱۹۲-۵۷۸۸",
    "superscript": "⁵⁵⁹¹⁹²-⁵⁷⁸⁸",
    "circled": "⑤⑤⑨①⑨②-⑤⑦⑧⑧",
    "devanagari": "५५९१९२-५७८८",
}
EMAIL_FIELDS = {"email"}
HIDDEN_IN_EMAIL = {
    "rtl-override": "ida\u202e@jlmdata.se",
    "zero-width-space": "ida\u200b@jlmdata.se",
    "zero-width-joiner": "i\u200dda@jlmdata.se",
    "bom": "\ufeffida@jlmdata.se",
    "ltr-isolate": "ida\u2066@jlmdata.se",
}
WRONG_TYPES = {"number-type": 12345, "list-type": ["a"], "object-type": {"a": 1}, "bool-type": True}
RAW_FORM_VALUES = {
    "invalid-utf8": "%ff%fe",
    "overlong-slash": "%C0%AF",
    "utf8-surrogate": "%ED%A0%80",
}
RAW_JSON_BODIES = {
    "deep-array": "[" * 2000 + "]" * 2000,
    "deep-object": '{"a":' * 2000 + "1" + "}" * 2000,
    "deep-40": "[" * 40 + "]" * 40,
    "truncated": '{"a": ',
    "not-utf8": b'{"a": "\xff\xfe"}',
    "utf8-surrogate": b'{"a": "\xed\xa0\x80"}',
    "huge": json.dumps({"a": "x" * 400_000}),
}


# A field that only counts in some company: the rest of the request that makes it count.
BANK_ACCOUNT = {"method": "bank_account", "clearing_number": "5491", "account_number": "0000003"}
FIELD_CONTEXT = {"clearing_number": BANK_ACCOUNT, "account_number": BANK_ACCOUNT}


@dataclass
class Case:
    target: str  # "gateway" or a service name
    method: str
    path: str
    label: str
    data: object = None  # form dict, raw bytes/str, or None
    json_body: object = field(default=None)
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    needs_session: bool = False
    # "refusal": 4xx and nothing changed; "same-site": any answer but a 5xx or a Location off
    # the site; "fresh-correlation-id": the answer carries an id of ours, not the one sent.
    expect: str = "refusal"


def values_for(name: str, in_json: bool) -> dict[str, object]:
    values = dict(ANY_FIELD)
    if name in NEWLINE_FIELDS:
        values = {k: v for k, v in values.items() if k not in LINE_BREAKS}
    if in_json:
        values |= JSON_ONLY
    if name in DIGIT_FIELDS:
        values |= LOOK_ALIKE_DIGITS
    if name in EMAIL_FIELDS:
        values |= HIDDEN_IN_EMAIL
    return values


def fresh_org_number(serial: int) -> str:
    body = f"55{serial:07d}"[-9:]
    return f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"


def internal_cases(service: str, document: dict, path_values: dict) -> list[Case]:
    """Every documented operation: each body field given each value it must refuse, wrong
    types where a string is required, broken JSON bodies, and a NUL in the query string."""
    cases = []
    for path, item in sorted(document["paths"].items()):
        url = path.format(**path_values)
        for method, operation in item.items():
            method = method.upper()
            cases += query_cases(service, method, url)
            cases += path_cases(service, method, path, path_values)
            if "requestBody" not in operation:
                continue
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            cases += _body_cases(service, method, url, document, schema)
    return cases


def query_cases(target: str, method: str, url: str, **options) -> list[Case]:
    """A query string no route asks for, with each value no field may carry, and bytes that
    are no UTF-8."""
    cases = [
        Case(target, method, f"{url}?q={quote(value)}", f"query-{label}", **options)
        for label, value in ANY_FIELD.items()
        if label != "long"  # an unknown parameter may be long: it is ignored
    ]
    for label, raw in RAW_FORM_VALUES.items():
        cases.append(Case(target, method, f"{url}?q={raw}", f"query-{label}", **options))
    return cases


def path_cases(service: str, method: str, path: str, path_values: dict) -> list[Case]:
    """Each path parameter given each value no field may carry."""
    cases = []
    for name in path_values:
        if "{" + name + "}" not in path:
            continue
        for label, value in ANY_FIELD.items():
            url = path.format(**(path_values | {name: quote(value, safe="")}))
            cases.append(Case(service, method, url, f"path-{name}-{label}"))
    return cases


def _body_cases(service, method, url, document, schema) -> list[Case]:
    base = example_body(document, schema)
    resolved = schema_of(document, schema)
    cases = [
        Case(service, method, url, f"body-{label}", data=raw, content_type="application/json")
        for label, raw in RAW_JSON_BODIES.items()
    ]
    for name in resolved.get("properties", {}):
        context = base | FIELD_CONTEXT.get(name, {})
        values = values_for(name, in_json=True)
        if name in resolved.get("required", []):
            values |= WRONG_TYPES
        for label, value in values.items():
            body = context | {name: value}
            cases.append(Case(service, method, url, f"{name}-{label}", json_body=body))
    return cases


def form_cases(forms: list[tuple[str, dict, bool]], serial: list[int]) -> list[Case]:
    """Each gateway form, each field with each value it must refuse, as a browser posts it."""
    cases = []
    for path, fields, signed_in in forms:
        for name in fields:
            for label, value in values_for(name, in_json=False).items():
                form = _fresh(fields, serial, name) | {name: value}
                cases.append(
                    Case("gateway", "POST", path, f"{name}-{label}", form, needs_session=signed_in)
                )
            for label, raw in RAW_FORM_VALUES.items():
                others = {k: v for k, v in _fresh(fields, serial, name).items() if k != name}
                body = urlencode(others) + f"&{quote(name)}={raw}"
                cases.append(
                    Case("gateway", "POST", path, f"{name}-{label}", body, needs_session=signed_in)
                )
    return cases


def _fresh(fields: dict, serial: list[int], name: str) -> dict:
    """A new organisation number and address per registration, so only the injected value
    can be wrong."""
    serial[0] += 1
    fresh = {k: v for k, v in fields.items() if k not in FIELD_CONTEXT} | FIELD_CONTEXT.get(
        name, {}
    )
    if "org_number" in fresh:
        fresh["org_number"] = fresh_org_number(serial[0])
    if "email" in fresh:
        fresh["email"] = f"probe{serial[0]}@probe.example"
    return fresh


RAW_NEXT = [
    "/%09/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%E2%80%A8/evil.example",
    "/%C0%AF/evil.example",
    "/%ff%fe",
]


PAGES = [
    "/",
    "/organisation",
    "/administratorer",
    "/resultat-finans/",
    "/resultat-finans/installningar",
]


def redirect_cases(identifier: str, password: str) -> list[Case]:
    cases = []
    for page in PAGES:
        cases += query_cases("gateway", "GET", page, needs_session=True)
    for target in HOSTILE_NEXT:
        form = {"identifier": identifier, "password": password, "next": target}
        cases.append(Case("gateway", "POST", "/logga-in", "next-post", form, expect="same-site"))
        path = "/logga-in?next=" + quote(target, safe="")
        cases.append(
            Case("gateway", "GET", path, "next-get", needs_session=True, expect="same-site")
        )
    for raw in RAW_NEXT:
        path = "/logga-in?next=" + raw
        cases.append(
            Case("gateway", "GET", path, "next-raw", needs_session=True, expect="same-site")
        )
    for query in (
        "error=x%00",
        "state=%ED%A0%80",
        "code=%ff",
        "error_description=a%00b",
        "state=" + "x" * 9000,
    ):
        cases.append(
            Case("gateway", "GET", "/fortnox/callback?" + query, "callback", needs_session=True)
        )
    for offered in ("x" * 8000, "<script>", "0123456789ABCDEF0123456789ABCDEF"):
        headers = {"X-Correlation-ID": offered}
        cases.append(
            Case(
                "gateway",
                "GET",
                "/",
                "correlation-id",
                headers=headers,
                needs_session=True,
                expect="fresh-correlation-id",
            )
        )
    return cases
