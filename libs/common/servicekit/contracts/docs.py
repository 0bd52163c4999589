"""Write (or check) the event documentation other teams read, generated from the contracts.

    python -m servicekit.contracts.docs --write docs/events   # after changing a contract
    python -m servicekit.contracts.docs --check docs/events   # exit 1 if the files drifted

Generated: asyncapi.yaml, catalogue.md, schemas/envelope.json and schemas/<type>.v<N>.json.
README.md beside them is written by hand and left alone.
"""

import inspect
import json
from pathlib import Path

import click
import yaml

from servicekit.contracts import CONTRACTS, asyncapi
from servicekit.contracts.jsonschemas import (
    documented_contracts,
    envelope_schema,
    event_schema,
    file_name,
    publisher_of,
)

COMMAND = "python -m servicekit.contracts.docs --write docs/events"
SCHEMAS = "schemas"


def _json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _field_summary(name: str, prop: dict, required: bool) -> str:
    types = prop.get("type", "any")
    types = types if isinstance(types, list) else [types]
    kind = prop.get("format") or " or ".join(t for t in types if t != "null")
    if "enum" in prop:
        kind = " \\| ".join(str(v) for v in prop["enum"] if v is not None)
    if "null" in types:
        kind += " or null"
    return f"`{name}`{'' if required else '?'} {kind}"


def catalogue() -> str:
    lines = [
        "# Event catalogue",
        "",
        f"Generated from `servicekit.contracts` by `{COMMAND}`; do not edit by hand.",
        "A `?` marks an optional field. Envelope, routing and guarantees: [README.md](README.md).",
    ]
    publisher = None
    for event_type, version in documented_contracts():
        if publisher_of(event_type, version) != publisher:
            publisher = publisher_of(event_type, version)
            module = inspect.getmodule(CONTRACTS[(event_type, version)])
            lines += ["", f"## {publisher}", "", inspect.cleandoc(module.__doc__ or "").strip()]
            lines += ["", "Schemas and fields:", "", "| event | schema | data |", "|---|---|---|"]
        data = event_schema(event_type, version)["properties"]["data"]
        required = set(data.get("required", ()))
        fields = ", ".join(
            _field_summary(name, prop, name in required)
            for name, prop in data.get("properties", {}).items()
        )
        link = f"{SCHEMAS}/{file_name(event_type, version)}"
        lines.append(
            f"| `{event_type}` v{version} | [{file_name(event_type, version)}]({link}) | {fields} |"
        )
    return "\n".join(lines) + "\n"


def render() -> dict[str, str]:
    """Every generated file: path relative to the docs directory -> content."""
    files = {
        "asyncapi.yaml": yaml.safe_dump(
            asyncapi.document(), sort_keys=False, allow_unicode=True, width=100
        ),
        "catalogue.md": catalogue(),
        f"{SCHEMAS}/envelope.json": _json(envelope_schema()),
    }
    for event_type, version in documented_contracts():
        files[f"{SCHEMAS}/{file_name(event_type, version)}"] = _json(
            event_schema(event_type, version)
        )
    return files


def _on_disk(directory: Path) -> set[str]:
    """Generated files present: all but the hand-written README.md."""
    if not directory.is_dir():
        return set()
    found = {"asyncapi.yaml", "catalogue.md"} & {p.name for p in directory.iterdir()}
    schemas = directory / SCHEMAS
    if schemas.is_dir():
        found |= {f"{SCHEMAS}/{p.name}" for p in schemas.glob("*.json")}
    return found


def differences(directory: Path) -> list[str]:
    """What differs between the directory and freshly generated docs ([] when in step)."""
    wanted = render()
    problems = []
    for path, content in wanted.items():
        target = directory / path
        if not target.exists():
            problems.append(f"missing: {path}")
        elif target.read_text(encoding="utf-8") != content:
            problems.append(f"out of date: {path}")
    problems += [
        f"no longer generated: {path}" for path in sorted(_on_disk(directory) - set(wanted))
    ]
    return problems


def write(directory: Path) -> list[str]:
    """Write every generated file and remove stale ones; returns the paths that changed."""
    changed = differences(directory)
    wanted = render()
    (directory / SCHEMAS).mkdir(parents=True, exist_ok=True)
    for path, content in wanted.items():
        (directory / path).write_text(content, encoding="utf-8")
    for path in _on_disk(directory) - set(wanted):
        (directory / path).unlink()
    return changed


@click.command(help=__doc__.splitlines()[0])
@click.option("--write", "write_to", metavar="DIR", type=Path, help="generate the docs into DIR")
@click.option("--check", "check_in", metavar="DIR", type=Path, help="exit 1 if DIR has drifted")
def main(write_to: Path | None, check_in: Path | None) -> None:
    if (write_to is None) == (check_in is None):
        raise click.UsageError("give one of --write DIR and --check DIR")
    if write_to:
        changed = write(write_to)
        click.echo(f"{len(render())} files in {write_to}; {len(changed)} changed")
        for line in changed:
            click.echo(f"  {line}")
        return
    problems = differences(check_in)
    if problems:
        click.echo(
            f"event docs in {check_in} differ from the contracts; run `{COMMAND}`:", err=True
        )
        for line in problems:
            click.echo(f"  {line}", err=True)
        raise SystemExit(1)
    click.echo(f"event docs in {check_in} match the contracts")


if __name__ == "__main__":
    main()
