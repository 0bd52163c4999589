"""The test-control API's rules: which faults it injects, what its counters mean, what it refuses."""

FAULT_ENDPOINTS = ("auth", "token", "migrate", "revoke", "companyinformation")
# What a fault's body looks like: '' the endpoint's own shape (OAuth JSON on oauth-v1,
# ErrorInformation on /3/), or one shape on any endpoint: a proxy's text or HTML, nothing at all.
FAULT_BODIES = ("", "oauth", "error_information", "empty", "text", "html")

# Counters kept per label (a total beside), and counters kept as one number.
LABELLED = ("token_calls", "invalid_grant", "migrate_calls", "faults_served")
PLAIN = ("refreshes", "companyinformation_calls", "revoke_calls", "rate_limited")


class ControlRefused(Exception):
    """A control request that cannot be done; `code` says why (entrypoints map it to HTTP)."""

    code = "refused"

    @property
    def message(self) -> str:
        return str(self)


class UnknownTenant(ControlRefused):
    code = "not_found"

    def __init__(self, tenant_id: int):
        super().__init__(f"No tenant {tenant_id}.")


class Conflict(ControlRefused):
    code = "conflict"


class InvalidAccount(ControlRefused):
    """An account Fortnox would not have (a user name of another tenant, say)."""

    code = "invalid_input"


def counter_totals(rows: list[dict]) -> dict:
    """Every counter, zero when never counted; a labelled one per label with its total."""
    result = {name: {"total": 0} for name in LABELLED} | {name: 0 for name in PLAIN}
    for row in rows:
        name, value = row["name"], row["value"]
        if name in LABELLED:
            result[name][row["label"]] = result[name].get(row["label"], 0) + value
            result[name]["total"] += value
        else:
            result[name] = result.get(name, 0) + value
    return result
