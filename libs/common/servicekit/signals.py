"""Graceful stop of worker processes: SIGTERM and SIGINT ask the loop to finish its batch."""

import logging
import signal
import threading

log = logging.getLogger(__name__)


def stop_on_signals(stop: threading.Event) -> None:
    """Set `stop` on SIGTERM/SIGINT; only possible (and only needed) in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return

    def _handle(signum, _frame):
        log.info("stop requested", extra={"signal": signal.Signals(signum).name})
        stop.set()

    signal.signal(signal.SIGTERM, _handle)
    signal.signal(signal.SIGINT, _handle)
