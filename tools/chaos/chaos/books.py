"""What the ledger reads besides the answers: a tap on the exchange (what the relays really
published) and a log of the settings consumer's committed applications (what it really applied)."""

import pika
import psycopg
from servicekit.events import harness, topology

TAP = "chaos.tap"

# Every committed inbox row, with its transaction: an event applied in two transactions shows
# up twice here even if a later bug let it through the inbox's key.
APPLIED_LOG = """
CREATE TABLE IF NOT EXISTS chaos_applied (
    event_id uuid, event_type text, txid bigint NOT NULL DEFAULT txid_current());
CREATE OR REPLACE FUNCTION chaos_applied() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    INSERT INTO chaos_applied (event_id, event_type) VALUES (NEW.event_id, NEW.event_type);
    RETURN NULL; END $$;
DROP TRIGGER IF EXISTS chaos_applied ON inbox;
CREATE TRIGGER chaos_applied AFTER INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION chaos_applied();
"""


def open_tap(amqp_url: str, exchange: str) -> None:
    """The tap, opened once the platform's own queues exist: a message the tap alone took would
    count as routed, and the relays keep an unroutable one for later, which must stay so."""
    harness.open_tap(amqp_url, exchange, TAP)


def drain_tap(amqp_url: str) -> list[str]:
    """The message id of every message the relays published since the tap opened."""
    return harness.tapped_ids(amqp_url, TAP)


def _declared(amqp_url: str, queue: str):
    """The broker's answer to a passive declare of the queue, or None when it does not exist."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method
    except pika.exceptions.ChannelClosedByBroker:
        return None
    finally:
        if connection.is_open:
            connection.close()


def consumers_on(amqp_url: str, queue: str) -> int:
    declared = _declared(amqp_url, queue)
    return declared.consumer_count if declared else 0


def dead_letters(amqp_url: str, queue: str) -> int:
    declared = _declared(amqp_url, topology.dead_letter_queue(queue))
    return declared.message_count if declared else 0


def log_applications(settings_url: str) -> None:
    with psycopg.connect(settings_url, autocommit=True) as conn:
        conn.execute(APPLIED_LOG)
