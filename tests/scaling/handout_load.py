"""A load process of the scaling test: `python handout_load.py SECONDS REQUESTS THREADS GO_FILE`.

Environment: LOAD_URLS (the tokens replicas' base URLs, space-separated), LOAD_ORGS (the
organisation ids, space-separated) and RESULTAT_FINANS_INTERNAL_KEY. It warms up, prints `ready`, waits for
GO_FILE, then THREADS threads ask for hand-outs, each organisation after the other (from a
shuffled start) on the replicas in turn, until SECONDS have passed or REQUESTS were sent.

One JSON line per hand-out: organisation, replica, HTTP status, error code, kind, and what the
sandbox knows the token by (a JWT's `jti` and `tenantId`; a legacy token's SHA-256), with the
wall-clock start and end of the request. Never the token itself.
"""

import base64
import hashlib
import json
import os
import random
import sys
import threading
import time
from itertools import count
from pathlib import Path

import requests


def identify(token: str, kind: str) -> dict:
    if kind == "legacy":
        return {"legacy_hash": hashlib.sha256(token.encode()).hexdigest()}
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return {"jti": claims["jti"], "tenant": claims["tenantId"]}


def main() -> None:
    seconds, budget, threads, go_file = (
        float(sys.argv[1]),
        int(sys.argv[2]),
        int(sys.argv[3]),
        Path(sys.argv[4]),
    )
    urls = os.environ["LOAD_URLS"].split()
    orgs = os.environ["LOAD_ORGS"].split()
    key = os.environ["RESULTAT_FINANS_INTERNAL_KEY"]
    sent = count()
    results: list[dict] = []
    lock = threading.Lock()
    sessions = [requests.Session() for _ in range(threads)]
    for session in sessions:
        session.headers["X-Internal-Key"] = key
        session.get(urls[0] + "/healthz", timeout=10)  # warm: connection and imports

    def run(number: int, session: requests.Session, deadline: float) -> None:
        mine = []
        offset = random.randrange(len(orgs))
        for step in count():
            if time.monotonic() >= deadline or next(sent) >= budget:
                break
            org_id = orgs[(offset + step) % len(orgs)]
            replica = (number + step) % len(urls)
            url = f"{urls[replica]}/internal/organisations/{org_id}/fortnox/access-token"
            started = time.time()
            record = {"org": org_id, "replica": replica, "t0": started}
            try:
                response = session.post(url, timeout=60)
                record["status"] = response.status_code
                body = response.json()
                if response.status_code == 200:
                    record["kind"] = body["kind"]
                    record |= identify(body["access_token"], body["kind"])
                else:
                    record["error"] = body.get("error", {}).get("code")
            except Exception as exc:  # noqa: BLE001 - reported to the test as a failed hand-out
                record["status"], record["error"] = 0, repr(exc)[:200]
            record["t1"] = time.time()
            mine.append(record)
        with lock:
            results.extend(mine)

    print("ready", flush=True)
    while not go_file.exists():
        time.sleep(0.005)
    deadline = time.monotonic() + seconds
    workers = [
        threading.Thread(target=run, args=(number, session, deadline))
        for number, session in enumerate(sessions)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    sys.stdout.write("".join(json.dumps(record) + "\n" for record in results))


if __name__ == "__main__":
    main()
