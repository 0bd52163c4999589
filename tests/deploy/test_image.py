"""The image installs what the local run installs (deploy/bootstrap.sh), from a build context that
holds our code and nothing else."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTAINER = ROOT / "deploy" / "container"


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", (CONTAINER / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def bootstrap_packages() -> list[str]:
    text = (ROOT / "deploy" / "bootstrap.sh").read_text()
    return re.search(r"^packages=\((.*)\)$", text, re.M).group(1).split()


def _regex(pattern: str) -> re.Pattern:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        else:
            out += {"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i]))
            i += 1
    return re.compile(out + "$")


def in_context(path: str, rules: list[str]) -> bool:
    """Docker's .dockerignore rule: the last pattern matching the path or a parent folder wins."""
    parts = path.split("/")
    included = True
    for rule in rules:
        negated, pattern = rule.startswith("!"), rule.lstrip("!")
        regex = _regex(pattern)
        if any(regex.match("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            included = negated
    return included


def ignore_rules() -> list[str]:
    lines = (CONTAINER / "Dockerfile.dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_image_starts_from_python_slim_and_runs_as_a_non_root_user():
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    user = [arg for op, arg in steps if op == "USER"]
    assert user and not user[-1].startswith(("root", "0"))


def test_image_installs_the_pinned_requirements_and_our_packages_as_bootstrap_does():
    steps = instructions()
    runs = " ".join(arg for op, arg in steps if op == "RUN")
    copies = [arg.split() for op, arg in steps if op == "COPY"]
    assert ["requirements.txt", "./"] in copies
    assert "pip install -r requirements.txt" in runs
    assert "deploy/bootstrap.sh" in runs
    copied = {source for source, *_ in copies}
    for package in bootstrap_packages():
        assert any(package == c or package.startswith(c + "/") for c in copied), package


def test_build_context_holds_every_file_the_install_needs_and_no_local_state():
    rules = ignore_rules()
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    needed = ["requirements.txt", "deploy/bootstrap.sh", "deploy/manage.sh", "deploy/env.sh"]
    needed += [f"{p}/pyproject.toml" for p in bootstrap_packages()]
    needed += [
        f
        for f in tracked
        if f.startswith(("libs/common/servicekit/", "services/", "tools/rfadmin/"))
        and "/tests/" not in f
    ]
    assert [f for f in needed if not in_context(f, rules)] == []
    for local in (
        ".venv/bin/python",
        "var/secrets.env",
        ".git/config",
        "services/tokens/tests/x.py",
        "tools/chaos/pyproject.toml",
    ):
        assert not in_context(local, rules), local


def test_no_secret_is_baked_into_the_image():
    from servicekit.config import VARIABLES

    secrets = {v.name for v in VARIABLES if v.secret}
    for op, arg in instructions():
        if op in {"ENV", "ARG"}:
            assert not any(name in arg for name in secrets), arg
