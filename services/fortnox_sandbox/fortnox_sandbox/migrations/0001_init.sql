-- The Fortnox sandbox's state. Every secret token is stored as its SHA-256 hash, like a real
-- authorization server would; only the caller ever sees the token itself.

CREATE TABLE sandbox_secrets (
    name text PRIMARY KEY,              -- 'jwt-hs256', 'session-key'
    kid text NOT NULL,
    value bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE tenant_numbers START 1000001;

CREATE TABLE tenants (
    id bigint PRIMARY KEY,              -- Fortnox's tenant id = DatabaseNumber
    company_name text NOT NULL,
    organization_number text NOT NULL,
    address text NOT NULL DEFAULT '',
    zip_code text NOT NULL DEFAULT '',
    city text NOT NULL DEFAULT '',
    country_code text NOT NULL DEFAULT 'SE',
    licensed boolean NOT NULL DEFAULT true,          -- false: migrate answers 403
    migrate_fails boolean NOT NULL DEFAULT false,    -- true: migrate answers 400
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id bigserial PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    username text NOT NULL UNIQUE,      -- 'kaisa@900232'
    full_name text NOT NULL,
    password_hash text NOT NULL,
    system_admin boolean NOT NULL DEFAULT false
);

CREATE TABLE legacy_tokens (
    token_hash text PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    client_id text NOT NULL,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX legacy_tokens_tenant ON legacy_tokens (tenant_id);

-- One authorize request from GET /oauth-v1/auth until approval or refusal.
CREATE TABLE auth_requests (
    id text PRIMARY KEY,
    client_id text NOT NULL,
    redirect_uri text NOT NULL,
    scopes text[] NOT NULL,
    state text NOT NULL DEFAULT '',
    account_type text NOT NULL DEFAULT '',
    user_id bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

CREATE TABLE auth_codes (
    code_hash text PRIMARY KEY,
    client_id text NOT NULL,
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    user_id bigint REFERENCES users (id),
    redirect_uri text NOT NULL,
    scopes text[] NOT NULL,
    account_type text NOT NULL DEFAULT '',
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX auth_codes_tenant ON auth_codes (tenant_id);

-- Service-account consents: client credentials work while one is active.
CREATE TABLE consents (
    id bigserial PRIMARY KEY,
    client_id text NOT NULL,
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE UNIQUE INDEX consents_active ON consents (client_id, tenant_id) WHERE revoked_at IS NULL;

-- A grant: everything one authorization (code, migration) led to; revoking it ends all of it.
CREATE TABLE grants (
    id uuid PRIMARY KEY,
    client_id text NOT NULL,
    tenant_id bigint NOT NULL REFERENCES tenants (id),
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX grants_tenant ON grants (tenant_id);

CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,
    grant_id uuid NOT NULL REFERENCES grants (id),
    tenant_id bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_tenant ON refresh_tokens (tenant_id);

CREATE TABLE access_tokens (
    jti uuid PRIMARY KEY,
    grant_id uuid REFERENCES grants (id),       -- NULL for client credentials
    consent_id bigint REFERENCES consents (id), -- set for client credentials
    client_id text NOT NULL,
    tenant_id bigint NOT NULL,
    scopes text[] NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX access_tokens_tenant ON access_tokens (tenant_id);
CREATE INDEX access_tokens_grant ON access_tokens (grant_id);

-- Sliding-window rate limit, shared by every gunicorn worker.
CREATE TABLE rate_hits (
    client_id text NOT NULL,
    tenant_id bigint NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rate_hits_key ON rate_hits (client_id, tenant_id, at);

-- Test control: injected faults and counters.
CREATE TABLE faults (
    id bigserial PRIMARY KEY,
    endpoint text NOT NULL,             -- auth, token, migrate, revoke, companyinformation
    status integer,                     -- 500, 503, 429; NULL with hang_seconds
    retry_after integer,
    hang_seconds double precision,
    remaining integer NOT NULL CHECK (remaining >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX faults_pending ON faults (endpoint, id) WHERE remaining > 0;

CREATE TABLE counters (
    name text NOT NULL,
    label text NOT NULL DEFAULT '',
    tenant_id bigint NOT NULL DEFAULT 0,  -- 0: not known (e.g. an unknown refresh token)
    value bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (name, label, tenant_id)
);

CREATE TABLE extra_redirect_uris (
    uri text PRIMARY KEY
);
