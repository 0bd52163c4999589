"""Events: the envelope, the transactional outbox and its relay, the idempotent consumer."""
