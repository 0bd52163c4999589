"""`make chaos` (`python -m chaos`): the local run on its own PostgreSQL, RabbitMQ node and ports,
steady traffic, four faults one after another, then the ledger. Exit 0 when every promise of the
ledger held, 1 when one did not; everything it started is gone either way, Ctrl-C included."""

import json
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import click
from servicekit.events.harness import poll
from servicekit.own_servers import OwnPostgres, OwnRabbitMQ

from chaos import books, faults, ledger, report
from chaos.platform import DEMO_ORG_ID, ROOT, LocalRun
from chaos.traffic import Traffic

PROFILES = {
    # seconds of traffic before the first fault / after each fault / between two kills
    "full": {"warm_up": 10, "observe": 15, "between_kills": 4, "drain": 90},
    "short": {"warm_up": 5, "observe": 8, "between_kills": 2, "drain": 60},
}


def _terminate(_signum, _frame) -> None:
    raise KeyboardInterrupt  # SIGTERM tears down exactly as Ctrl-C does


def _say(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _platform_command(run: LocalRun, *args: str) -> None:
    subprocess.run(args, cwd=ROOT, env=run.env, check=True, capture_output=True, text=True)


def prepare(run: LocalRun) -> None:
    """Migrate first so the consumer's applications are logged from its first event on."""
    _platform_command(run, "deploy/secrets.sh")
    _platform_command(run, "deploy/manage.sh", "migrate")
    books.log_applications(run.env["SETTINGS_DATABASE_URL"])


def open_books(run: LocalRun) -> dict[str, int]:
    """The tap, once the consumer's queue is there; the outbox heads it starts counting from."""
    queue = ledger.consumer_queue(run)
    if not poll(lambda: books.consumers_on(run.env["AMQP_URL"], queue) > 0, 60):
        raise RuntimeError(f"no consumer on {queue} within 60 s; see {run.log_path}")
    heads = ledger.outbox_heads(run)
    books.open_tap(run.env["AMQP_URL"], run.env["EVENTS_EXCHANGE"])
    return heads


def migrate_demo_token(run: LocalRun) -> None:
    """The demo company starts on a legacy token; hand-outs and forced refreshes want OAuth."""
    rfadmin = str(ROOT / ".venv" / "bin" / "rfadmin")
    _platform_command(run, rfadmin, "migration", "schedule", "--org", DEMO_ORG_ID)
    _platform_command(run, rfadmin, "migration", "run")


def wait_drained(run: LocalRun, after: dict[str, int], seconds: float) -> None:
    """Until every event is sent and applied and every mail delivered (or the time is up)."""

    def drained() -> bool:
        try:
            events = ledger.committed_events(run, after)
            mails = ledger.mails_part(run)
            behind = ledger.consumers_behind(run, after)
        except Exception:  # noqa: BLE001 - a database still away: not drained
            return False
        everything_sent = all(sent for _id, _type, sent in events)
        return everything_sent and mails["delivered"] >= mails["queued"] and not behind

    poll(drained, seconds, interval=1)


def exercise(run, postgres, rabbit, profile: dict) -> dict:
    after = open_books(run)
    watch = faults.ProcessWatch(run).start()
    traffic = Traffic(run).start()
    asked: set[int] = set()
    done = []
    try:
        time.sleep(profile["warm_up"])
        _say("fault 1: PostgreSQL restart")
        done.append(faults.restart_postgres(postgres))
        time.sleep(profile["observe"])
        _say("fault 2: RabbitMQ stopped for 10 s")
        done.append(faults.stop_rabbitmq(rabbit))
        time.sleep(profile["observe"])
        _say("fault 3: SMTP sink stopped for 10 s")
        asked |= set(run.find("mail sink"))
        done.append(faults.stop_smtp(run, run.ports["SMTP"], lambda: traffic.nudge("reset")))
        time.sleep(profile["observe"])
        _say("fault 4: SIGKILL one process of each kind")
        fault, kills = faults.kill_one_of_each(run, profile["between_kills"])
        done.append(fault)
        time.sleep(profile["observe"])
    finally:
        traffic.stop()
        watch.stop()
    _say("traffic stopped; waiting for events and mails to drain")
    wait_drained(run, after, profile["drain"])
    result = {
        "requests": ledger.requests_part(traffic.recorder),
        "saves": ledger.saves_part(run, traffic.recorder),
        "events": ledger.events_part(run, after, books.drain_tap(run.env["AMQP_URL"])),
        "mails": ledger.mails_part(run),
        "connections": ledger.connections_part(run),
        "processes": ledger.processes_part(run, kills, watch, asked),
        "recovery": ledger.recovery_part(done, traffic.recorder),
    }
    result["checks"] = ledger.judge(result)
    return result


@click.command(help=__doc__)
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default="full", show_default=True)
@click.option("--json", "json_path", type=Path, help="also write the ledger to this file")
@click.option("--keep", is_flag=True, help="keep the run's folder (logs) afterwards")
def main(profile: str, json_path: Path | None, keep: bool) -> None:
    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C tears down even where the shell started us with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    root = Path(tempfile.mkdtemp(prefix="rf-chaos-"))
    postgres, rabbit = OwnPostgres(), OwnRabbitMQ()
    run = None
    try:
        _say(f"own PostgreSQL in {postgres.folder}, own RabbitMQ node {rabbit.node}")
        postgres.start()
        rabbit.start()
        run = LocalRun(root, postgres, rabbit)
        prepare(run)
        _say(f"starting the local run (deploy/run.sh) at {run.gateway}; log {run.log_path}")
        run.start()
        migrate_demo_token(run)
        result = exercise(run, postgres, rabbit, PROFILES[profile])
        print(report.render(result), flush=True)
        if json_path:
            json_path.write_text(json.dumps(result, indent=2))
        status = 0 if all(result["checks"].values()) else 1
    except KeyboardInterrupt:
        _say("interrupted: no ledger")
        status = 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the teardown
        tear_down(run, rabbit, postgres)
        if keep:
            _say(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    raise SystemExit(status)


def tear_down(run: LocalRun | None, rabbit: OwnRabbitMQ, postgres: OwnPostgres) -> None:
    _say("tearing down")
    for stop in (run.stop if run else None, rabbit.remove, postgres.remove):
        if stop is None:
            continue
        try:
            stop()
        except Exception as exc:  # noqa: BLE001 - tear down the rest regardless
            _say(f"teardown: {exc}")
