-- Each of auth's action assertions is good for one action: the service that does the action
-- records its jti here until the assertion could no longer be verified, and refuses it again.
CREATE TABLE used_assertions (
    jti text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX used_assertions_expiry ON used_assertions (expires_at);
