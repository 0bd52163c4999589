"""What a Resultat Finans page shows, gathered from the services that may each be down."""

from dataclasses import dataclass, field

from flask import current_app

from gateway.adapters.backend import SettingsClient, TokensClient, Unavailable

# What the page says is missing when a service does not answer.
UNAVAILABLE = {
    "tokens": "Uppgifterna om Fortnox-kopplingen",
    "settings": "Betalningsätt och sparade företagsuppgifter",
}


# The tokens service's states of a connection that exists (revoked and not_connected do not).
CONNECTION_STATES = ("connected", "needs_reauthorization")


def tokens() -> TokensClient:
    return current_app.extensions["rf_tokens"]


def settings() -> SettingsClient:
    return current_app.extensions["rf_settings"]


@dataclass
class AppView:
    status: dict | None = None  # the tokens service's status of the Fortnox connection
    payment_method: dict | None = None
    company: dict | None = None  # from the tokens service, else the settings service's copy
    unavailable: list[str] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        """A connection exists, working or not; one the customer disconnected (`revoked`) is
        no connection any more: the page offers to connect again."""
        return bool(self.status and self.status.get("state") in CONNECTION_STATES)

    @property
    def needs_new_token(self) -> bool:
        """The notice and "Ny Token": a legacy token, or a connection that cannot renew."""
        if self.status is None:
            return False
        state = self.status.get("state")
        return bool(self.status.get("legacy")) or state in (
            "needs_reauthorization",
            "revoked",
            "not_connected",
        )

    @property
    def state(self) -> str:
        """One word for Hem: ok, legacy, action, not_connected, unknown."""
        if self.status is None:
            return "unknown"
        if not self.connected:
            return "not_connected"
        if self.status.get("state") != "connected":
            return "action"  # Fortnox refused it, legacy or not: only "Ny Token" helps
        if self.status.get("legacy"):
            return "legacy"
        return "ok" if self.status.get("access_token_valid") else "action"


def load(org_id: str) -> AppView:
    view = AppView()
    try:
        view.status = tokens().status(org_id)
    except Unavailable:
        view.unavailable.append(UNAVAILABLE["tokens"])
    try:
        overview = settings().overview(org_id)
    except Unavailable:
        view.unavailable.append(UNAVAILABLE["settings"])
    else:
        pm = overview.get("payment_method") or {}
        view.payment_method = pm if pm.get("configured") else None
        saved_company = overview.get("company") or {}
        view.company = saved_company if saved_company.get("known") else None
    if view.status and view.connected:
        # The tokens service is the source: right after "Ny Token" it is already current,
        # while the settings service's copy follows by events a moment later.
        view.company = {
            "company_name": view.status.get("company_name"),
            "organisation_number": view.status.get("organisation_number"),
            "database_number": view.status.get("database_number"),
        }
    return view
