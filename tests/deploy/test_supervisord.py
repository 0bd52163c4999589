"""The local run's supervisord configuration is written from the Procfile: every process, its
replica count, restarts with backoff, and the command the Procfile says."""

import configparser
import shlex
from pathlib import Path

from manifests import supervisord


def parsed(processes, environ: dict) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read_string(supervisord.render(processes, environ, Path("/tmp/rf-var")))
    return parser


def test_every_procfile_process_is_a_restarting_program_of_one_group(processes):
    conf = parsed(processes, {})
    assert conf["group:rf"]["programs"].split(",") == [p.name for p in processes]
    for p in processes:
        program = conf[f"program:{p.name}"]
        assert program["autorestart"] == "true" and int(program["startretries"]) > 1
        assert program["numprocs"] == "1" and program["stopasgroup"] == "true"


def test_a_workers_replicas_variable_sets_its_copies(processes):
    conf = parsed(processes, {"TOKENS_REFRESHER_REPLICAS": "3"})
    assert conf["program:tokens-refresher"]["numprocs"] == "3"
    assert "%(process_num)d" in conf["program:tokens-refresher"]["process_name"]
    assert conf["program:tokens-relay"]["numprocs"] == "1"


def test_the_command_is_the_procfile_line_execed_by_bash(processes):
    auth = next(p for p in processes if p.name == "auth")
    command = parsed(processes, {})["program:auth"]["command"].replace("%%", "%")
    bash, flag, script = shlex.split(command)
    assert (bash, flag) == ("/bin/bash", "-c")
    assert script.startswith("export PROMETHEUS_MULTIPROC_DIR=$RF_VAR_DIR/metrics/auth; exec ")
    assert script.endswith(auth.command.split(None, 1)[1])
