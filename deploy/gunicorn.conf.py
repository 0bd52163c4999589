"""Gunicorn settings shared by every web service of the local run."""

import gc
import os
import sys

from prometheus_client import multiprocess
from servicekit.gthread_worker import WORKER_CLASS

# gthread, except that a connection waits for its first request on the poller, not on a thread.
worker_class = WORKER_CLASS
# The gateway's threads mostly wait for the other services, and auth's for argon2id on its own
# low-priority threads: with only 4, twenty log-ins in flight held every thread, and page views
# queued behind them. The services that compute (and hold database connections) keep 4.
WAITING_SERVICES = {"gateway": 16, "auth": 16}


def _service() -> str:
    """The service this master serves, from its app argument (`auth.entrypoints.api:...`)."""
    apps = [arg for arg in sys.argv if ".entrypoints.api:" in arg]
    return apps[0].split(".", 1)[0] if apps else ""


# <SERVICE>_WEB_THREADS, else WEB_THREADS, else the service's default.
threads = int(
    os.environ.get(f"{_service().upper()}_WEB_THREADS")
    or os.environ.get("WEB_THREADS")
    or WAITING_SERVICES.get(_service(), 4)
)
timeout = 30
graceful_timeout = 10
accesslog = None
# One control socket per master: the local run starts several gunicorn masters on one machine.
control_socket = os.path.join(
    os.path.abspath(os.environ.get("RF_VAR_DIR", "var")), f"gunicorn-{os.getpid()}.ctl"
)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    # What a worker loaded (the app, its libraries, its pool) lives as long as the worker: keep
    # it out of the cyclic GC, so a full collection does not walk ~70,000 start-up objects
    # (20-30 ms on a small machine) while every thread of the worker waits.
    gc.collect()
    gc.freeze()
