#!/usr/bin/env python3
"""Starts every process of deploy/Procfile under supervisord in the foreground (`make run`'s
last step): writes $RF_VAR_DIR/supervisord.conf, then becomes supervisord. Copies of a worker:
<NAME>_REPLICAS (tokens-refresher -> TOKENS_REFRESHER_REPLICAS)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from manifests.model import ROOT, read_procfile  # noqa: E402
from manifests.supervisord import render  # noqa: E402


def main() -> None:
    var_dir = Path(os.environ.get("RF_VAR_DIR", "var")).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    conf = var_dir / "supervisord.conf"
    conf.write_text(render(read_procfile(), os.environ, var_dir))
    supervisord = ROOT / ".venv" / "bin" / "supervisord"
    os.execv(supervisord, [str(supervisord), "--nodaemon", "--configuration", str(conf)])


if __name__ == "__main__":
    main()
