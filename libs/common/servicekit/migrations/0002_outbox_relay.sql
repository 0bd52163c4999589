-- What the relay needs: per-organisation ordering, retry backoff and a wake-up on new rows.

-- An event without an organisation belongs to the '' partition; the relay keeps order per partition.
ALTER TABLE outbox ADD COLUMN partition_key text GENERATED ALWAYS AS (coalesce(org_id, '')) STORED;
-- When a failed (e.g. unroutable) head row of a partition may be tried again.
ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz;
CREATE INDEX outbox_pending_by_partition ON outbox (partition_key, seq) WHERE sent_at IS NULL;

-- One notification per inserting statement wakes the relays at once instead of at the next poll.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox_pending', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Refused rows in backoff are few; the relay looks them up on every batch.
CREATE INDEX outbox_backoff ON outbox (next_attempt_at) WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL;
