"""Who may call a service's internal API.

Each caller has its own credential (one environment variable per caller, read by the caller and
by every service it calls); it presents it in `X-Internal-Key`. Each service names the callers it
knows and holds one allow-list: which caller may call which of its routes. A route missing from
the list is refused to everyone, so a new route is closed until someone decides who may call it.

A compromised caller can therefore do only what its rows allow: the internet-facing gateway
cannot hand out a Fortnox token or read an audit trail, because no row lets it.
"""

import hmac
import os
from collections.abc import Iterable, Mapping

from flask import Blueprint, g, request

from servicekit.http import INTERNAL_KEY_HEADER
from servicekit.security import security_event
from servicekit.web import ApiError

# The callers of the platform and the variable holding each one's credential.
VARIABLES = {
    "gateway": "GATEWAY_INTERNAL_KEY",
    "settings": "SETTINGS_INTERNAL_KEY",
    "resultat-finans": "RESULTAT_FINANS_INTERNAL_KEY",
    "operator": "OPERATOR_INTERNAL_KEY",
}
_CALLER_OF = {variable: caller for caller, variable in VARIABLES.items()}
MIN_LENGTH = 32  # secrets.token_urlsafe(32) gives 43 characters


def read(environ: Mapping[str, str] | None, *variables: str) -> dict[str, str | None]:
    """The credentials in these variables, by caller (None where unset); check() them before
    serving or calling. Services name the variables, so deploy/generate.py sees which
    credentials each one reads."""
    source = os.environ if environ is None else environ
    return {_CALLER_OF[name]: source.get(name) for name in variables}


def check(service: str, credentials: Mapping[str, str | None]) -> dict[str, str]:
    """Refuse to start with a missing, empty or short credential: one that is easy to guess, or
    empty and so matching a request that sends none. A value may hold two credentials,
    `new,old`, while one is rotated: callers present the first, services accept either."""
    for caller, value in credentials.items():
        for key in (value or "").split(",") or [""]:
            if len(key.strip()) < MIN_LENGTH:
                raise RuntimeError(
                    f"{service}: {VARIABLES[caller]} is {'too short' if value else 'not set'}"
                    f" (at least {MIN_LENGTH} random characters; `make run` creates local ones)"
                )
    return dict(credentials)


def presented(value: str) -> str:
    """What a caller sends of its credential: the first of `new,old` during a rotation."""
    return value.split(",", 1)[0].strip()


def own(service: str, caller: str, value: str | None) -> str:
    """The service's own credential as a caller, checked; what it presents."""
    return presented(check(service, {caller: value})[caller])


def identify(presented_key: str, credentials: Mapping[str, str]) -> str | None:
    """The caller whose credential was presented; every credential is compared in constant
    time, so the answer's timing does not tell which one nearly matched."""
    found = None
    for caller, value in credentials.items():
        for key in value.split(","):
            if hmac.compare_digest(presented_key.encode(), key.strip().encode()):
                found = caller
    return found


def guard(
    blueprint: Blueprint,
    credentials: Mapping[str, str],
    allowed: Mapping[str, Iterable[str]],
) -> None:
    """Every request to the blueprint names its caller by credential (else 401) and is one its
    row of `allowed` (view function name -> callers) lets through (else 403)."""
    rows = {view: frozenset(callers) for view, callers in allowed.items()}
    blueprint.record_once(lambda state: _keep(state.app, blueprint.name, credentials, rows))

    @blueprint.before_request
    def _check_caller():
        caller = identify(request.headers.get(INTERNAL_KEY_HEADER, ""), credentials)
        if caller is None:
            _refused("unknown")
            raise ApiError(401, "unauthorized", "The internal API needs a caller's credential.")
        view = (request.endpoint or "").rsplit(".", 1)[-1]
        if caller not in rows.get(view, ()):
            _refused(caller)
            raise ApiError(403, "caller_not_allowed", "This caller may not call this route.")
        g.caller = caller


def _keep(app, blueprint_name: str, credentials: Mapping[str, str], rows: dict) -> None:
    # What admitted(): tests call each route as every caller its row lets through.
    app.extensions.setdefault("servicekit.callers", []).append(
        (blueprint_name + ".", dict(credentials), rows)
    )


def admitted(app, endpoint: str) -> dict[str, str] | None:
    """The callers a guarded endpoint lets through, each with the credential it presents; None
    for an endpoint no guard() covers."""
    for prefix, credentials, rows in app.extensions.get("servicekit.callers", ()):
        if endpoint.startswith(prefix):
            row = rows.get(endpoint[len(prefix) :], ())
            return {c: presented(credentials[c]) for c in sorted(row) if c in credentials}
    return None


def _refused(caller: str) -> None:
    # A service's own caller off its row is how a compromised one shows: worth an alert.
    security_event(
        "internal_call_refused",
        actor=caller,
        target=f"{request.method} {request.path}",
        client_address=request.remote_addr,
    )


def unlisted_views(app, blueprint_name: str, allowed: Mapping[str, Iterable[str]]) -> list[str]:
    """The blueprint's views without a row of `allowed` (the tests insist there are none)."""
    prefix = blueprint_name + "."
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith(prefix)}
    return sorted({e[len(prefix) :] for e in endpoints} - set(allowed))
