"""Fixtures of the offline deployment checks: the generator's model and the rendered manifests."""

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(DEPLOY))  # deploy/manifests is a folder of scripts, not an installed package

from manifests import model, render  # noqa: E402


@pytest.fixture(scope="session")
def processes() -> list[model.Process]:
    return model.read_procfile()


@pytest.fixture(scope="session")
def compose_file() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture(scope="session")
def base() -> list[dict]:
    return render.build(DEPLOY / "k8s" / "base")


@pytest.fixture(scope="session")
def production() -> list[dict]:
    return render.build(DEPLOY / "k8s" / "overlays" / "production")


def pick(documents: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [
        d
        for d in documents
        if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)
    ]


@pytest.fixture(scope="session")
def select():
    return pick


@pytest.fixture(scope="session")
def containers():
    return render.pod_containers


@pytest.fixture(scope="session")
def generate():
    """deploy/generate.py as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("deploy_generate", DEPLOY / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
