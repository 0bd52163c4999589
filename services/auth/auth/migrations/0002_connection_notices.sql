-- Which organisations' Fortnox connection needs the customer ("Ny Token"), fed by the tokens
-- service's token.attention_needed / token.attention_cleared events, and the mails sent about it
-- to the organisation's administrators (domain/notices.py has the rules).
CREATE TABLE connection_notices (
    org_id         text PRIMARY KEY,
    reason         text,                  -- NULL: nothing to do
    reason_code    text,                  -- the tokens service's code, e.g. consent_withdrawn
    needed_since   timestamptz,           -- when this need began; NULL when nothing to do
    last_event_at  timestamptz NOT NULL,  -- the newest event applied; older ones are ignored
    rounds         integer NOT NULL DEFAULT 0,  -- mail rounds since needed_since
    mails_sent     integer NOT NULL DEFAULT 0,  -- e-mails of those rounds, all administrators
    last_mail_at   timestamptz,           -- the latest round, whatever need it was about
    next_mail_at   timestamptz,           -- the next round due; NULL: none
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connection_notices_due ON connection_notices (next_mail_at)
    WHERE next_mail_at IS NOT NULL;
