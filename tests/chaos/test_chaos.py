"""`make chaos`, shortened: the whole local run on its own PostgreSQL and RabbitMQ node under
steady traffic through a PostgreSQL restart, a RabbitMQ outage, an SMTP outage and a SIGKILL of
one process of each kind, and the ledger's promises (issue 10's proof)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    out = tmp_path_factory.mktemp("chaos") / "ledger.json"
    done = subprocess.run(
        [sys.executable, "-m", "chaos", "--profile", "short", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=840,
    )
    print(done.stdout[-6000:])  # the ledger, shown with any failure below
    assert out.exists(), (
        "the chaos run printed no ledger:\n" + done.stdout[-4000:] + done.stderr[-4000:]
    )
    return json.loads(out.read_text())


def test_no_request_is_answered_500(ledger):
    assert ledger["requests"]["500"] == 0, ledger["requests"]


@pytest.mark.parametrize(
    ("part", "promised", "kept"),
    [("saves", "acknowledged", "stored"), ("mails", "queued", "delivered")],
    ids=["every acknowledged save is stored", "every queued mail lands in the sink folder"],
)
def test_every_promise_made_during_the_faults_is_kept(ledger, part, promised, kept):
    figures = ledger[part]
    assert figures[promised] > 0, figures
    assert figures[kept] == figures[promised], figures


def test_every_committed_event_is_published_and_applied_once(ledger):
    events = ledger["events"]
    assert events["committed"] > 0, events
    assert events["lost"] == 0 and events["published"] == events["committed"], events
    assert events["for_consumer"] > 0 and events["not_applied"] == 0, events
    assert events["applied_twice"] == 0, events


def test_every_connection_is_healthy_at_the_end(ledger):
    connections = ledger["connections"]
    assert all(connections["ready"].values()), connections
    assert connections["consumers_on_queue"] > 0, connections


def test_every_killed_process_is_restarted_and_none_exits_by_itself(ledger):
    processes = ledger["processes"]
    assert len(processes["killed"]) == 5 and not processes["not_restarted"], processes
    assert not processes["exited_unasked"], processes


def test_everything_answers_again_after_every_fault(ledger):
    assert all(row["recovered_after_s"] is not None for row in ledger["recovery"]), ledger[
        "recovery"
    ]
