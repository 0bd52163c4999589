"""The faults, one after another, each with the moment it cleared; and the watch that notices
every process of the local run that ends or starts."""

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from servicekit.events.harness import poll
from servicekit.own_servers import OwnPostgres, OwnRabbitMQ

from chaos.platform import LocalRun, kind_of

OUTAGE_SECONDS = 10
VICTIMS = ("web worker", "relay", "consumer", "refresher", "mail worker")
SINK_PROGRAM = "rf:mail"  # the Procfile's `mail` in supervisord's one group


@dataclass
class Fault:
    name: str
    started: float = 0.0
    cleared: float = 0.0
    note: str = ""


@dataclass
class Kill:
    kind: str
    pid: int
    at: float
    before: frozenset[int] = frozenset()
    replaced_by: int | None = None
    back_after: float | None = None


@dataclass
class ProcessWatch:
    """Samples the run's process tree twice a second: which processes of the known kinds ended
    and which new ones started, so an exit nobody caused is seen too."""

    run: LocalRun
    seen: dict[int, str] = field(default_factory=dict)
    ended: list[tuple[int, str, float]] = field(default_factory=list)
    started: list[tuple[int, str, float]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "ProcessWatch":
        self.seen = self._sample()
        threading.Thread(target=self._loop, daemon=True).start()
        return self

    def _sample(self) -> dict[int, str]:
        tree = self.run.tree()
        return {pid: kind for pid, p in tree.items() if (kind := kind_of(p, tree)) is not None}

    def _loop(self) -> None:
        while not self.stopping.wait(0.5):
            now, current = time.monotonic(), self._sample()
            self.ended += [
                (pid, kind, now) for pid, kind in self.seen.items() if pid not in current
            ]
            self.started += [
                (pid, kind, now) for pid, kind in current.items() if pid not in self.seen
            ]
            self.seen = current

    def stop(self) -> None:
        self.stopping.set()


def restart_postgres(postgres: OwnPostgres) -> Fault:
    fault = Fault("PostgreSQL restart (pg_ctl restart -m fast)", started=time.monotonic())
    postgres.restart()
    fault.cleared = time.monotonic()
    return fault


def stop_rabbitmq(rabbit: OwnRabbitMQ) -> Fault:
    """The node stops, stays down 10 s, and starts again (its boot adds to the outage)."""
    fault = Fault(f"RabbitMQ stopped {OUTAGE_SECONDS} s", started=time.monotonic())
    rabbit.stop()
    time.sleep(OUTAGE_SECONDS)
    rabbit.start()
    fault.cleared = time.monotonic()
    return fault


def stop_smtp(run: LocalRun, port: int, meanwhile: Callable[[], None]) -> Fault:
    """Stop the sink through the supervisor (it would restart a killed one at once), keep it
    down 10 s, start it again. `meanwhile` runs once it is down (a mail is asked for then)."""
    fault = Fault(f"SMTP sink stopped {OUTAGE_SECONDS} s", started=time.monotonic())
    if not run.supervisorctl("stop", SINK_PROGRAM):
        raise RuntimeError(f"supervisorctl could not stop {SINK_PROGRAM}; see {run.log_path}")
    meanwhile()
    time.sleep(OUTAGE_SECONDS)
    run.supervisorctl("start", SINK_PROGRAM)
    fault.cleared = time.monotonic()
    if not poll(lambda: _listening(port), 30, interval=0.2):
        fault.note = "the SMTP sink did not come back within 30 s"
    return fault


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def kill_one_of_each(run: LocalRun, pause: float, patience: float = 30) -> tuple[Fault, list[Kill]]:
    """SIGKILL one process of each kind, one at a time; wait for a new one of its kind."""
    fault = Fault("SIGKILL of " + ", ".join(VICTIMS), started=time.monotonic())
    kills = []
    for kind in VICTIMS:
        victims = run.find(kind)
        if not victims:
            kills.append(Kill(kind, 0, time.monotonic()))
            continue
        kill = Kill(kind, victims[0], time.monotonic(), before=frozenset(victims))
        os.kill(kill.pid, signal.SIGKILL)
        kills.append(kill)
        if poll(partial(_replaced, run, kill), patience, interval=0.2):
            kill.back_after = time.monotonic() - kill.at
        time.sleep(pause)
    fault.cleared = time.monotonic()
    return fault, kills


def _replaced(run: LocalRun, kill: Kill) -> bool:
    """A process of the kind that was not there before the kill (gunicorn keeps the gateway's
    other workers, so "another one exists" would not do)."""
    new = [pid for pid in run.find(kill.kind) if pid not in kill.before]
    if new:
        kill.replaced_by = new[0]
    return bool(new)
