"""Company facts (Företag, Organisationsnummer, Databasid) as the tokens service reports them.

Facts arrive three ways, possibly duplicated and out of order:
- `company.updated` carries a per-organisation `version` that grows with every change;
- `token.connected` / `token.upgraded` carry the facts as they were when the event happened,
  without a version (whenever the facts changed, the tokens service published a
  `company.updated` in the same transaction);
- a rebuild asks the tokens service's status API for the facts as they are now.

The rule: a `company.updated` whose version is not above the highest seen is ignored, so an
older one never overwrites a newer one; otherwise (and for the other two) the facts replace
the kept ones only when they are at least as recent (`as_of`), and the highest version seen is
kept either way.
"""

from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class Observation:
    company_name: str | None
    organisation_number: str | None
    database_number: str | None
    as_of: datetime
    source: str  # the event type, or "rebuild"
    version: int | None = None  # company.updated's version (or the status API's, if it has one)


@dataclass(frozen=True)
class CompanyInfo:
    company_name: str | None
    organisation_number: str | None
    database_number: str | None
    as_of: datetime
    source: str
    version: int = 0


def merge(known: CompanyInfo | None, seen: Observation) -> CompanyInfo | None:
    """The company info after seeing the observation, or None when nothing changes."""
    if known is None:
        return CompanyInfo(
            seen.company_name,
            seen.organisation_number,
            seen.database_number,
            seen.as_of,
            seen.source,
            seen.version or 0,
        )
    if seen.source == "company.updated" and (seen.version or 0) <= known.version:
        return None
    version = max(known.version, seen.version or 0)
    if seen.as_of < known.as_of:
        return replace(known, version=version) if version != known.version else None
    updated = CompanyInfo(
        seen.company_name,
        seen.organisation_number,
        seen.database_number,
        seen.as_of,
        seen.source,
        version,
    )
    return None if updated == known else updated
