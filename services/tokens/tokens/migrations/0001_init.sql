-- One Fortnox connection per organisation. Token columns hold ciphertext only:
-- "<key id>:<base64(nonce || AES-GCM ciphertext)>", bound to (org id, column) by associated data.
CREATE TABLE connections (
    org_id                 text PRIMARY KEY,
    kind                   text NOT NULL CHECK (kind IN ('legacy', 'oauth', 'service')),
    state                  text NOT NULL
                           CHECK (state IN ('connected', 'needs_reauthorization', 'revoked')),
    health                 text NOT NULL
                           CHECK (health IN ('ok', 'refreshing', 'degraded', 'needs_reauthorization')),
    access_token           text,
    refresh_token          text,
    legacy_token           text,
    access_expires_at      timestamptz,
    refresh_issued_at      timestamptz,
    scopes                 text NOT NULL DEFAULT '',
    tenant_id              text,
    company_name           text,
    organisation_number    text,
    database_number        text,
    company_version        bigint NOT NULL DEFAULT 0,
    company_observed_at    timestamptz,
    last_refresh_at        timestamptz,
    last_failure_at        timestamptz,
    last_failure_reason    text,
    reauthorization_reason text,
    failures               integer NOT NULL DEFAULT 0,
    cooldown_until         timestamptz,
    -- set (and committed) before a token call to Fortnox, cleared with its answer: a value left
    -- behind means a process died mid-call and the next one must treat the tokens with care
    refresh_started_at     timestamptz,
    migration_state        text CHECK (migration_state IN ('in_progress', 'migrated', 'failed')),
    -- a replaced token still to be revoked at Fortnox (retried by the refresher)
    revoke_pending_token   text,
    revoke_pending_hint    text,
    keepalive_at           timestamptz,
    last_used_at           timestamptz,
    claimed_until          timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connections_keepalive ON connections (keepalive_at) WHERE state = 'connected';
CREATE INDEX connections_hot ON connections (access_expires_at)
    WHERE state = 'connected' AND last_used_at IS NOT NULL;
CREATE INDEX connections_legacy ON connections (org_id) WHERE kind = 'legacy' AND state = 'connected';
CREATE INDEX connections_revoke_pending ON connections (org_id) WHERE revoke_pending_token IS NOT NULL;

-- OAuth `state` values: only their SHA-256 is kept, single use, bound to org, user and session.
CREATE TABLE oauth_states (
    state_hash   bytea PRIMARY KEY,
    org_id       text NOT NULL,
    user_id      text NOT NULL,
    session_hash bytea NOT NULL,
    account_type text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);

-- Every lifecycle step: who, when, what, outcome. Never a token.
CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    org_id  text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text NOT NULL,
    action  text NOT NULL,
    outcome text NOT NULL,
    detail  jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
