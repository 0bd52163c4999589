"""The ledger: what the traffic was answered, and what the databases, the exchange and the mail
folder say survived. Read from the stores themselves, never from a process's own bookkeeping."""

from collections import Counter

import psycopg
from servicekit.events import topology
from settings.entrypoints.consumer import HANDLERS, queue_owner
from settings.entrypoints.consumer import NAME as CONSUMER_NAME

from chaos import books
from chaos.faults import Fault, Kill, ProcessWatch
from chaos.platform import DATABASES, DEMO_ORG_ID, WEB, LocalRun
from chaos.traffic import Recorder

SUCCESS = (200, 303)  # a page or an API answer; a form's redirect after it did what was asked
RECOVERY_KINDS = ("page", "handout", "save")


def _bucket(status) -> str:
    if status in SUCCESS:
        return "200"
    return str(status) if status in (503, 500) else "other"


def requests_part(recorder: Recorder) -> dict:
    total: Counter = Counter()
    by_kind: dict[str, Counter] = {}
    other: Counter = Counter()
    for answer in recorder.answers:
        bucket = _bucket(answer.status)
        total[bucket] += 1
        by_kind.setdefault(answer.kind, Counter())[bucket] += 1
        if bucket == "other":
            other[f"{answer.kind} {answer.status}"] += 1
    part = {"sent": len(recorder.answers)} | {b: total[b] for b in ("200", "503", "500", "other")}
    part["other_answers"] = dict(other)
    part["by_kind"] = {kind: dict(counts) for kind, counts in sorted(by_kind.items())}
    return part


def saves_part(run: LocalRun, recorder: Recorder) -> dict:
    with psycopg.connect(run.env["SETTINGS_DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT number FROM payment_method_changes WHERE org_id = %s AND changed_by LIKE 'user:%%'",
            (DEMO_ORG_ID,),
        ).fetchall()
    stored = {"".join(ch for ch in number if ch.isdigit()) for (number,) in rows}
    acknowledged = set(recorder.acknowledged_saves)
    return {
        "acknowledged": len(acknowledged),
        "stored": len(acknowledged & stored),
        "acknowledged_not_stored": sorted(acknowledged - stored),
    }


def outbox_heads(run: LocalRun) -> dict[str, int]:
    """The last outbox row of each service: the ledger counts the events after these."""
    heads = {}
    for name in DATABASES:
        with psycopg.connect(run.env[f"{name}_DATABASE_URL"]) as conn:
            heads[name] = conn.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]
    return heads


def committed_events(run: LocalRun, after: dict[str, int]) -> list[tuple[str, str, bool]]:
    """(id, type, marked sent by a relay) of every outbox row of every service since `after`."""
    rows = []
    for name in DATABASES:
        with psycopg.connect(run.env[f"{name}_DATABASE_URL"]) as conn:
            rows += conn.execute(
                "SELECT id::text, type, sent_at IS NOT NULL FROM outbox WHERE seq > %s",
                (after[name],),
            ).fetchall()
    return rows


def events_part(run: LocalRun, after: dict[str, int], tapped: list[str]) -> dict:
    committed = committed_events(run, after)
    ids = {event_id for event_id, _type, _sent in committed}
    on_exchange = Counter(tapped)
    for_consumer = {event_id for event_id, type_, _sent in committed if type_ in HANDLERS}
    with psycopg.connect(run.env["SETTINGS_DATABASE_URL"]) as conn:
        applied = Counter(
            str(event_id)
            for (event_id,) in conn.execute(
                "SELECT event_id FROM chaos_applied WHERE event_type = ANY(%s)", (list(HANDLERS),)
            )
        )
    dead = books.dead_letters(run.env["AMQP_URL"], consumer_queue(run))
    return {
        "committed": len(ids),
        "published": sum(1 for _id, _type, sent in committed if sent),
        "on_exchange": len(ids & set(on_exchange)),
        "published_more_than_once": sum(1 for n in on_exchange.values() if n > 1),
        "lost": len(ids - set(on_exchange)),
        "for_consumer": len(for_consumer),
        "applied": len(for_consumer & set(applied)),
        "not_applied": len(for_consumer - set(applied)),
        "not_applied_types": sorted(
            type_ for id_, type_, _sent in committed if id_ in for_consumer - set(applied)
        ),
        "applied_twice": sum(1 for n in applied.values() if n > 1),
        "dead_lettered": dead,
    }


def mails_part(run: LocalRun) -> dict:
    with psycopg.connect(run.env["AUTH_DATABASE_URL"]) as conn:
        queued, marked = conn.execute("SELECT count(*), count(sent_at) FROM mail_outbox").fetchone()
    folder = run.var_dir / "mail" / "new"
    delivered = sum(1 for entry in folder.iterdir() if entry.is_file()) if folder.is_dir() else 0
    return {"queued": queued, "marked_sent_by_worker": marked, "delivered": delivered}


def consumer_queue(run: LocalRun) -> str:
    return topology.queue_name(queue_owner(run.env["EVENTS_EXCHANGE"]), CONSUMER_NAME)


def consumers_behind(run: LocalRun, after: dict[str, int]) -> int:
    """Events for the consumer committed but not applied yet."""
    wanted = {i for i, type_, _sent in committed_events(run, after) if type_ in HANDLERS}
    with psycopg.connect(run.env["SETTINGS_DATABASE_URL"]) as conn:
        done = {str(i) for (i,) in conn.execute("SELECT event_id FROM chaos_applied")}
    return len(wanted - done)


def connections_part(run: LocalRun) -> dict:
    queue = consumer_queue(run)
    try:
        consumers = books.consumers_on(run.env["AMQP_URL"], queue)
    except Exception:  # noqa: BLE001 - a broker that does not answer is the finding
        consumers = 0
    return {
        "ready": {name.lower(): run.ready(name) for name in WEB},
        "consumers_on_queue": consumers,
        "platform_running": run.alive(),
    }


def processes_part(run: LocalRun, kills: list[Kill], watch: ProcessWatch, asked: set[int]) -> dict:
    killed = {kill.pid for kill in kills} | asked
    return {
        "supervisor_logged_exits": run.supervisor_exits(),
        "killed": [
            {
                "kind": k.kind,
                "pid": k.pid,
                "replaced_by": k.replaced_by,
                "back_after_s": _round(k.back_after),
            }
            for k in kills
        ],
        "restarted": sum(1 for k in kills if k.replaced_by),
        "not_restarted": [k.kind for k in kills if not k.replaced_by],
        "started_during_run": len(watch.started),
        "exited_unasked": sorted(
            {f"{kind} {pid}" for pid, kind, _at in watch.ended if pid not in killed}
        ),
    }


def recovery_part(faults: list[Fault], recorder: Recorder) -> list[dict]:
    """Seconds from the fault's end to the first success of each kind of request after it."""
    rows = []
    for fault in faults:
        first = {}
        for kind in RECOVERY_KINDS:
            after = [
                a.at
                for a in recorder.answers
                if a.kind == kind and a.at >= fault.cleared and a.status in SUCCESS
            ]
            first[kind] = _round(min(after) - fault.cleared) if after else None
        known = list(first.values())
        window = [a for a in recorder.answers if fault.started <= a.at <= fault.cleared + 5]
        during = Counter(_bucket(a.status) for a in window)
        rows.append(
            {
                "fault": fault.name,
                "lasted_s": _round(fault.cleared - fault.started),
                "recovered_after_s": None if None in known else max(known),
                "first_success_s": first,
                "answers_until_5_s_after": dict(during),
                "note": fault.note,
            }
        )
    return rows


def judge(ledger: dict) -> dict:
    """The promises of issue 10, each true or false."""
    events, mails, conns = ledger["events"], ledger["mails"], ledger["connections"]
    return {
        "no 500 answers": ledger["requests"]["500"] == 0,
        "every acknowledged save stored": not ledger["saves"]["acknowledged_not_stored"],
        "no event lost": events["lost"] == 0 and events["committed"] == events["published"],
        "every event for the consumer applied": events["not_applied"] == 0,
        "no event applied twice": events["applied_twice"] == 0,
        "every queued mail delivered": mails["delivered"] == mails["queued"],
        "every connection healthy": all(conns["ready"].values())
        and conns["consumers_on_queue"] > 0,
        "every killed process restarted": not ledger["processes"]["not_restarted"],
        "no process exited by itself": not ledger["processes"]["exited_unasked"],
        "recovered after every fault": all(
            r["recovered_after_s"] is not None for r in ledger["recovery"]
        ),
    }


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)
