"""Operators' command for dead letters: list, peek at and replay a consumer's dead-letter queue.

    python -m servicekit.events.dlq list   --service settings --queue company-info
    python -m servicekit.events.dlq peek   --service settings --queue company-info --id <event id>
    python -m servicekit.events.dlq replay --service settings --queue company-info [--id ...]

`--queue` is the consumer's name (queue `<service>.<name>`, dead letters in `<queue>.dlq`) or
the whole queue name. list and peek leave every letter where it is. replay publishes letters
back to the events exchange under their original routing key, each removed from the DLQ only
once the broker confirmed it; consumers that had already applied one ignore it (inbox).
Exit status: 0 done, 1 failed (nothing found, broker unreachable, replay refused), 2 usage.
"""

import json
from types import SimpleNamespace

import click
from pika.exceptions import AMQPError, UnroutableError

from servicekit import config as env
from servicekit.config_command import without_password
from servicekit.events import dlq, topology

SERVICES = ("auth", "tokens", "settings", "gateway")


class Failed(Exception):
    """What went wrong, said for an operator; exit status 1."""


def queue_of(service: str, queue: str) -> str:
    owned = queue.startswith((f"{service}.", f"{service}@"))
    return queue if owned else topology.queue_name(service, queue)


def _short(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _summary(letter: dlq.DeadLetter) -> list[str]:
    envelope = letter.envelope or {}
    version = envelope.get("version")
    return [
        letter.event_id or "(none)",
        f"{letter.event_type or envelope.get('type') or '?'}" + (f" v{version}" if version else ""),
        str(envelope.get("org_id") or "-"),
        str(letter.deaths),
        str(letter.replays),
        _short(letter.reason, 70),
    ]


def _details(letter: dlq.DeadLetter) -> str:
    envelope = letter.envelope
    deaths = letter.headers.get("x-death") or []
    lines = [
        f"event id     {letter.event_id or '(none)'}",
        f"type         {_summary(letter)[1]}",
        f"routing key  {letter.routing_key or '?'}",
        f"reason       {letter.reason}",
        f"dead         {letter.deaths} time(s); replayed {letter.replays} time(s)",
    ]
    for death in deaths:
        lines.append(
            f"             {death.get('reason')} from {death.get('queue')}"
            f" x{death.get('count', 1)}, at {death.get('time', '?')}"
        )
    if envelope is not None:
        body = json.dumps(envelope, indent=2, ensure_ascii=False, default=str)
    else:
        body = repr(letter.body[:2000])
    lines += ["body", *("  " + line for line in body.splitlines())]
    return "\n".join(lines)


def _read(args, queue: str, limit: int | None) -> tuple[int, list[dlq.DeadLetter]]:
    waiting = dlq.depth(args.amqp_url, queue)
    letters = dlq.peek(args.amqp_url, queue, limit=None if args.ids else limit)
    if args.ids:
        letters = [letter for letter in letters if letter.event_id in args.ids]
        _all_found(args.ids, {letter.event_id for letter in letters}, queue)
    return waiting, letters


def _all_found(wanted: set[str], found: set[str], queue: str) -> None:
    missing = sorted(wanted - found)
    if missing:
        raise Failed(f"not in {topology.dead_letter_queue(queue)}: {', '.join(missing)}")


def list_letters(args, queue: str) -> None:
    waiting, letters = _read(args, queue, args.limit)
    dead_letter_queue = topology.dead_letter_queue(queue)
    print(f"{dead_letter_queue}: {waiting} dead letter(s), showing {len(letters)}")
    if letters:
        header = ["EVENT ID", "TYPE", "ORG", "DEATHS", "REPLAYS", "REASON"]
        print(_table([header, *(_summary(letter) for letter in letters)]))


def peek_letters(args, queue: str) -> None:
    waiting, letters = _read(args, queue, args.limit)
    print(f"{topology.dead_letter_queue(queue)}: {waiting} dead letter(s), showing {len(letters)}")
    for letter in letters:
        print()
        print(_details(letter))


def replay_letters(args, queue: str) -> None:
    waiting = dlq.depth(args.amqp_url, queue)
    replayed: list[dlq.DeadLetter] = []

    def report(letter: dlq.DeadLetter) -> None:
        replayed.append(letter)
        print(f"replayed {letter.event_id or '(no id)'} {letter.event_type or ''}".rstrip())

    try:
        dlq.replay(
            args.amqp_url,
            args.exchange,
            queue,
            message_ids=args.ids,
            limit=args.limit,
            on_replayed=report,
        )
    except UnroutableError:
        raise Failed(
            f"no queue on {args.exchange} takes the next letter's routing key (is the consumer"
            f" deployed?); it stays in the dead-letter queue. Replayed {len(replayed)}."
        ) from None
    print(
        f"{len(replayed)} of {waiting} dead letter(s) replayed from "
        f"{topology.dead_letter_queue(queue)} to {args.exchange}"
    )
    if args.ids:
        _all_found(args.ids, {letter.event_id for letter in replayed}, queue)


COMMANDS = {"list": list_letters, "peek": peek_letters, "replay": replay_letters}


@click.command(
    "dlq",
    help=__doc__.split("\n\n")[0],
    epilog=__doc__.split("\n\n", 2)[2],
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument("command", type=click.Choice(sorted(COMMANDS)))
@click.option("--service", required=True, type=click.Choice(SERVICES))
@click.option("--queue", required=True, help="consumer name, e.g. company-info")
@click.option(
    "--limit", type=click.IntRange(min=1), help="at most this many letters (list/peek: 50)"
)
@click.option("--id", "ids", multiple=True, metavar="EVENT_ID", help="only this event (repeat)")
@click.option("--amqp-url", default=None, help="default: AMQP_URL")
@click.option("--exchange", default=None, help="replay target; default: EVENTS_EXCHANGE")
def main(command: str, service: str, queue: str, **options) -> None:
    args = SimpleNamespace(**options)
    args.amqp_url = args.amqp_url or env.get("AMQP_URL")
    args.exchange = args.exchange or env.get("EVENTS_EXCHANGE")
    args.ids = set(args.ids) or None
    if args.limit is None and command != "replay":
        args.limit = 50
    try:
        COMMANDS[command](args, queue_of(service, queue))
    except dlq.NoDeadLetterQueue as exc:
        _fail(f"no dead-letter queue {exc} on the broker: wrong name, or never consumed")
    except Failed as exc:
        _fail(str(exc))
    except AMQPError as exc:
        _fail(f"RabbitMQ at {without_password(args.amqp_url)} failed: {type(exc).__name__} {exc}")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)
