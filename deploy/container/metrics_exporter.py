"""Serves a worker's Prometheus metrics: the sidecar of each worker pod in Kubernetes.

A worker (relay, consumer, refresher) has no HTTP server of its own; it writes its figures as
prometheus_client multiprocess files into PROMETHEUS_MULTIPROC_DIR, a folder its pod shares with
this sidecar, which answers GET /metrics (and any other path, so also the liveness probe's
/healthz) on METRICS_EXPORTER_PORT.
"""

import os
import signal
import threading

from prometheus_client import CollectorRegistry, multiprocess, start_http_server


def main() -> None:
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(folder, exist_ok=True)  # the worker may not have started yet
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=folder)
    start_http_server(int(os.environ.get("METRICS_EXPORTER_PORT", "9100")), registry=registry)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()


if __name__ == "__main__":
    main()
