"""Hand-outs racing from many OS processes (racer.py), for the concurrency tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RACER = Path(__file__).with_name("racer.py")


@pytest.fixture
def race(tokens_env, tokens_server, tmp_path):
    """Factory: `threads` hand-outs of the organisation's token at once in each of `processes`
    racing processes, half in-process and half over HTTP to tokens_server; their JSON results.
    `before_go` runs once every racer is warmed up, just before they are let go."""

    def _race(org_id: str, processes: int, threads: int, before_go=lambda: None) -> list[dict]:
        go = tmp_path / f"go-{org_id}"
        base_url = tokens_server.base_url
        command = [sys.executable, str(RACER), org_id, str(threads), str(go), base_url]
        env = {**os.environ, **tokens_env}
        racers = [
            subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(processes)
        ]
        for racer in racers:
            assert racer.stdout.readline().strip() == "ready", racer.stderr.read()[-2000:]
        before_go()
        go.touch()
        results = []
        for racer in racers:
            out, err = racer.communicate(timeout=120)
            assert racer.returncode == 0, err[-2000:]
            results += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        return results

    return _race
