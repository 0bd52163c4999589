-- The organisation's own number, kept with the OAuth state: on a first connection, Fortnox's
-- OrganizationNumber must match it (NULL: the caller did not say, nothing to compare).
ALTER TABLE oauth_states ADD COLUMN organisation_number text;
