#!/usr/bin/env python3
"""supervisord event listener of the local run: prints every process's output to the terminal,
each line after the time and the process's name (as honcho, its predecessor, did). supervisord reads this
listener's stdout as its protocol, so the lines go to stderr, which it writes to its stdout."""

import sys
import time

WIDTH = 18


def next_event(stdin, stdout) -> tuple[dict[str, str], str]:
    """One event of supervisord's listener protocol; its length counts bytes, so read bytes."""
    stdout.write(b"READY\n")
    stdout.flush()
    header = dict(field.split(":", 1) for field in stdin.readline().decode().split())
    payload = stdin.read(int(header["len"])).decode("utf-8", "replace")
    first, _, data = payload.partition("\n")
    return dict(field.split(":", 1) for field in first.split()), data


def acknowledge(stdout) -> None:
    stdout.write(b"RESULT 2\nOK")
    stdout.flush()


def prefixed(name: str, lines: list[str]) -> str:
    stamp = time.strftime("%H:%M:%S")
    return "".join(f"{stamp} {name:<{WIDTH}} | {line}\n" for line in lines)


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    partial: dict[str, str] = {}  # the unfinished last line of each process's previous chunk
    while True:
        fields, data = next_event(stdin, stdout)
        name = fields["processname"]
        *lines, rest = (partial.pop(name, "") + data).split("\n")
        if rest:
            partial[name] = rest
        if lines:
            sys.stderr.write(prefixed(name, lines))
            sys.stderr.flush()
        acknowledge(stdout)


if __name__ == "__main__":
    main()
