-- The auth service's tables: organisations, users, memberships, apps, sessions, one-time tokens,
-- log-in throttling and the mail outbox. Secrets (session ids, one-time tokens) are stored hashed.

CREATE TABLE organisations (
    id               uuid PRIMARY KEY,
    name             text NOT NULL,
    org_number       text NOT NULL UNIQUE,
    customer_number  text NOT NULL UNIQUE,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- New customers get the next free customer number; the existing ones (such as 900232) are below.
CREATE SEQUENCE customer_numbers START 910001;

CREATE TABLE users (
    id                 uuid PRIMARY KEY,
    username           text UNIQUE,
    email              text NOT NULL,
    name               text NOT NULL,
    password_hash      text,
    email_verified_at  timestamptz,
    disabled_at        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- One organisation per user for now; the primary key allows more later.
CREATE TABLE memberships (
    org_id      uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('administrator', 'user')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, user_id)
);
CREATE UNIQUE INDEX memberships_one_org_per_user ON memberships (user_id);

CREATE TABLE apps (
    key       text PRIMARY KEY,
    name      text NOT NULL,
    url       text NOT NULL,
    position  integer NOT NULL
);
INSERT INTO apps (key, name, url, position) VALUES
    ('aspia-ica', 'Aspia ICA', '/appar/aspia-ica/', 1),
    ('pm-sync', 'PM Sync', '/appar/pm-sync/', 2),
    ('resultat-finans', 'Resultat Finans', '/resultat-finans/', 3);

CREATE TABLE organisation_apps (
    org_id   uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    app_key  text NOT NULL REFERENCES apps (key),
    PRIMARY KEY (org_id, app_key)
);

CREATE TABLE sessions (
    id_hash       bytea PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
    token_hash  bytea PRIMARY KEY,
    purpose     text NOT NULL CHECK (purpose IN ('reset', 'verify', 'invite')),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

-- One row per counted attempt (failed log-in, reset request...) under a key such as
-- 'login-account:900232' or 'login-address:203.0.113.9'; rows older than a day are pruned.
CREATE TABLE throttle_events (
    id   bigserial PRIMARY KEY,
    key  text NOT NULL,
    at   timestamptz NOT NULL
);
CREATE INDEX throttle_events_key_at ON throttle_events (key, at);

-- Mail waits here until the mail worker has handed it to SMTP; the body (it may carry a link
-- with a one-time token) is erased once sent.
CREATE TABLE mail_outbox (
    id               uuid PRIMARY KEY,
    recipient        text NOT NULL,
    subject          text NOT NULL,
    body             text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text,
    sent_at          timestamptz
);
CREATE INDEX mail_outbox_pending ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
