"""`python -m servicekit.config`: a table people read; the shell exports only behind --exports."""

import os
import subprocess
import sys

from click.testing import CliRunner
from servicekit import config_command
from servicekit.config import VARIABLES, reference_markdown, shell_defaults


def test_the_table_shows_each_value_or_default_and_only_whether_a_secret_is_set():
    shown = config_command.table(
        {"AMQP_URL": "amqp://rf:hunter2@broker:5672/%2F", "GATEWAY_SECRET_KEY": "s3cret-value"}
    )
    assert all(f"{variable.name}=" in shown for variable in VARIABLES)
    assert "AMQP_URL=amqp://rf:***@broker:5672/%2F" in shown and "hunter2" not in shown
    assert "GATEWAY_SECRET_KEY=(set)" in shown and "s3cret-value" not in shown
    assert "TOKENS_ENCRYPTION_KEYS=(not set" in shown
    assert "EVENTS_EXCHANGE=rf.events  (default)" in shown
    assert "    the durable topic exchange every event goes to" in shown


def test_exports_and_markdown_are_behind_their_flags():
    run = CliRunner().invoke
    assert run(config_command.main, ["--exports"]).stdout.strip() == shell_defaults()
    assert run(config_command.main, ["--markdown"]).stdout.strip() == reference_markdown()
    assert run(config_command.main, ["--exports", "--markdown"]).exit_code == 2


def test_the_module_prints_the_table_without_flags():
    environ = {k: v for k, v in os.environ.items() if k != "EVENTS_EXCHANGE"}
    result = subprocess.run(
        [sys.executable, "-m", "servicekit.config"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "EVENTS_EXCHANGE=rf.events  (default)" in result.stdout
    assert "export " not in result.stdout
