"""gunicorn's gthread worker, with one change: a new connection waits on the worker's poller,
not on a thread, until its first request arrives.

gunicorn 27's gthread hands every accepted connection to a thread that then waits up to 5 s for
its first bytes. A connection opened ahead of its request (a browser's preconnect, a load
balancer's spare, a user whose first click comes later, or a client that never speaks) holds a
thread all that while: thirty-two of them stall the gateway's 2 x 16 threads, and every page
queues behind them. Here the worker's poller watches the new connection, as it already watches
kept-alive ones, and a thread takes it only once there is a request to read; one silent for the
keep-alive timeout is closed, like a kept-alive connection that stays idle.
"""

import errno
import selectors
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

NOT_THERE = (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK)
# gunicorn's `worker_class` / `-k` for it: deploy/gunicorn.conf.py and the tests' own servers.
WORKER_CLASS = f"{__name__}.PolledThreadWorker"


class PolledThreadWorker(ThreadWorker):
    def accept(self, listener):
        try:
            sock, client = listener.accept()
        except OSError as exc:
            if exc.errno not in NOT_THERE:
                raise
            return
        self.nr_conns += 1
        sock.setblocking(False)
        conn = TConn(self.cfg, sock, client, listener.getsockname())
        # Same deadline as a deferred connection's, so pending_conns stays in deadline order.
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        readable = partial(self.on_pending_socket_readable, conn)
        self.poller.register(sock, selectors.EVENT_READ, readable)
