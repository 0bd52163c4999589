"""Steady traffic against the local run, as people and services make it, every answer recorded.

One thread per kind, each at its own pace, 127.0.0.1 only:
- page: Inställningar, logged in as the demo administrator;
- save: "Spara" of a new Bankgiro number through the gateway's form (CSRF included);
- check: "Kontrollera koppling till Fortnox" after the company was renamed at the Fortnox
  sandbox, so a `company.updated` event travels to the settings consumer;
- handout: the tokens service's internal hand-out of an access token;
- refresh: the operator's forced renewal (`rfadmin connection refresh`);
- reset: "Glömt lösenord" for one of the demo users (auth throttles these per account and per
  address; a throttled request queues no mail, and the ledger counts what was queued).
"""

import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import psycopg
import requests
from servicekit.luhn import luhn_check_digit

from chaos.platform import DEMO_ORG_ID, ROOT, LocalRun

ADMIN = ("900232", "demo-resultat-finans")
RESET_USERS = ("kaisa@jlmdata.se", "olle@jlmdata.se")
DEMO_TENANT = 900232
PACE = {"page": 0.5, "handout": 0.5, "save": 2.0, "check": 5.0, "refresh": 10.0, "reset": 20.0}
CHECK_FAILED = "Kontrollen kunde inte göras just nu"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Answer:
    kind: str
    at: float
    status: int | str  # an HTTP status, or "error" (no answer: connection refused or reset)


@dataclass
class Recorder:
    answers: list[Answer] = field(default_factory=list)
    acknowledged_saves: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int | str) -> None:
        with self.lock:
            self.answers.append(Answer(kind, time.monotonic(), status))


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


class Browser:
    """A requests session that logs in through the gateway's form, as the browser does."""

    def __init__(self, gateway: str) -> None:
        self.gateway = gateway
        self.http = requests.Session()
        self.csrf = ""

    def log_in(self) -> None:
        page = self.http.get(self.gateway + "/logga-in", timeout=10)
        form = {"identifier": ADMIN[0], "password": ADMIN[1], "csrf_token": _csrf(page.text)}
        done = self.http.post(self.gateway + "/logga-in", data=form, timeout=30)
        done.raise_for_status()
        # The log-in renews the CSRF secret: take the token from a page after it.
        settings = self.http.get(self.gateway + "/resultat-finans/installningar", timeout=10)
        settings.raise_for_status()
        self.csrf = _csrf(settings.text)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.gateway + path, timeout=10, allow_redirects=False)

    def post(self, path: str, form: dict) -> requests.Response:
        form = form | {"csrf_token": self.csrf}
        return self.http.post(self.gateway + path, data=form, timeout=30, allow_redirects=False)


def bankgiro(serial: int) -> str:
    digits = f"{5000000 + serial % 4999999:07d}"
    return digits + luhn_check_digit(digits)


class Traffic:
    def __init__(self, run: LocalRun) -> None:
        self.run = run
        self.recorder = Recorder()
        self.stopping = threading.Event()
        self.browser = Browser(run.gateway)
        self._threads: list[threading.Thread] = []
        self._nudges = {kind: threading.Event() for kind in PACE}
        self._serial = int(time.time()) % 100000

    def start(self) -> "Traffic":
        self.browser.log_in()
        steps = {
            "page": self._page,
            "handout": self._handout,
            "save": self._save,
            "check": self._check,
            "refresh": self._refresh,
            "reset": self._reset,
        }
        for kind, step in steps.items():
            thread = threading.Thread(target=self._loop, args=(kind, step), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def nudge(self, kind: str) -> None:
        """One request of this kind now, rather than at its pace (to meet an outage)."""
        self._nudges[kind].set()

    def stop(self) -> None:
        self.stopping.set()
        for nudge in self._nudges.values():
            nudge.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _loop(self, kind: str, step) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                status = step()
            except requests.RequestException:
                status = "error"
            self.recorder.add(kind, status)
            self._nudges[kind].wait(max(0.0, PACE[kind] - (time.monotonic() - started)))
            self._nudges[kind].clear()

    def _page(self) -> int:
        return self.browser.get("/resultat-finans/installningar").status_code

    def _handout(self) -> int:
        path = f"/internal/organisations/{DEMO_ORG_ID}/fortnox/access-token"
        # as the Resultat Finans backend: the only caller tokens hands a token to
        headers = {"X-Internal-Key": self.run.env["RESULTAT_FINANS_INTERNAL_KEY"]}
        answer = requests.post(self.run.urls["TOKENS"] + path, headers=headers, timeout=30)
        return answer.status_code

    def _save(self) -> int:
        self._serial += 1
        number = bankgiro(self._serial)
        form = {"method": "bankgiro", "number": number}
        answer = self.browser.post("/resultat-finans/installningar/betalningssatt", form)
        if answer.status_code == 303:
            with self.recorder.lock:
                self.recorder.acknowledged_saves.append(number)
        return answer.status_code

    def _check(self) -> int:
        try:
            with psycopg.connect(
                self.run.env["FORTNOX_SANDBOX_DATABASE_URL"], connect_timeout=3
            ) as conn:
                conn.execute(
                    "UPDATE tenants SET company_name = %s WHERE id = %s",
                    (f"Jlmdata AB {time.time():.0f}", DEMO_TENANT),
                )
        except psycopg.OperationalError:
            pass  # the sandbox's database is ours too, and down right now; check anyway
        answer = self.browser.post("/resultat-finans/fortnox/kontrollera", {})
        if answer.status_code != 303:
            return answer.status_code
        # The form always redirects; whether the check could be made, the page it leads to says.
        page = self.browser.http.get(
            urljoin(self.run.gateway, answer.headers["Location"]), timeout=10
        )
        return 503 if CHECK_FAILED in page.text else page.status_code

    def _refresh(self) -> int | str:
        """rfadmin's exit: 0 renewed (200), 1 with a reason (the 503 of a command line), or a
        traceback (the 500 of a command line)."""
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "rfadmin"), "connection", "refresh", DEMO_ORG_ID],
            env=self.run.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode == 0:
            return 200
        return 500 if "Traceback" in done.stderr else 503

    def _reset(self) -> int:
        anonymous = Browser(self.run.gateway)
        page = anonymous.http.get(self.run.gateway + "/glomt-losenord", timeout=10)
        if page.status_code != 200:
            return page.status_code
        anonymous.csrf = _csrf(page.text)
        who = RESET_USERS[int(time.monotonic() / PACE["reset"]) % len(RESET_USERS)]
        return anonymous.post("/glomt-losenord", {"identifier": who}).status_code
