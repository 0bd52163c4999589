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

import argparse
import json
import sys
from urllib.parse import urlsplit, urlunsplit

from pika.exceptions import AMQPError, UnroutableError

from servicekit import config as env
from servicekit.events import dlq, topology

SERVICES = ("auth", "tokens", "settings", "gateway")


class Failed(Exception):
    """What went wrong, said for an operator; exit status 1."""


def queue_of(service: str, queue: str) -> str:
    owned = queue.startswith((f"{service}.", f"{service}@"))
    return queue if owned else topology.queue_name(service, queue)


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


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


def parser(prog: str = "python -m servicekit.events.dlq") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("command", choices=sorted(COMMANDS))
    p.add_argument("--service", required=True, choices=SERVICES)
    p.add_argument("--queue", required=True, help="consumer name, e.g. company-info")
    p.add_argument("--limit", type=_positive, help="at most this many letters (list/peek: 50)")
    p.add_argument(
        "--id", dest="ids", action="append", metavar="EVENT_ID", help="only this event (repeat)"
    )
    p.add_argument("--amqp-url", default=None, help="default: AMQP_URL")
    p.add_argument("--exchange", default=None, help="replay target; default: EVENTS_EXCHANGE")
    return p


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    """Run the command; `prog` names it in help and usage when another tool (rfadmin) calls it."""
    args = (parser(prog) if prog else parser()).parse_args(argv)
    args.amqp_url = args.amqp_url or env.get("AMQP_URL")
    args.exchange = args.exchange or env.get("EVENTS_EXCHANGE")
    args.ids = set(args.ids) if args.ids else None
    if args.limit is None and args.command != "replay":
        args.limit = 50
    queue = queue_of(args.service, args.queue)
    try:
        COMMANDS[args.command](args, queue)
    except dlq.NoDeadLetterQueue as exc:
        return _fail(f"no dead-letter queue {exc} on the broker: wrong name, or never consumed")
    except Failed as exc:
        return _fail(str(exc))
    except AMQPError as exc:
        return _fail(
            f"RabbitMQ at {without_password(args.amqp_url)} failed: {type(exc).__name__} {exc}"
        )
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
