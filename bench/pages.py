"""Customer pages under load: req/s, p50 and p99 of each page next to a bare Flask hello.

    .venv/bin/python bench/pages.py [--seconds 10] [--workers 2]        (or `make bench`)

Starts the platform as `make run` does (every web service under deploy/gunicorn.conf.py with
--workers gunicorn workers, the relays and consumers beside them) on free 127.0.0.1 ports,
throwaway databases and an exchange of its own; logs in as the demo administrator; and drives
with wrk, each for --seconds:
- the bare Flask hello (GET, same gunicorn settings), 50 connections flat out;
- Resultat Finans Inställningar, Resultat Finans Hem and the portal's Hem, each as 100 users
  who read a page 0.25-0.75 s before the next, then 50 connections flat out;
- log-in (the real argon2id cost) at 20 connections, users taking turns so that no account is
  throttled;
- Inställningar for 50 users with think time while log-in is under that load.
Not a test: it prints figures and asserts nothing. It stops everything it started and drops
every database it made, also when interrupted.
"""

import argparse
import re
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

import requests
from loadgen import ROOT, Figures, Processes, request_lua, require_wrk, think_time_lua, wrk

sys.path.insert(0, str(ROOT / "tests"))
from conftest import DEMO_ORG_ID, DEMO_PASSWORD, Platform, Scale  # noqa: E402

PAGES = {
    "Resultat Finans Inställningar": "/resultat-finans/installningar",
    "Resultat Finans Hem": "/resultat-finans/",
    "portal Hem": "/",
}
THINK = think_time_lua(250, 750)
LOGIN_USERS = 60  # log-in load cycles through them: one account is never tried in parallel


def make_platform(procs: Processes, workers: int) -> Platform:
    names = ("sandbox", "auth", "tokens", "settings", "gateway")
    platform = Platform(
        lambda prefix: procs.database(f"bench_{prefix}"),
        Path(procs.logs),
        scale=Scale(web_workers=dict.fromkeys(names, workers)),
        # The tests' platform pins WEB_THREADS; make run leaves each service its default.
        env={"LOG_LEVEL": "INFO", "WEB_THREADS": ""},
    )
    return platform


def add_login_users(platform: Platform) -> list[str]:
    """Members of the demo organisation with the demo password (its stored argon2id hash)."""
    import psycopg
    from auth.adapters import repository

    emails = [f"bench-{n}@jlmdata.se" for n in range(LOGIN_USERS)]
    with psycopg.connect(platform.env["AUTH_DATABASE_URL"]) as conn:
        (password_hash,) = conn.execute(
            "SELECT password_hash FROM users WHERE username = '900232'"
        ).fetchone()
        for email in emails:
            user_id = repository.insert_user(
                conn,
                email=email,
                name="Bänk Användare",
                password_hash=password_hash,
                verified_at=conn.execute("SELECT now()").fetchone()[0],
            )
            repository.add_member(conn, DEMO_ORG_ID, user_id, "user")
    return emails


def csrf(session: requests.Session, base: str) -> str:
    page = session.get(base + "/logga-in", timeout=10).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(base: str) -> str:
    """The demo administrator's session cookie, as a browser gets it."""
    session = requests.Session()
    form = {"identifier": "900232", "password": DEMO_PASSWORD, "csrf_token": csrf(session, base)}
    answer = session.post(base + "/logga-in", data=form, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.status_code
    return f"rf_session={session.cookies['rf_session']}"


def login_lua(base: str, emails: list[str]) -> str:
    """POST /logga-in in turns through the users; each wrk thread has its own share of them."""
    session = requests.Session()
    token = csrf(session, base)
    bodies = [
        urlencode({"identifier": e, "password": DEMO_PASSWORD, "csrf_token": token}) for e in emails
    ]
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"rf_csrf={session.cookies['rf_csrf']}",
    }
    lua_bodies = ", ".join(f'"{body}"' for body in bodies)
    return request_lua("POST", headers) + (
        f"local bodies = {{{lua_bodies}}}\n"
        "local share = math.floor(#bodies / 2)\n"
        "function on_setup(thread, number) thread:set('first', (number - 1) * share) end\n"
        "local n = 0\n"
        "function request()\n"
        "  n = n + 1\n"
        "  return wrk.format(nil, '/logga-in', nil, bodies[first + (n % share) + 1])\n"
        "end\n"
    )


def measure(base: str, hello_url: str, emails: list[str], cookie: str, seconds: float) -> list:
    page_lua = request_lua("GET", {"Cookie": cookie})
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each measurement")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per service")
    options = parser.parse_args()
    require_wrk()
    procs = Processes()
    platform = None
    try:
        platform = make_platform(procs, options.workers)
        platform.start()
        emails = add_login_users(platform)
        hello_url = procs.hello(options.workers)
        base = platform.base_url
        report = measure(base, hello_url, emails, log_in(base), options.seconds)
    finally:
        if platform is not None:
            platform.stop()
        procs.stop_all()
    print(
        f"pages benchmark: every service gunicorn -w {options.workers} (deploy/gunicorn.conf.py,"
        f" gthread), wrk 2 threads keep-alive, {options.seconds:g} s each"
    )
    print("\n".join(report))


if __name__ == "__main__":
    main()
