"""Gunicorn settings shared by every web service of the local run."""

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
