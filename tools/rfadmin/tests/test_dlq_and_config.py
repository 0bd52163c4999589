"""rfadmin's dlq and config commands: dead letters listed, peeked at and replayed on the real
broker; bad names and a broker that is down answered clearly with status 1; the configuration
reference without a secret's value."""

import uuid
from types import SimpleNamespace

import pika
import pytest
from servicekit.config import VARIABLES, reference_markdown
from servicekit.events import dlq, topology
from servicekit.events.harness import dead_letter, delete_queues, wait_for
from servicekit.events.probes import probe_envelope


@pytest.fixture
def dead_letters(amqp_url, exchange_name):
    """A settings consumer queue of the test's own whose handler gave up on two events."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    queue = topology.queue_name("settings", name)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    events = [probe_envelope(seq, org_id="org-rfadmin") for seq in (1, 2)]
    dead_letter(connection.channel(), exchange_name, queue, events)
    connection.close()
    wait_for(lambda: dlq.count(amqp_url, queue) == 2, what="two dead letters")
    yield SimpleNamespace(name=name, queue=queue, ids=[event["id"] for event in events])
    delete_queues(amqp_url, exchange_name, queue)


@pytest.fixture
def dlq_cli(rfadmin, exchange_name):
    def run(command: str, *args: str, env: dict | None = None):
        return rfadmin(
            "dlq",
            command,
            "--service",
            "settings",
            *args,
            env={"EVENTS_EXCHANGE": exchange_name} | (env or {}),
        )

    return run


def test_dead_letters_are_listed_peeked_at_and_replayed(dlq_cli, dead_letters, amqp_url):
    first, second = dead_letters.ids
    listed = dlq_cli("list", "--queue", dead_letters.name)
    assert listed.returncode == 0, listed.stderr
    assert (
        "2 dead letter(s)" in listed.stdout and first in listed.stdout and second in listed.stdout
    )
    peeked = dlq_cli("peek", "--queue", dead_letters.name, "--id", second)
    assert peeked.returncode == 0 and '"seq": 2' in peeked.stdout and first not in peeked.stdout
    replayed = dlq_cli("replay", "--queue", dead_letters.name, "--id", first)
    assert replayed.returncode == 0 and f"replayed {first}" in replayed.stdout, replayed.stderr
    assert dlq.count(amqp_url, dead_letters.queue) == 1
    missing = dlq_cli("replay", "--queue", dead_letters.name, "--id", first)
    assert missing.returncode == 1 and f"not in {dead_letters.queue}.dlq: {first}" in missing.stderr


def test_unknown_queue_service_and_a_broker_that_is_down_are_clear_failures(dlq_cli, rfadmin):
    unknown = dlq_cli("list", "--queue", "no-such-consumer")
    assert unknown.returncode == 1
    assert "no dead-letter queue settings.no-such-consumer.dlq" in unknown.stderr
    down = dlq_cli(
        "list", "--queue", "company-info", env={"AMQP_URL": "amqp://rf:hunter2@127.0.0.1:1/%2F"}
    )
    assert down.returncode == 1 and "RabbitMQ at amqp://rf:***@127.0.0.1:1/%2F" in down.stderr
    assert "hunter2" not in down.stderr and "Traceback" not in down.stderr
    wrong_service = rfadmin("dlq", "list", "--service", "billing", "--queue", "x")
    assert wrong_service.returncode == 2 and "'billing' is not one of" in wrong_service.stderr
    helped = rfadmin("dlq", "--help")
    assert helped.returncode == 0 and "Usage: rfadmin dlq" in helped.stdout


def test_config_prints_every_variable_and_never_a_secret(rfadmin, rfadmin_env, tmp_path):
    secret_key = rfadmin_env["TOKENS_ENCRYPTION_KEYS"]
    shown = rfadmin("config", env={"AMQP_URL": "amqp://rf:hunter2@broker:5672/%2F"})
    assert shown.returncode == 0
    assert all(f"{variable.name}=" in shown.stdout for variable in VARIABLES)
    assert "TOKENS_ENCRYPTION_KEYS=(set)" in shown.stdout and secret_key not in shown.stdout
    assert (
        "AMQP_URL=amqp://rf:***@broker:5672/%2F" in shown.stdout and "hunter2" not in shown.stdout
    )
    assert "TOKENS_MIGRATOR_RATE=2  (default)" in shown.stdout
    markdown = rfadmin("config", "--markdown")
    assert markdown.returncode == 0 and markdown.stdout.strip() == reference_markdown()


def test_local_secrets_come_from_the_var_dir_as_for_make_run(rfadmin, tmp_path):
    (tmp_path / "secrets.env").write_text("GATEWAY_SECRET_KEY=from-the-file=\n")
    shown = rfadmin("config", env={"RF_VAR_DIR": str(tmp_path), "GATEWAY_SECRET_KEY": ""})
    assert "GATEWAY_SECRET_KEY=(set)" in shown.stdout and "from-the-file" not in shown.stdout
