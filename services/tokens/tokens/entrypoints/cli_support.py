"""Helpers of the command lines (cli.py, migration_cli.py): the service wired from the
environment's configuration, and the parameter types that refuse a malformed organisation id
or time before anything runs."""

from datetime import UTC, datetime

import click
import psycopg
from psycopg.conninfo import conninfo_to_dict
from servicekit.ids import canonical_uuid
from servicekit.migrate import command_pool

from tokens import config as service_config
from tokens.adapters.crypto import KeyringError
from tokens.bootstrap import bootstrap
from tokens.entrypoints.workers import MIGRATIONS
from tokens.handlers import Services


def services() -> tuple[dict, Services]:
    config = service_config.load()
    try:
        pool = command_pool(config["DATABASE_URL"], MIGRATIONS, "tokens-cli", max_size=12)
        return config, bootstrap(config, pool)
    except (RuntimeError, KeyringError) as exc:
        raise click.ClickException(str(exc)) from None
    except psycopg.Error as exc:
        raise click.ClickException(
            f"the tokens database ({_where(config['DATABASE_URL'])}) cannot be used:"
            f" {str(exc).strip()}"
        ) from None


def _where(url: str) -> str:
    """host:port/database of a PostgreSQL URL, never its password."""
    parts = conninfo_to_dict(url)
    return f"{parts.get('host', '')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


class OrgId(click.ParamType):
    name = "ORG_ID"

    def convert(self, value, param, ctx) -> str:
        try:
            return canonical_uuid(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an organisation id (a UUID)", param, ctx)


class Moment(click.ParamType):
    """An ISO 8601 date and time; one without a time zone is UTC."""

    name = "ISO-DATETIME"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time, e.g. 2025-06-01T06:00+02:00", param, ctx)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


ORG_ID = OrgId()
MOMENT = Moment()


def utc(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
