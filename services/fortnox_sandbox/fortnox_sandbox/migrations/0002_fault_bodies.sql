-- Faults answer any of Fortnox's shapes (and a proxy's): `body` says which, `error` carries the
-- OAuth error or the ErrorInformation code. '' keeps the endpoint's own shape.
ALTER TABLE faults ADD COLUMN body text NOT NULL DEFAULT '';
ALTER TABLE faults ADD COLUMN error text NOT NULL DEFAULT '';
