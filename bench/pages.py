"""Customer pages under load: req/s, p50 and p99 of each page next to a bare Flask hello.

    .venv/bin/python bench/pages.py [--seconds 10] [--workers 2]        (or `make bench`)

Starts the platform as `make run` does (every web service under deploy/gunicorn.conf.py with
--workers gunicorn workers, the relays and consumers beside them) on free 127.0.0.1 ports,
throwaway databases and an exchange of its own; logs in as the demo administrator (sending its
session and form-token cookies, as a browser does); loads each page for 2 s unmeasured (the
pools' connections, the templates); and drives with wrk, each for --seconds:
- the bare Flask hello (GET, same gunicorn settings), 50 connections flat out;
- Resultat Finans Inställningar, Resultat Finans Hem and the portal's Hem, each as 100 users
  who read a page 0.25-0.75 s before the next, then 50 connections flat out;
- log-in (the real argon2id cost) at 20 connections, users taking turns so that no account is
  throttled;
- Inställningar for 50 users with think time while log-in is under that load.
Not a test: it prints figures and asserts nothing. It stops everything it started and drops
every database it made, also when interrupted.
"""

import re
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

import click
import requests
from loadgen import ROOT, Figures, Processes, request_lua, require_wrk, think_time_lua, wrk

sys.path.insert(0, str(ROOT / "tests"))
from conftest import DEMO_PASSWORD, Platform, Scale  # noqa: E402

PAGES = {
    "Resultat Finans Inställningar": "/resultat-finans/installningar",
    "Resultat Finans Hem": "/resultat-finans/",
    "portal Hem": "/",
}
THINK = think_time_lua(250, 750)
WARM_UP_SECONDS = 2
LOGIN_USERS = 60  # log-in load cycles through them: one account is never tried in parallel


def make_platform(procs: Processes, workers: int) -> Platform:
    names = ("sandbox", "auth", "tokens", "settings", "gateway")
    platform = Platform(
        lambda prefix: procs.database(f"bench_{prefix}"),
        Path(procs.logs),
        scale=Scale(web_workers=dict.fromkeys(names, workers)),
        # The tests' platform pins WEB_THREADS; make run leaves each service its default.
        env={"LOG_LEVEL": "INFO", "WEB_THREADS": "", "GATEWAY_TRUSTED_PROXIES": "1"},
    )
    return platform


def add_login_users(platform: Platform) -> list[str]:
    emails = [f"bench-{n}@jlmdata.se" for n in range(LOGIN_USERS)]
    for email in emails:
        platform.add_demo_member(email)
    return emails


def csrf(session: requests.Session, base: str) -> str:
    page = session.get(base + "/logga-in", timeout=10).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(base: str) -> str:
    """The demo administrator's cookies, as a browser sends them: the session's and the form
    token's (without it every page would start a new one, which no browser makes it do)."""
    session = requests.Session()
    form = {"identifier": "900232", "password": DEMO_PASSWORD, "csrf_token": csrf(session, base)}
    answer = session.post(base + "/logga-in", data=form, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.status_code
    session.get(base + "/", timeout=10)  # log-in clears the form token; a page sets a new one
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def login_lua(base: str, emails: list[str]) -> str:
    """POST /logga-in in turns through the users, each from an address of their own (through the
    one trusted proxy hop the bench's gateway is told of), so that neither the per-account nor
    the per-address limit of failed log-ins counts one user's attempts with another's."""
    session = requests.Session()
    token = csrf(session, base)
    cookie = f"rf_csrf={session.cookies['rf_csrf']}"
    users = []
    for number, email in enumerate(emails):
        body = urlencode({"identifier": email, "password": DEMO_PASSWORD, "csrf_token": token})
        users.append(
            f'{{body = "{body}", headers = {{["Content-Type"] = '
            f'"application/x-www-form-urlencoded", ["Cookie"] = "{cookie}",'
            f' ["X-Forwarded-For"] = "10.0.{number // 250}.{number % 250 + 1}"}}}}'
        )
    return (
        'wrk.method = "POST"\n'
        f"local users = {{{', '.join(users)}}}\n"
        "local share = math.floor(#users / 2)\n"
        "function on_setup(thread, number) thread:set('first', (number - 1) * share) end\n"
        "local n = 0\n"
        "function request()\n"
        "  n = n + 1\n"
        "  local user = users[first + (n % share) + 1]\n"
        "  return wrk.format(nil, '/logga-in', user.headers, user.body)\n"
        "end\n"
    )


def measure(base: str, hello_url: str, emails: list[str], cookie: str, seconds: float) -> list:
    page_lua = request_lua("GET", {"Cookie": cookie})
    for path in PAGES.values():
        # Not counted: the first pages after start open the pools' connections and compile the
        # templates; the figures are of a platform that has been serving for a while.
        wrk(base + path, page_lua, seconds=WARM_UP_SECONDS, connections=50)
    report = []
    hello = wrk(hello_url + "/hello", "", seconds=seconds, connections=50)
    report.append(hello.line("bare Flask hello, 50 connections", hello))
    for name, path in PAGES.items():
        users = wrk(base + path, page_lua + THINK, seconds=seconds, connections=100)
        report.append(users.line(f"{name}, 100 users with think time", hello))
        flat = wrk(base + path, page_lua, seconds=seconds, connections=50)
        report.append(flat.line(f"{name}, 50 connections", hello))
    login = login_lua(base, emails)
    alone = wrk(base + "/logga-in", login, seconds=seconds, connections=20)
    report.append(alone.line("log-in, 20 connections", expected=302))
    loaded: dict[str, Figures] = {}
    background = threading.Thread(
        target=lambda: loaded.update(
            login=wrk(base + "/logga-in", login, seconds=seconds + 2, connections=20)
        )
    )
    background.start()
    path = PAGES["Resultat Finans Inställningar"]
    during = wrk(base + path, page_lua + THINK, seconds=seconds, connections=50)
    background.join()
    report.append(during.line("Inställningar, 50 users while log-in is loaded", hello))
    report.append(loaded["login"].line("  the log-in load meanwhile, 20 connections", expected=302))
    return report


@click.command(help=__doc__.splitlines()[0])
@click.option(
    "--seconds", type=float, default=10, show_default=True, help="length of each measurement"
)
@click.option(
    "--workers", type=int, default=2, show_default=True, help="gunicorn workers per service"
)
def main(seconds: float, workers: int) -> None:
    require_wrk()
    procs = Processes()
    platform = None
    try:
        platform = make_platform(procs, workers)
        platform.start()
        emails = add_login_users(platform)
        hello_url = procs.hello(workers)
        base = platform.base_url
        report = measure(base, hello_url, emails, log_in(base), seconds)
    finally:
        if platform is not None:
            platform.stop()
        procs.stop_all()
    print(
        f"pages benchmark: every service gunicorn -w {workers} (deploy/gunicorn.conf.py,"
        f" polled gthread), wrk 2 threads keep-alive, {seconds:g} s each"
    )
    print("\n".join(report))


if __name__ == "__main__":
    main()
