"""The committed Compose file and Kubernetes base are exactly what deploy/generate.py writes from
deploy/Procfile and servicekit.config, so neither can drift from the local run."""

from pathlib import Path

import pytest
from manifests import model
from servicekit.config import VARIABLES

ROOT = Path(__file__).resolve().parents[2]


def test_committed_compose_and_kubernetes_files_equal_the_generators_output(generate):
    stale = [str(p.relative_to(ROOT)) for p in generate.stale()]
    assert not stale, f"run `.venv/bin/python deploy/generate.py` and commit: {stale} are stale"


def test_every_variable_a_procfile_line_reads_is_documented(processes):
    model.check_documented(processes)


def test_every_worker_has_a_documented_replica_count(processes):
    names = {v.name for v in VARIABLES}
    workers = [p for p in processes if p.kind == "worker"]
    assert workers, "the Procfile lists no worker"
    assert [p.name for p in workers if p.replicas_variable not in names] == []


def test_an_undocumented_worker_is_refused_by_the_generator(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("tokens-janitor: .venv/bin/python -m tokens.entrypoints.janitor\n")
    with pytest.raises(ValueError, match="TOKENS_JANITOR_REPLICAS"):
        model.check_documented(model.read_procfile(procfile))


def test_a_procfile_line_of_unknown_shape_is_refused(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("mystery: ./do-something\n")
    with pytest.raises(ValueError, match="mystery"):
        model.read_procfile(procfile)


def test_container_command_is_the_procfile_command_on_all_interfaces(processes):
    tokens = next(p for p in processes if p.name == "tokens")
    script = tokens.container_script()
    assert "127.0.0.1" not in script
    assert "-b 0.0.0.0:$TOKENS_PORT" in script
    assert script.splitlines()[-1].startswith("exec .venv/bin/gunicorn")
