"""A racing process of the concurrency tests: `python racer.py ORG_ID THREADS GO_FILE BASE_URL`.

Environment: the tokens service's variables. It warms up (pool, HTTP session), prints `ready`,
waits for GO_FILE, then runs THREADS hand-outs at once: even threads in-process through the
handler, odd ones over HTTP to the gunicorn workers. One JSON line per hand-out: the process id,
whether a token came back, and a hash of it (never the token).
"""

import hashlib
import json
import os
import sys
import threading
import time
from pathlib import Path

import requests
from servicekit import db
from tokens import config as service_config
from tokens.bootstrap import bootstrap
from tokens.handlers.handout import hand_out


def main() -> None:
    org_id, threads, go_file, base_url = (
        sys.argv[1],
        int(sys.argv[2]),
        Path(sys.argv[3]),
        sys.argv[4],
    )
    config = service_config.load()
    pool = db.open_pool(config["DATABASE_URL"], max_size=threads + 2)
    svc = bootstrap(config, pool)
    http = requests.Session()
    http.headers["X-Internal-Key"] = os.environ["RESULTAT_FINANS_INTERNAL_KEY"]
    url = f"{base_url}/internal/organisations/{org_id}/fortnox/access-token"
    results, lock = [], threading.Lock()

    def one(index: int) -> None:
        try:
            if index % 2 == 0 or not base_url:
                token, where = hand_out(svc, org_id).access_token, "direct"
            else:
                response = http.post(url, timeout=60)
                response.raise_for_status()
                token, where = response.json()["access_token"], "http"
            digest = hashlib.sha256(token.encode()).hexdigest()
            result = {"pid": os.getpid(), "ok": True, "token": digest, "via": where}
        except Exception as exc:  # noqa: BLE001 - reported to the test
            result = {"pid": os.getpid(), "ok": False, "error": repr(exc)[:300]}
        with lock:
            results.append(result)

    print("ready", flush=True)
    while not go_file.exists():
        time.sleep(0.005)
    workers = [threading.Thread(target=one, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for result in results:
        print(json.dumps(result), flush=True)
    pool.close()


if __name__ == "__main__":
    main()
