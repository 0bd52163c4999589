"""The relay's SQL over the outbox: claim partitions, read their oldest rows, mark the outcome.

Order is kept per partition (the organisation): a relay only sends a partition's oldest pending
rows, and only while it holds that partition's transaction-level advisory lock, so two relays
never send one partition at the same time and never a row twice concurrently.

A refused row (unroutable: no queue is bound for its type) waits with backoff, and so do the
later rows of the same partition and type. Other types of the partition go on: no queue
receives the refused type, so no consumer sees the order change, and one event type nobody
consumes yet does not stop an organisation's other events.
"""

from dataclasses import dataclass

import psycopg

# Key space of the two-key advisory locks; the second key is the partition's hash.
_LOCK_SPACE = 727_201_002

# Rows that may be sent now: pending, and not at or after a refused row of their partition and
# type that is still in backoff.
_SENDABLE = """
blocked AS MATERIALIZED (
    SELECT partition_key, type, min(seq) AS from_seq FROM outbox
    WHERE sent_at IS NULL AND next_attempt_at > now() GROUP BY partition_key, type
), sendable AS (
    SELECT o.* FROM outbox o
    LEFT JOIN blocked b ON b.partition_key = o.partition_key AND b.type = o.type
    WHERE o.sent_at IS NULL AND (b.from_seq IS NULL OR o.seq < b.from_seq)
)"""

# The candidate list (partitions by their oldest sendable row) is materialised and ordered,
# then locks are tried row by row until enough partitions are held, so concurrent relays
# spread over the partitions.
_CLAIM = f"""
WITH {_SENDABLE}, candidates AS MATERIALIZED (
    SELECT partition_key, min(seq) AS first_seq FROM sendable
    GROUP BY partition_key ORDER BY first_seq LIMIT %(candidates)s
)
SELECT partition_key FROM candidates
WHERE pg_try_advisory_xact_lock(%(space)s, hashtext(partition_key))
LIMIT %(partitions)s
"""

_ROWS = f"""
WITH {_SENDABLE}
SELECT seq, id, type, version, partition_key, correlation_id, envelope, attempts
FROM sendable WHERE partition_key = ANY(%(keys)s) ORDER BY seq LIMIT %(limit)s
"""


@dataclass(frozen=True)
class PendingEvent:
    seq: int
    id: str
    type: str
    version: int
    partition_key: str
    correlation_id: str
    envelope: dict
    attempts: int


def claim(conn: psycopg.Connection, *, partitions: int, batch_size: int) -> list[PendingEvent]:
    """Lock up to `partitions` due partitions for this transaction and read their oldest rows."""
    keys = [
        r[0]
        for r in conn.execute(
            _CLAIM, {"candidates": partitions * 4, "space": _LOCK_SPACE, "partitions": partitions}
        )
    ]
    if not keys:
        return []
    return [
        PendingEvent(
            seq=r[0],
            id=str(r[1]),
            type=r[2],
            version=r[3],
            partition_key=r[4],
            correlation_id=r[5],
            envelope=r[6],
            attempts=r[7],
        )
        for r in conn.execute(_ROWS, {"keys": keys, "limit": batch_size})
    ]


def mark_sent(conn: psycopg.Connection, seqs: list[int]) -> None:
    if seqs:
        conn.execute(
            "UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL,"
            " next_attempt_at = NULL WHERE seq = ANY(%s)",
            (seqs,),
        )


def mark_failed(conn: psycopg.Connection, seq: int, error: str, retry_in: float) -> None:
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = %s,"
        " next_attempt_at = now() + %s * interval '1 second' WHERE seq = %s",
        (error[:1000], retry_in, seq),
    )


def backlog(conn: psycopg.Connection) -> tuple[int, float]:
    """Pending rows and the age in seconds of the oldest one (0 when none)."""
    count, age = conn.execute(
        "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)"
        " FROM outbox WHERE sent_at IS NULL"
    ).fetchone()
    return count, float(age)


def purge_sent(conn: psycopg.Connection, older_than_days: float) -> int:
    """Forget rows sent long ago; the inboxes of consumers dedupe on ids, not on this table."""
    return conn.execute(
        "DELETE FROM outbox WHERE sent_at < now() - %s * interval '1 day'", (older_than_days,)
    ).rowcount
