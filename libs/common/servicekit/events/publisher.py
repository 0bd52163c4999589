"""A publisher with asynchronous publisher confirms, driven from one thread like a blocking call.

pika's BlockingConnection waits for the confirm of each message before the next one is sent; the
broker then spends a round trip (and a quorum queue an fsync) per message. Here messages are
sent without waiting, each with a callback that receives its outcome when the broker confirms,
refuses or returns it, and `wait(done)` runs the connection's I/O loop until `done()` holds
(pika's SelectConnection, as in pika's asynchronous publisher example).

Outcomes: CONFIRMED (the broker took responsibility for it), UNROUTABLE (published `mandatory`
and no queue was bound: RabbitMQ returns it, then confirms it), NACKED (the broker refused it).
A message whose outcome never came (lost connection, timeout) gets no callback: the caller
treats it as not sent.
"""

import logging
import time
from collections.abc import Callable

import pika
from pika.adapters.select_connection import IOLoop
from pika.exceptions import AMQPConnectionError, AMQPError

from servicekit import broker

CONFIRMED = "confirmed"
UNROUTABLE = "unroutable"
NACKED = "nacked"

OutcomeCallback = Callable[[str], None]


class ConfirmTimeout(AMQPConnectionError):
    """The broker did not answer in time; the connection is given up and rebuilt."""


class ConfirmingPublisher:
    def __init__(
        self,
        amqp_url: str,
        exchange: str,
        *,
        heartbeat: int = 30,
        name: str = "",
        keep_unrouted: bool = False,
    ):
        self.exchange = exchange
        self._declarations = broker.declaration_steps(exchange, keep_unrouted)
        self._parameters = broker.parameters(amqp_url, heartbeat=heartbeat, name=name)
        self._connection: pika.SelectConnection | None = None
        self._channel = None
        self._ready = False
        self._failure: AMQPError | None = None
        self._next_tag = 1
        self._waiting: dict[int, tuple[str, OutcomeCallback]] = {}  # tag -> (message id, cb)
        self._returned: set[str] = set()

    @property
    def is_open(self) -> bool:
        return self._ready and self._failure is None

    @property
    def unconfirmed(self) -> int:
        return len(self._waiting)

    def open(self, timeout: float = 30) -> None:
        """Connect, open a confirming channel and declare the exchange; raises AMQPError."""
        logging.getLogger("pika.adapters").setLevel(logging.CRITICAL)  # we log one line per failure
        # Driven by poll() from this thread, as pika's BlockingConnection drives its own loop.
        ioloop = IOLoop()
        ioloop.activate_poller()
        self._connection = pika.SelectConnection(
            self._parameters,
            on_open_callback=lambda conn: conn.channel(on_open_callback=self._on_channel),
            on_open_error_callback=self._on_connection_failed,
            on_close_callback=self._on_connection_failed,
            custom_ioloop=ioloop,
        )
        self.wait(lambda: self._ready, timeout)

    def publish(
        self, routing_key: str, body: bytes, properties: pika.BasicProperties, on_outcome
    ) -> None:
        """Send `mandatory` without waiting; `on_outcome(outcome)` runs inside a later wait()."""
        if not self.is_open:
            raise self._failure or AMQPConnectionError("publisher is not open")
        self._channel.basic_publish(
            self.exchange, routing_key, body, properties=properties, mandatory=True
        )
        self._waiting[self._next_tag] = (properties.message_id, on_outcome)
        self._next_tag += 1

    def wait(self, done: Callable[[], bool], timeout: float) -> None:
        """Run the I/O loop until done(); raises the connection's error or ConfirmTimeout."""
        ioloop = self._connection.ioloop
        deadline = time.monotonic() + timeout
        wake_up = ioloop.call_later(timeout, lambda: None)  # poll() returns by the deadline
        try:
            while not done():
                if self._failure is not None:
                    raise self._failure
                if time.monotonic() >= deadline:
                    self._failure = ConfirmTimeout(f"no answer from the broker in {timeout} s")
                    raise self._failure
                ioloop.poll()
                ioloop.process_timeouts()
        finally:
            ioloop.remove_timeout(wake_up)

    def service(self) -> None:
        """Handle what arrived (heartbeats, late confirms) without blocking."""
        polled = []
        self._connection.ioloop.call_later(0, lambda: polled.append(True))
        self.wait(lambda: bool(polled), timeout=5)

    def close(self) -> None:
        """Close the connection (or what is left of it) and release the I/O loop's sockets."""
        connection, self._connection, self._ready = self._connection, None, False
        if connection is None:
            return
        try:
            if not (connection.is_closed or connection.is_closing):
                connection.close()
            deadline = time.monotonic() + 5
            while not connection.is_closed and time.monotonic() < deadline:
                connection.ioloop.poll()
                connection.ioloop.process_timeouts()
        except AMQPError:
            pass
        connection.ioloop.close()

    def _on_channel(self, channel) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(
            self._on_confirm, callback=lambda _frame: self._declare(self._declarations)
        )

    def _declare(self, steps: list[tuple[str, dict]]) -> None:
        if not steps:
            self._ready = True
            return
        method, kwargs = steps[0]
        getattr(self._channel, method)(**kwargs, callback=lambda _frame: self._declare(steps[1:]))

    def _on_connection_failed(self, _connection, error: BaseException) -> None:
        if self._failure is None:
            self._failure = _reason(error)

    def _on_channel_closed(self, _channel, error: BaseException) -> None:
        self._on_connection_failed(None, error)
        if self._connection is not None and self._connection.is_open:
            self._connection.close()

    def _on_return(self, _channel, _method, properties, _body) -> None:
        # RabbitMQ sends basic.return before the basic.ack of the same message.
        self._returned.add(properties.message_id)

    def _on_confirm(self, frame) -> None:
        method = frame.method
        acked = isinstance(method, pika.spec.Basic.Ack)
        tags = (
            [t for t in self._waiting if t <= method.delivery_tag]
            if method.multiple
            else [method.delivery_tag]
        )
        for tag in tags:
            message_id, on_outcome = self._waiting.pop(tag, (None, None))
            if on_outcome is None:
                continue
            if not acked:
                on_outcome(NACKED)
            elif message_id in self._returned:
                self._returned.discard(message_id)
                on_outcome(UNROUTABLE)
            else:
                on_outcome(CONFIRMED)


def _reason(error: BaseException) -> AMQPError:
    """The cause worth logging: pika wraps a failed connect in workflow and phase errors."""
    while True:
        if getattr(error, "exceptions", None):
            error = error.exceptions[-1]
        elif isinstance(getattr(error, "exception", None), BaseException):
            error = error.exception
        elif error.args and isinstance(error.args[0], BaseException):
            error = error.args[0]
        else:
            break
    if isinstance(error, AMQPError) and str(error):
        return error
    return AMQPConnectionError(f"cannot reach the broker: {error!r}")
