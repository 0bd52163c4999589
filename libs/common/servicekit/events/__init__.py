"""Events: the envelope, the transactional outbox and its relay, the idempotent consumer.

Publishing (any service), inside the transaction that changes the state:

    from servicekit.events.outbox import publish
    publish(conn, "token.upgraded", org_id, {...})     # sent by the relay only if this commits

The relay (`python -m <service>.entrypoints.relay`, see relay.py) sends pending outbox rows to
EVENTS_EXCHANGE with routing key = event type, in order per organisation, at least once.

Consuming (a worker process of the consuming service):

    from servicekit.events.consumer import Consumer, run_consumer
    run_consumer(Consumer(
        "settings", "company-info", config["DATABASE_URL"], config["AMQP_URL"],
        config["EVENTS_EXCHANGE"], bindings=["token.*", "company.*"],
        handlers={"company.updated": apply_company, ("token.upgraded", 1): apply_token},
    ))

A handler is `fn(conn, envelope)`: it runs in the transaction that also records the event id in
the inbox, so a redelivery has no second effect; it must not commit itself. The envelope is
parsed: `id` a UUID, `occurred_at` a datetime, `data` loaded by the contract schema. Events
arrive at least once and per organisation in order, except after a handler failure (requeue):
compare `occurred_at` (or a version in `data`) before letting an event overwrite newer state.
Queue `<service>.<name>`, dead letters in `<service>.<name>.dlq`; dlq.py inspects and replays,
and operators run `python -m servicekit.events.dlq list|peek|replay --service S --queue NAME`.
Tests run relays and consumers with harness.py, and check what a service published against the
documented schemas with servicekit.contracts.conformance (docs/events is generated from contracts).
"""
