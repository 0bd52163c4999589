"""The operators' dead-letter command against the real broker: list, peek, replay, clear errors."""

import os
import subprocess
import sys
import uuid
from types import SimpleNamespace

import pika
import pytest
from click.testing import CliRunner, Result
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


def run(amqp_url, exchange_name, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--amqp-url", amqp_url, "--exchange", exchange_name])


def queue_depth(amqp_url: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()


def _on(dead_letters, command: str, *args: str) -> list[str]:
    return [command, "--service", "settings", "--queue", dead_letters.name, *args]


def test_list_shows_each_dead_letter_with_its_reason_and_leaves_them(
    amqp_url, exchange_name, dead_letters
):
    listed = run(amqp_url, exchange_name, *_on(dead_letters, "list"))
    assert listed.exit_code == 0
    out = listed.stdout
    assert f"{dead_letters.queue}.dlq: 3 dead letter(s), showing 3" in out
    for event in dead_letters.failed:
        assert event["id"] in out
    assert "probe.recorded v1" in out and "delivery_limit" in out
    assert "garbled-1" in out and "not JSON: Expecting property name" in out
    assert dlq.count(amqp_url, dead_letters.queue) == 3


def test_peek_by_id_shows_that_letter_whole_and_leaves_it(amqp_url, exchange_name, dead_letters):
    wanted = dead_letters.failed[1]
    # the whole queue name works as well as the consumer's
    argv = ["peek", "--service", "settings", "--queue", dead_letters.queue, "--id", wanted["id"]]
    peeked = run(amqp_url, exchange_name, *argv)
    assert peeked.exit_code == 0
    out = peeked.stdout
    assert f"event id     {wanted['id']}" in out
    assert "reason       delivery_limit" in out
    assert f"delivery_limit from {dead_letters.queue}" in out
    assert '"seq": 2' in out and dead_letters.failed[0]["id"] not in out
    assert dlq.count(amqp_url, dead_letters.queue) == 3


def test_replay_by_id_sends_only_that_event_back_to_its_consumer(
    amqp_url, exchange_name, dead_letters
):
    wanted = dead_letters.failed[0]
    replayed = run(amqp_url, exchange_name, *_on(dead_letters, "replay", "--id", wanted["id"]))
    assert replayed.exit_code == 0
    out = replayed.stdout
    assert f"replayed {wanted['id']} probe.recorded" in out
    assert f"1 of 3 dead letter(s) replayed from {dead_letters.queue}.dlq to {exchange_name}" in out
    assert dlq.count(amqp_url, dead_letters.queue) == 2
    assert queue_depth(amqp_url, dead_letters.queue) == 1


def test_replay_with_a_limit_replays_that_many(amqp_url, exchange_name, dead_letters):
    replayed = run(amqp_url, exchange_name, *_on(dead_letters, "replay", "--limit", "2"))
    assert replayed.exit_code == 0
    assert "2 of 3 dead letter(s) replayed" in replayed.stdout
    assert dlq.count(amqp_url, dead_letters.queue) == 1


def test_an_unknown_event_id_fails_and_replays_nothing(amqp_url, exchange_name, dead_letters):
    missing = str(uuid.uuid4())
    for command in ("peek", "replay"):
        failed = run(amqp_url, exchange_name, *_on(dead_letters, command, "--id", missing))
        assert failed.exit_code == 1
        assert f"error: not in {dead_letters.queue}.dlq: {missing}" in failed.stderr
    assert dlq.count(amqp_url, dead_letters.queue) == 3


def test_a_replay_nobody_would_receive_is_refused_and_the_letter_stays(
    amqp_url, exchange_name, dead_letters
):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    connection.channel().queue_unbind(dead_letters.queue, exchange_name, routing_key="probe.*")
    connection.close()
    refused = run(amqp_url, exchange_name, *_on(dead_letters, "replay"))
    assert refused.exit_code == 1
    assert "it stays in the dead-letter queue. Replayed 0." in refused.stderr
    assert dlq.count(amqp_url, dead_letters.queue) == 3


def test_a_queue_without_dead_letters_queue_is_a_clear_error(amqp_url, exchange_name):
    argv = ["list", "--service", "tokens", "--queue", f"no-such-{uuid.uuid4().hex[:6]}"]
    failed = run(amqp_url, exchange_name, *argv)
    assert failed.exit_code == 1
    assert "error: no dead-letter queue tokens.no-such-" in failed.stderr


def test_an_unreachable_broker_is_a_clear_error_without_the_password(exchange_name):
    url = "amqp://operator:s3cret@127.0.0.1:1/%2F"
    failed = run(url, exchange_name, "list", "--service", "auth", "--queue", "mail")
    assert failed.exit_code == 1
    assert "error: RabbitMQ at amqp://operator:***@127.0.0.1:1/%2F failed" in failed.stderr
    assert "s3cret" not in failed.stderr + failed.stdout


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
def test_bad_usage_exits_2_with_a_message(argv):
    answered = CliRunner().invoke(main, argv)
    assert answered.exit_code == 2
    assert "Error:" in answered.stderr


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
