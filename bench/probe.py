"""Hostile-input probe: malformed, oversized and odd-Unicode requests to every gateway form and
every internal JSON route, as issue 11's black-box probe sent them.

    .venv/bin/python bench/probe.py [--only auth,tokens,settings,gateway] [--show 20]

Starts the whole platform under gunicorn on free 127.0.0.1 ports with throwaway databases and
its own exchange (tests/conftest.py's Platform, demo data loaded), sends each case of
bench/probe_cases.py once, and prints: sent, answered 4xx, answered 5xx, answered otherwise,
wrongly changed (a case that must be refused changed a stored organisation, user, membership,
link, payment method, company or Fortnox connection/state), off-site redirects and correlation
ids echoed. Not a test: it prints figures, asserts nothing, and removes all it started.
"""

import hashlib
import json
import os
import re
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import click
import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from probe_cases import form_cases, internal_cases, redirect_cases  # noqa: E402
from servicekit import db  # noqa: E402
from servicekit import testing as servicekit_testing  # noqa: E402
from servicekit.testing import vouched_headers  # noqa: E402

from services.gateway.tests.test_input_rule import FORMS, MEMBER  # noqa: E402
from tests.conftest import DEMO_ORG_ID, DEMO_PASSWORD, Platform  # noqa: E402

WATCHED = {  # what a refused request must leave as it was
    "AUTH_DATABASE_URL": ["organisations", "users", "memberships", "one_time_tokens"],
    "SETTINGS_DATABASE_URL": ["payment_methods", "payment_method_changes", "company_info"],
    "TOKENS_DATABASE_URL": ["connections", "oauth_states"],
}

PG = os.environ.get("TEST_POSTGRES_URL", servicekit_testing.LOCAL_PG)


class Databases:
    """make_database() for the Platform: throwaway databases, all dropped at the end."""

    def __init__(self):
        self.created: list[str] = []

    def __call__(self, migrations=None, prefix: str = "t") -> str:
        url = db.with_database(PG, f"probe_{prefix}_{uuid.uuid4().hex[:10]}")
        db.ensure_database(url)
        self.created.append(url)
        return url

    def drop_all(self) -> None:
        for url in self.created:
            db.drop_database(url)


def fingerprint(env: dict) -> str:
    digest = hashlib.sha256()
    for variable, tables in WATCHED.items():
        with psycopg.connect(env[variable], autocommit=True) as conn:
            for table in tables:
                query = f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t"
                digest.update(str(conn.execute(query).fetchone()[0]).encode())
    return digest.hexdigest()


class Browser:
    """A requests session with the gateway's cookies and its CSRF token, as a browser posts."""

    def __init__(self, base: str, signed_in: bool):
        self.base, self.session, self.token = base, requests.Session(), None
        if signed_in:
            self.post("/logga-in", {"identifier": "900232", "password": DEMO_PASSWORD})
            self.token = None  # a new session after log-in: a new CSRF secret

    def _csrf(self) -> str:
        if self.token is None:
            page = self.session.get(self.base + "/logga-in", timeout=30).text
            if 'name="csrf_token"' not in page:  # signed in: log-in sends us home
                page = self.session.get(self.base + "/organisation", timeout=30).text
            marker = 'name="csrf_token" value="'
            start = page.index(marker) + len(marker)
            self.token = page[start : page.index('"', start)]
        return self.token

    def post(self, path: str, form) -> requests.Response:
        token = self._csrf()
        if isinstance(form, str):  # raw url-encoded bytes, as a broken client sends them
            data = f"csrf_token={token}&{form}"
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            data, headers = form | {"csrf_token": token}, {}
        return self.session.post(
            self.base + path, data=data, headers=headers, allow_redirects=False, timeout=30
        )

    def get(self, path: str, headers: dict) -> requests.Response:
        return self.session.get(
            self.base + path, headers=headers, allow_redirects=False, timeout=30
        )


def send(platform: Platform, browser: Browser, case, session_token: str) -> requests.Response:
    if case.target == "gateway":
        if case.method == "GET":
            return browser.get(case.path, case.headers)
        return browser.post(case.path, case.data)
    url = platform.env[f"{case.target.upper()}_URL"] + case.path
    org = re.search(r"/organisations/([^/]+)", case.path)
    headers = {**vouched_headers(case.method, case.path, org and org.group(1)), **case.headers}
    if case.target == "auth":
        headers["X-Session-Token"] = session_token
    if case.json_body is not None:
        data = json.dumps(case.json_body).encode()  # ensure_ascii: surrogates as \ud800
        headers["Content-Type"] = "application/json"
    else:
        data = case.data.encode() if isinstance(case.data, str) else case.data
        if case.content_type:
            headers["Content-Type"] = case.content_type
    return requests.request(
        case.method, url, data=data, headers=headers, allow_redirects=False, timeout=30
    )


def off_site(base: str, location: str) -> bool:
    cleaned = "".join(c for c in location if c not in "\t\r\n").replace("\\", "/")
    return urlsplit(urljoin(base + "/logga-in", cleaned)).netloc != urlsplit(base).netloc


def judge(platform, case, response, changed: bool, tally: Counter, notes: list) -> None:
    status = response.status_code
    tally["sent"] += 1
    tally["4xx" if 400 <= status < 500 else "5xx" if status >= 500 else "other"] += 1
    wrong = None
    if case.expect == "refusal" and changed:
        wrong = "wrongly changed"
    elif case.expect == "same-site" and off_site(
        platform.base_url, response.headers.get("Location", "")
    ):
        wrong = "off-site redirect"
    elif case.expect == "fresh-correlation-id":
        if response.headers.get("X-Correlation-ID") == case.headers["X-Correlation-ID"]:
            wrong = "correlation id echoed"
    if case.needs_session and "/logga-in" in response.headers.get("Location", ""):
        wrong = wrong or "session lost"
    if case.expect == "refusal" and status < 400:
        wrong = wrong or "not refused"
    if status >= 500:
        wrong = wrong or "5xx"
    if wrong:
        tally[wrong] += 1 if wrong != "5xx" else 0
        notes.append(
            f"{wrong}: {case.target} {case.method} {case.path[:60]} [{case.label}] -> {status}"
        )


def run(platform: Platform, only: set[str]) -> tuple[Counter, list[str]]:
    login = {"identifier": "900232", "password": DEMO_PASSWORD, "client_address": "127.0.0.1"}
    session_token = platform.internal("auth", "POST", "/internal/login", json=login).json()[
        "session_token"
    ]
    with psycopg.connect(platform.env["AUTH_DATABASE_URL"]) as conn:
        olle = str(
            conn.execute("SELECT id FROM users WHERE email = 'olle@jlmdata.se'").fetchone()[0]
        )
    forms = [(p.replace(MEMBER, olle), f, s) for p, f, s in FORMS]
    # The gateway's first: its signed-in browser must not meet what the internal cases did.
    cases = form_cases(forms, [0]) + redirect_cases("900232", DEMO_PASSWORD)
    cases = cases if "gateway" in only else []
    for service in ("auth", "tokens", "settings"):
        if service in only:
            document = requests.get(platform.env[f"{service.upper()}_URL"] + "/openapi.json").json()
            values = {
                "org_id": DEMO_ORG_ID,
                "user_id": olle,
                "purpose": "invite",
                "invitation_id": str(uuid.uuid4()),  # none: a refusal must not withdraw one
            }
            cases += internal_cases(service, document, values)
    signed_in = Browser(platform.base_url, signed_in=True)
    tally, notes = Counter(), []
    for case in cases:
        browser = signed_in if case.needs_session or case.target != "gateway" else None
        browser = browser or Browser(platform.base_url, signed_in=False)
        before = fingerprint(platform.env) if case.expect == "refusal" else ""
        response = send(platform, browser, case, session_token)
        changed = case.expect == "refusal" and fingerprint(platform.env) != before
        judge(platform, case, response, changed, tally, notes)
    return tally, notes


@click.command(help=__doc__.split("\n\n")[0])
@click.option("--only", type=str, default="auth,tokens,settings,gateway", show_default=True)
@click.option("--show", type=int, default=20, show_default=True, help="how many findings to list")
def main(only: str, show: int) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop what it started, then go
    databases = Databases()
    with tempfile.TemporaryDirectory(prefix="probe-") as log_dir:
        light = {"ARGON2_MEMORY_KIB": "1024", "ARGON2_TIME_COST": "1", "LOG_LEVEL": "WARNING"}
        platform = Platform(databases, Path(log_dir), env=light)
        try:
            platform.start()
            time.sleep(3)  # the settings consumer takes in the seeded companies first
            tally, notes = run(platform, set(only.split(",")))
        finally:
            platform.stop()
            databases.drop_all()
    print(
        f"sent {tally['sent']}, answered 4xx {tally['4xx']}, answered 5xx {tally['5xx']}, "
        f"answered otherwise {tally['other']} (refusals expected but not given: "
        f"{tally['not refused']}), wrongly changed {tally['wrongly changed']}, "
        f"off-site redirects {tally['off-site redirect']}, "
        f"correlation ids echoed {tally['correlation id echoed']}, "
        f"signed-in cases that found the session gone {tally['session lost']}"
    )
    for note in notes[:show]:
        print("  " + note)


if __name__ == "__main__":
    main()
