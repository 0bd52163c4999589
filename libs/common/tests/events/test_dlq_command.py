"""The operators' dead-letter command against the real broker: list, peek, replay, clear errors."""

import os
import subprocess
import sys
import uuid
from types import SimpleNamespace

import pika
import pytest
from servicekit.events import dlq, topology
from servicekit.events.dlq_command import main
from servicekit.events.harness import dead_letter, delete_queues, wait_for
from servicekit.events.probes import probe_envelope


@pytest.fixture
def dead_letters(amqp_url, exchange_name):
    """A `settings` consumer queue of the test's own whose DLQ holds two events a handler
    gave up on (delivery limit) and one unreadable message."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    queue = topology.queue_name("settings", name)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    failed = [probe_envelope(1), probe_envelope(2)]
    dead_letter(channel, exchange_name, queue, failed)
    channel.basic_publish(
        topology.dead_letter_exchange(exchange_name),
        topology.dead_letter_queue(queue),
        b"{not json",
        pika.BasicProperties(
            message_id="garbled-1",
            delivery_mode=2,
            headers={
                topology.REASON_HEADER: "not JSON: Expecting property name",
                topology.ORIGINAL_ROUTING_KEY_HEADER: "probe.recorded",
            },
        ),
        mandatory=True,
    )
    connection.close()
    wait_for(lambda: dlq.count(amqp_url, queue) == 3, what="three dead letters")
    yield SimpleNamespace(name=name, queue=queue, failed=failed)
    delete_queues(amqp_url, exchange_name, queue)


def run(amqp_url, exchange_name, *args: str) -> int:
    return main([*args, "--amqp-url", amqp_url, "--exchange", exchange_name])


def queue_depth(amqp_url: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()


def test_list_shows_each_dead_letter_with_its_reason_and_leaves_them(
    amqp_url, exchange_name, dead_letters, capsys
):
    assert (
        run(amqp_url, exchange_name, "list", "--service", "settings", "--queue", dead_letters.name)
        == 0
    )
    out = capsys.readouterr().out
    assert f"{dead_letters.queue}.dlq: 3 dead letter(s), showing 3" in out
    for event in dead_letters.failed:
        assert event["id"] in out
    assert "probe.recorded v1" in out and "delivery_limit" in out
    assert "garbled-1" in out and "not JSON: Expecting property name" in out
    assert dlq.count(amqp_url, dead_letters.queue) == 3


def test_peek_by_id_shows_that_letter_whole_and_leaves_it(
    amqp_url, exchange_name, dead_letters, capsys
):
    wanted = dead_letters.failed[1]
    argv = ["peek", "--service", "settings", "--queue", dead_letters.queue, "--id", wanted["id"]]
    assert run(amqp_url, exchange_name, *argv) == 0
    out = capsys.readouterr().out
    assert f"event id     {wanted['id']}" in out
    assert "reason       delivery_limit" in out
    assert f"delivery_limit from {dead_letters.queue}" in out
    assert '"seq": 2' in out and dead_letters.failed[0]["id"] not in out
    assert dlq.count(amqp_url, dead_letters.queue) == 3


def test_replay_by_id_sends_only_that_event_back_to_its_consumer(
    amqp_url, exchange_name, dead_letters, capsys
):
    wanted = dead_letters.failed[0]
    argv = ["replay", "--service", "settings", "--queue", dead_letters.name, "--id", wanted["id"]]
    assert run(amqp_url, exchange_name, *argv) == 0
    out = capsys.readouterr().out
    assert f"replayed {wanted['id']} probe.recorded" in out
    assert f"1 of 3 dead letter(s) replayed from {dead_letters.queue}.dlq to {exchange_name}" in out
    assert dlq.count(amqp_url, dead_letters.queue) == 2
    assert queue_depth(amqp_url, dead_letters.queue) == 1


def test_replay_with_a_limit_replays_that_many(amqp_url, exchange_name, dead_letters, capsys):
    argv = ["replay", "--service", "settings", "--queue", dead_letters.name, "--limit", "2"]
    assert run(amqp_url, exchange_name, *argv) == 0
    assert "2 of 3 dead letter(s) replayed" in capsys.readouterr().out
    assert dlq.count(amqp_url, dead_letters.queue) == 1


def test_an_unknown_event_id_fails_and_replays_nothing(
    amqp_url, exchange_name, dead_letters, capsys
):
    missing = str(uuid.uuid4())
    for command in ("peek", "replay"):
        argv = [command, "--service", "settings", "--queue", dead_letters.name, "--id", missing]
        assert run(amqp_url, exchange_name, *argv) == 1
        assert f"error: not in {dead_letters.queue}.dlq: {missing}" in capsys.readouterr().err
    assert dlq.count(amqp_url, dead_letters.queue) == 3


def test_a_replay_nobody_would_receive_is_refused_and_the_letter_stays(
    amqp_url, exchange_name, dead_letters, capsys
):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    connection.channel().queue_unbind(dead_letters.queue, exchange_name, routing_key="probe.*")
    connection.close()
    argv = ["replay", "--service", "settings", "--queue", dead_letters.name]
    assert run(amqp_url, exchange_name, *argv) == 1
    assert "it stays in the dead-letter queue. Replayed 0." in capsys.readouterr().err
    assert dlq.count(amqp_url, dead_letters.queue) == 3


def test_a_queue_without_dead_letters_queue_is_a_clear_error(amqp_url, exchange_name, capsys):
    argv = ["list", "--service", "tokens", "--queue", f"no-such-{uuid.uuid4().hex[:6]}"]
    assert run(amqp_url, exchange_name, *argv) == 1
    assert "error: no dead-letter queue tokens.no-such-" in capsys.readouterr().err


def test_an_unreachable_broker_is_a_clear_error_without_the_password(exchange_name, capsys):
    url = "amqp://operator:s3cret@127.0.0.1:1/%2F"
    assert run(url, exchange_name, "list", "--service", "auth", "--queue", "mail") == 1
    err = capsys.readouterr().err
    assert "error: RabbitMQ at amqp://operator:***@127.0.0.1:1/%2F failed" in err
    assert "s3cret" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--service", "billing", "--queue", "x"],
        ["purge", "--service", "auth", "--queue", "x"],
        ["list", "--service", "auth"],
        ["list", "--service", "auth", "--queue", "x", "--limit", "0"],
    ],
    ids=["unknown service", "unknown command", "no queue", "zero limit"],
)
def test_bad_usage_exits_2_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_the_command_runs_as_a_module(amqp_url, exchange_name, dead_letters):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "servicekit.events.dlq",
            "list",
            "--service",
            "settings",
            "--queue",
            dead_letters.name,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "AMQP_URL": amqp_url, "EVENTS_EXCHANGE": exchange_name},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "3 dead letter(s), showing 3" in result.stdout
