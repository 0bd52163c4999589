-- An operator's decision to migrate a legacy connection through Fortnox's /oauth-v1/migrate
-- (`schedule-migration`): the migrator takes it from this time on. NULL: not scheduled, the
-- customer upgrades with "Ny Token" whenever they like. A save that leaves the connection anything
-- but a connected legacy one clears it (adapters/repository.py), so an upgrade ends the schedule.
ALTER TABLE connections ADD COLUMN migration_not_before timestamptz;
CREATE INDEX connections_migration_due ON connections (migration_not_before)
    WHERE kind = 'legacy' AND state = 'connected' AND migration_not_before IS NOT NULL;
