#!/usr/bin/env python3
"""supervisord event listener of the local run: prints every process's output to the terminal,
each line after the time and the process's name. supervisord reads this listener's stdout as its
protocol, so the lines go to stderr, which supervisord writes to its own stdout."""

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


class Lines:
    """Whole lines of each process, after the time and its name; supervisord hands output over
    in chunks that may end inside a line, so each process's unfinished line waits for the rest."""

    def __init__(self, clock=time.localtime):
        self.clock = clock
        self.partial: dict[str, str] = {}

    def feed(self, name: str, data: str) -> str:
        *lines, rest = (self.partial.pop(name, "") + data).split("\n")
        if rest:
            self.partial[name] = rest
        stamp = time.strftime("%H:%M:%S", self.clock())
        return "".join(f"{stamp} {name:<{WIDTH}} | {line}\n" for line in lines)


def main() -> None:
    stdin, stdout, lines = sys.stdin.buffer, sys.stdout.buffer, Lines()
    while True:
        fields, data = next_event(stdin, stdout)
        text = lines.feed(fields["processname"], data)
        if text:
            sys.stderr.write(text)
            sys.stderr.flush()
        acknowledge(stdout)


if __name__ == "__main__":
    main()
