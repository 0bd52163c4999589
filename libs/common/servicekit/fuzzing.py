"""Schemathesis against a service's own /openapi.json, in-process: generated requests, valid
and invalid, each answered without a 5xx and as the document says (status, content type,
body schema). For tests only; bounded for a small machine (examples per operation and mode).

A test reads `assert fuzzing.problems(app, {INTERNAL_KEY_HEADER: key}) == []`. An operation
behind an allow-list (servicekit.callers.guard) is fuzzed as every caller its row admits, with
that caller's credential in place of the one given, so a route only operators (say) may call is
fuzzed as deeply as the gateway's.
(Schemathesis's pytest plugin is not used: its lazy fixture loader does not run on pytest 9.)
"""

import warnings

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import HypothesisDeprecationWarning
from schemathesis import check, openapi
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from servicekit.callers import admitted
from servicekit.http import INTERNAL_KEY_HEADER
from servicekit.openapi import DOCUMENT_PATH, openapi_path


@check
def no_5xx_but_a_dependency_down(ctx, response, case) -> None:
    """A 500 is always a bug; a 503 says a service this one needs is down (the document says
    which operations can answer it, status_code_conformance holds them to that)."""
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"{response.status_code}: {response.text[:500]}")


CHECKS = [
    no_5xx_but_a_dependency_down,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 8


def problems(app: Flask, headers: dict[str, str], max_examples: int = MAX_EXAMPLES) -> list[str]:
    """One sentence per operation and mode whose generated requests broke a check."""
    found = []
    callers = _callers_by_operation(app)
    for result in openapi.from_wsgi(DOCUMENT_PATH, app).get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        for caller, credential in (callers.get(key) or {None: None}).items():
            sent = headers if caller is None else headers | {INTERNAL_KEY_HEADER: credential}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _fuzz(operation, mode, sent, max_examples)
                # schemathesis groups its failures in a BaseExceptionGroup
                except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - the report
                    who = f" as {caller}" if caller else ""
                    found.append(f"{key[0]} {key[1]}{who} ({mode}): {_explained(failure)}")
    return found


def _explained(failure: BaseException) -> str:
    """The failure with what it groups (Hypothesis's "unreliable results" hides the first call's
    own failure inside), so a report says what went wrong and not only that something did."""
    inner = getattr(failure, "exceptions", ())
    if not inner:
        return str(failure)
    return f"{failure} [" + "; ".join(_explained(each) for each in inner) + "]"


def _callers_by_operation(app: Flask) -> dict[tuple[str, str], dict[str, str]]:
    """(method, documented path) -> the callers its allow-list row admits, with credentials."""
    found = {}
    for rule in app.url_map.iter_rules():
        admits = admitted(app, rule.endpoint)
        if admits is not None:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                found[(method, openapi_path(rule.rule))] = admits
    return found


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str], max_examples: int) -> None:
    @settings(
        max_examples=max_examples,
        derandomize=True,  # the same examples every run: a failure is reproducible, never flaky
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    with warnings.catch_warnings():
        # Hypothesis warns when the global `random` changes while it draws, to catch strategies
        # that use it. Ours do not; the app's own threads do (psycopg_pool jitters the life of
        # each new connection, backoff jitters its delays), at moments no test decides, so the
        # warning would turn a run that found nothing into an unreliable failure.
        warnings.filterwarnings(
            "ignore",
            message="Do not use the `random` module inside strategies",
            category=HypothesisDeprecationWarning,
        )
        run()
