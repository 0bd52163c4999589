"""`python -m servicekit.config`: every environment variable, its value here and what it means.

    python -m servicekit.config             # the table: value (or default), secrets set/unset
    python -m servicekit.config --exports   # `export NAME=${NAME:-default}` for the local run
    python -m servicekit.config --markdown  # the reference table of docs/operations.md

`rfadmin config` prints the same table.
"""

import os
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

import click

from servicekit import config as env


def without_password(url: str) -> str:
    """The URL with its password, if any, shown as ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def table(environ: Mapping[str, str] | None = None) -> str:
    """One entry per variable: `NAME=value` (marked when it is the default; a secret shows only
    whether it is set; passwords in URLs masked), its meaning on the line below."""
    source = os.environ if environ is None else environ
    lines = []
    for variable in env.VARIABLES:
        value = source.get(variable.name)
        if variable.secret:
            shown = "(set)" if value else "(not set: required where it is used)"
        elif value is None or value == variable.default:
            shown = f"{without_password(variable.default)}  (default)"
        else:
            shown = without_password(value)
        lines += [f"{variable.name}={shown}", f"    {variable.help}"]
    return "\n".join(lines)


@click.command("config", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--exports", is_flag=True, help="shell exports of the defaults (deploy/env.sh)")
@click.option("--markdown", is_flag=True, help="the reference table of docs/operations.md")
def main(exports: bool, markdown: bool) -> None:
    """Every environment variable: its value here, whether that is the default, and what it
    means. A secret shows only whether it is set; passwords in URLs are masked."""
    if exports and markdown:
        raise click.UsageError("give at most one of --exports and --markdown")
    if exports:
        click.echo(env.shell_defaults())
    elif markdown:
        click.echo(env.reference_markdown())
    else:
        click.echo(table())
