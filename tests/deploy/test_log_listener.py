"""The local run's log listener speaks supervisord's event protocol (lengths in bytes) and
prints whole lines after the time and the process's name."""

import io
import time

import log_listener


def event(processname: str, data: str) -> bytes:
    payload = f"processname:{processname} groupname:rf pid:7 channel:stdout\n{data}".encode()
    header = f"ver:3.0 server:supervisor serial:1 pool:log poolserial:1 eventname:PROCESS_LOG_STDOUT len:{len(payload)}\n"
    return header.encode() + payload


def test_an_event_with_non_ascii_output_is_read_to_its_last_byte():
    stdin = io.BytesIO(event("auth", "Glömt lösenord\n") + event("tokens", "två\n"))
    stdout = io.BytesIO()
    first = log_listener.next_event(stdin, stdout)
    second = log_listener.next_event(stdin, stdout)
    assert first == (
        {"processname": "auth", "groupname": "rf", "pid": "7", "channel": "stdout"},
        "Glömt lösenord\n",
    )
    assert second[1] == "två\n" and stdout.getvalue() == b"READY\nREADY\n"


def test_lines_split_across_chunks_print_whole_and_named():
    lines = log_listener.Lines(clock=lambda: time.struct_time((2026, 1, 2, 3, 4, 5, 0, 2, 0)))
    assert lines.feed("auth-mail", '{"message": "mail') == ""
    assert lines.feed("tokens", "one\ntwo\n") == (
        f"03:04:05 {'tokens':<18} | one\n03:04:05 {'tokens':<18} | two\n"
    )
    assert (
        lines.feed("auth-mail", ' sent"}\n')
        == f'03:04:05 {"auth-mail":<18} | {{"message": "mail sent"}}\n'
    )
