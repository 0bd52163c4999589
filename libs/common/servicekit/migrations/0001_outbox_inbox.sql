-- Transactional outbox: written in the same transaction as the state change, sent by the relay.
CREATE TABLE outbox (
    seq            bigserial PRIMARY KEY,
    id             uuid NOT NULL UNIQUE,
    type           text NOT NULL,
    version        integer NOT NULL,
    org_id         text,
    correlation_id text NOT NULL DEFAULT '',
    occurred_at    timestamptz NOT NULL,
    envelope       jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz,
    attempts       integer NOT NULL DEFAULT 0,
    last_error     text
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL;

-- Inbox: ids of events a consumer has applied, written in the same transaction as the effect.
CREATE TABLE inbox (
    consumer    text NOT NULL,
    event_id    uuid NOT NULL,
    event_type  text NOT NULL,
    handled_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
