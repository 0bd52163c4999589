"""Which rows of a claimed batch may be published now, so that confirms overlap and order holds.

A partition's rows go out in seq order on one channel, which RabbitMQ keeps in order; a row is
sent while earlier rows of its partition still await their confirms, except when an earlier
row of the same partition and type is still unconfirmed. That one could yet be refused
(unroutable, nacked): the rows of its type behind it must then stay pending instead of reaching
a queue before it, exactly as when every row waited for its own confirm. So up to one row per
(partition, type) is in flight, and as many partitions and types as the batch holds at once.
"""

from collections import defaultdict, deque

from servicekit.events.pending import PendingEvent


class SendOrder:
    def __init__(self, events: list[PendingEvent]):
        self._queued: dict[str, deque[PendingEvent]] = defaultdict(deque)
        for event in sorted(events, key=lambda e: e.seq):
            self._queued[event.partition_key].append(event)
        self._in_flight: dict[str, set[str]] = defaultdict(set)  # partition -> types
        self._held_back: set[tuple[str, str]] = set()

    def ready(self, partition: str | None = None) -> list[PendingEvent]:
        """Rows that may be published now (of one partition, or of all), in send order."""
        partitions = [partition] if partition is not None else list(self._queued)
        released = []
        for key in partitions:
            queued, in_flight = self._queued.get(key), self._in_flight[key]
            while queued:
                event = queued[0]
                if (key, event.type) in self._held_back:
                    queued.popleft()  # stays pending behind its refused predecessor
                elif event.type in in_flight:
                    break  # nothing of this partition may pass it
                else:
                    queued.popleft()
                    in_flight.add(event.type)
                    released.append(event)
        return released

    def settled(self, event: PendingEvent, *, refused: bool) -> list[PendingEvent]:
        """Record the broker's answer for a released row; returns the rows it frees."""
        self._in_flight[event.partition_key].discard(event.type)
        if refused:
            self._held_back.add((event.partition_key, event.type))
        return self.ready(event.partition_key)

    def finished(self) -> bool:
        return not any(self._queued.values()) and not any(self._in_flight.values())
