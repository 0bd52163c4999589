"""`make chaos`: the whole local run on a PostgreSQL, a RabbitMQ node and an SMTP sink of its own,
steady traffic, one fault after another, and a ledger of what was answered, stored, sent and lost."""
