-- What the probe consumer of the event bus tests records: one row per application of an event.
-- No unique key on purpose: a second application of one event must stay visible as a duplicate.
CREATE TABLE probe_applied (
    n            bigserial PRIMARY KEY,
    event_id     uuid NOT NULL,
    org_id       text,
    seq          integer NOT NULL,
    occurred_at  timestamptz NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
