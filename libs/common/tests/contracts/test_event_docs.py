"""docs/events is generated from the contracts and never drifts from them."""

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from servicekit.contracts import docs
from servicekit.contracts.jsonschemas import documented_contracts, publisher_of

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "events"


def test_the_committed_event_docs_equal_the_generated_ones():
    problems = docs.differences(COMMITTED)
    assert problems == [], f"run `{docs.COMMAND}` and commit docs/events:\n" + "\n".join(problems)


def test_the_asyncapi_document_has_a_channel_message_and_send_operation_per_event():
    document = yaml.safe_load(docs.render()["asyncapi.yaml"])
    assert document["asyncapi"].startswith("3.")
    for event_type, version in documented_contracts():
        channel = document["channels"][event_type]
        assert channel["address"] == event_type  # the routing key is the type
        assert channel["bindings"]["amqp"]["exchange"]["type"] == "topic"
        message = document["components"]["messages"][f"{event_type}.v{version}"]
        assert message["payload"] == {"$ref": f"#/components/schemas/{event_type}.v{version}"}
        operation = document["operations"][f"{publisher_of(event_type, version)}.send.{event_type}"]
        assert operation["action"] == "send"
        assert operation["bindings"]["amqp"]["mandatory"] is True


def test_the_bus_probe_events_are_not_documented_for_other_teams():
    assert all(t != "probe.recorded" for t, _ in documented_contracts())
    assert "probe.recorded" not in docs.render()["catalogue.md"]


def _docs(*args: str):
    return CliRunner().invoke(docs.main, list(args))


def test_write_then_check_agree_and_stale_schemas_are_removed(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "retired.event.v1.json").write_text("{}")
    (tmp_path / "README.md").write_text("hand-written")
    checked = _docs("--check", str(tmp_path))
    assert checked.exit_code == 1
    assert "missing: asyncapi.yaml" in checked.stderr
    assert "no longer generated: schemas/retired.event.v1.json" in checked.stderr
    assert docs.COMMAND in checked.stderr

    assert _docs("--write", str(tmp_path)).exit_code == 0
    assert not (tmp_path / "schemas" / "retired.event.v1.json").exists()
    assert (tmp_path / "README.md").read_text() == "hand-written"
    assert _docs("--check", str(tmp_path)).exit_code == 0

    (tmp_path / "catalogue.md").write_text("edited by hand\n")
    checked = _docs("--check", str(tmp_path))
    assert checked.exit_code == 1
    assert "out of date: catalogue.md" in checked.stderr


@pytest.mark.parametrize("args", [[], ["--write", "a", "--check", "b"]], ids=["none", "both"])
def test_the_command_wants_exactly_one_of_write_and_check(args):
    assert _docs(*args).exit_code == 2
