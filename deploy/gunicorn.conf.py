"""Gunicorn settings shared by every web service of the local run."""

import gc
import os

from prometheus_client import multiprocess

worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
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
