"""`rfadmin`: the operators' one entry point, made of the services' own commands (the same
click commands as `python -m tokens.entrypoints.cli`, the same dead-letter command as
`python -m servicekit.events.dlq`), so the two can never drift apart.

Configuration comes from the environment, as for every process (`rfadmin config` lists it). On
a developer machine the secrets `make run` wrote to $RF_VAR_DIR/secrets.env are read as well;
values already in the environment win. Exit status: 0 done, 1 failed, 2 bad usage.
"""

import os
from pathlib import Path

import click
from auth.entrypoints import cli as auth_cli
from servicekit import config as env
from servicekit import config_command
from servicekit.events import dlq_command
from tokens.entrypoints import cli as tokens_cli
from tokens.entrypoints import migration_cli

ROOT = Path(__file__).resolve().parents[3]  # the checkout bootstrap.sh installed us from


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def rfadmin() -> None:
    """Operate the Resultat Finans platform: connections, legacy migration, encryption keys,
    dead-lettered events, configuration. Never prints a token or a secret."""


@rfadmin.group()
def connection() -> None:
    """An organisation's Fortnox connection: its state, audit trail and renewal; which
    organisations must act on theirs."""


@rfadmin.group()
def migration() -> None:
    """Legacy tokens to OAuth without the customer, when an operator decides: schedule whom and
    from when; the tokens-migrator worker (or `run`, in the foreground) does the rest."""


@rfadmin.group()
def keys() -> None:
    """The token encryption keys (TOKENS_ENCRYPTION_KEYS): make a new one, re-encrypt under it."""


# Each group's commands by the name operators type: the services' own click commands.
MOUNTED = {
    connection: {
        "show": tokens_cli.show,
        "refresh": tokens_cli.refresh,
        "import-legacy": tokens_cli.import_legacy,
        "move-to-service-account": tokens_cli.move_to_service_account,
        "needs-action": auth_cli.needs_action,
    },
    migration: {
        "schedule": migration_cli.schedule_migration,
        "unschedule": migration_cli.unschedule_migration,
        "list": migration_cli.scheduled_migrations,
        "run": migration_cli.migrate_legacy,
    },
    keys: {"rotate": tokens_cli.rotate_key, "new": tokens_cli.new_key_command},
    rfadmin: {"dlq": dlq_command.main, "config": config_command.main},
}
for group, commands in MOUNTED.items():
    for name, command in commands.items():
        group.add_command(command, name)


def read_local_secrets(environ=os.environ) -> None:
    """What deploy/env.sh does for the local run: secrets from $RF_VAR_DIR/secrets.env."""
    var_dir = Path(environ.get("RF_VAR_DIR") or env.get("RF_VAR_DIR", {}))
    secrets = (var_dir if var_dir.is_absolute() else ROOT / var_dir) / "secrets.env"
    if not secrets.is_file():
        return
    for line in secrets.read_text().splitlines():
        name, _, value = line.partition("=")
        if name and value and not environ.get(name):
            environ[name] = value


def main() -> None:
    read_local_secrets()
    rfadmin(prog_name="rfadmin")
