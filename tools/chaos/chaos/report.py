"""The ledger as an operator reads it."""


def _seconds(value) -> str:
    return "never" if value is None else f"{value} s"


def render(ledger: dict) -> str:
    req, saves, events = ledger["requests"], ledger["saves"], ledger["events"]
    mails, conns, procs = ledger["mails"], ledger["connections"], ledger["processes"]
    lines = [
        "",
        "== Ledger ==",
        f"requests sent        {req['sent']}: 200 {req['200']}, 503 {req['503']}, 500 {req['500']},"
        f" other {req['other']}",
    ]
    for kind, counts in req["by_kind"].items():
        lines.append(f"  {kind:<18} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if req["other_answers"]:
        lines.append(
            "  other answers:     "
            + ", ".join(f"{k} x{v}" for k, v in req["other_answers"].items())
        )
    lines += [
        f"saves                acknowledged {saves['acknowledged']}, stored {saves['stored']}"
        f" (acknowledged but not stored: {len(saves['acknowledged_not_stored'])})",
        f"events               committed {events['committed']}, published {events['published']},"
        f" on the exchange {events['on_exchange']} (more than once: {events['published_more_than_once']}),"
        f" lost {events['lost']}",
        f"  to the consumer    {events['for_consumer']}: applied {events['applied']},"
        f" not applied {events['not_applied']}, applied twice {events['applied_twice']},"
        f" dead-lettered {events['dead_lettered']}"
        + (
            f" (not applied: {', '.join(events['not_applied_types'])})"
            if events["not_applied"]
            else ""
        ),
        f"mails                queued {mails['queued']}, delivered to the sink's folder {mails['delivered']}"
        f" (the worker marked {mails['marked_sent_by_worker']} sent)",
        "connections          ready: "
        + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in conns["ready"].items())
        + f"; consumers on the queue {conns['consumers_on_queue']};"
        f" platform running {'yes' if conns['platform_running'] else 'NO'}",
        f"processes            killed {sum(1 for k in procs['killed'] if k['pid'])}, restarted {procs['restarted']}"
        f" (not restarted: {', '.join(procs['not_restarted']) or 'none'});"
        f" exited by themselves: {', '.join(procs['exited_unasked']) or 'none'}",
    ]
    for exit_ in procs["supervisor_logged_exits"]:
        lines.append(f"  supervisord logged: exited {exit_}")
    for kill in procs["killed"]:
        if not kill["pid"]:
            lines.append(f"  {kill['kind']:<18} none running to kill")
            continue
        back = (
            f"{kill['replaced_by']} after {_seconds(kill['back_after_s'])}"
            if kill["replaced_by"]
            else "nothing"
        )
        lines.append(f"  {kill['kind']:<18} pid {kill['pid']} killed, replaced by {back}")
    lines.append(
        "recovery             (fault's end to the first 200 of a page, a hand-out and a save)"
    )
    for row in ledger["recovery"]:
        lines.append(
            f"  {row['fault']:<44} lasted {_seconds(row['lasted_s'])}, recovered after"
            f" {_seconds(row['recovered_after_s'])}; answers meanwhile "
            + ", ".join(f"{k} {v}" for k, v in sorted(row["answers_until_5_s_after"].items()))
            + f" {row['note']}".rstrip()
        )
    lines.append("checks")
    for name, ok in ledger["checks"].items():
        lines.append(f"  [{'ok' if ok else 'FAILED'}] {name}")
    return "\n".join(lines)
