-- Invitations in a table of their own: one is pending until it is accepted, declined, withdrawn
-- or expires, whether or not its address already has an account, so the list an administrator
-- sees does not tell which addresses are customers (before, only an address without an account
-- got a user row, listed as invited). Accepting creates the account, or moves an existing one.
CREATE TABLE invitations (
    id          uuid PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email       text NOT NULL,
    name        text NOT NULL,
    invited_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    outcome     text CHECK (outcome IN ('accepted', 'declined', 'withdrawn')),
    CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX invitations_open ON invitations (org_id, lower(email)) WHERE outcome IS NULL;

-- The invitations of before: a user row without a password, never verified. Each becomes an
-- invitation with its latest link (an open one keeps working), and the placeholder user goes, so
-- no old invitation is listed as a member. One without any link gets a hash no token matches.
INSERT INTO invitations (id, org_id, email, name, token_hash, created_at, expires_at)
SELECT DISTINCT ON (u.id) u.id, m.org_id, u.email, u.name,
       COALESCE(t.token_hash, decode(md5(random()::text || u.id::text), 'hex')),
       COALESCE(t.created_at, u.created_at), COALESCE(t.expires_at, u.created_at)
FROM users u
JOIN memberships m ON m.user_id = u.id
LEFT JOIN one_time_tokens t ON t.user_id = u.id AND t.purpose = 'invite' AND t.used_at IS NULL
WHERE u.password_hash IS NULL AND u.email_verified_at IS NULL
ORDER BY u.id, t.created_at DESC NULLS LAST;

DELETE FROM users u
WHERE u.password_hash IS NULL AND u.email_verified_at IS NULL
  AND EXISTS (SELECT 1 FROM invitations i WHERE i.id = u.id);
