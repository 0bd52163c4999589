"""What a Resultat Finans page shows, gathered from the services that may each be down."""

import contextvars
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app
from servicekit.http import ServiceRefused, ServiceUnavailable

from gateway.adapters.settings_client import SettingsClient
from gateway.adapters.tokens_client import TokensClient
from gateway.apps.resultat_finans.attention import attention_message, history_text
from gateway.web.session import auth_client, current_user

# What the page says is missing when a service does not answer.
UNAVAILABLE = {
    "tokens": "Uppgifterna om Fortnox-kopplingen",
    "settings": "Betalningsätt och sparade företagsuppgifter",
}
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


# The tokens service's states of a connection that exists (revoked and not_connected do not).
CONNECTION_STATES = ("connected", "needs_reauthorization")


def tokens() -> TokensClient:
    return current_app.extensions["rf_tokens"]


def settings() -> SettingsClient:
    return current_app.extensions["rf_settings"]


def fanout() -> ThreadPoolExecutor:
    return current_app.extensions["rf_fanout"]


def vouched(action: str) -> str:
    """Auth's assertion that the signed-in person starts `action`: the service doing it acts on
    that, not on the gateway's word. Auth down raises ServiceUnavailable like the services'
    own silence; auth refusing (the session's person may not) is the 403 page."""
    user = current_user()
    try:
        return auth_client().assert_action(user.session_token, user.org_id, action)
    except ServiceRefused:
        abort(403)


@dataclass
class AppView:
    status: dict | None = None  # the tokens service's status of the Fortnox connection
    payment_method: dict | None = None
    company: dict | None = None  # from the tokens service, else the settings service's copy
    unavailable: list[str] = field(default_factory=list)
    history: list[dict] | None = None  # Händelser, when the page shows them

    @property
    def attention(self) -> str | None:
        """Why the customer must act now ("Åtgärd krävs"), in their words; None: nothing."""
        reason = (self.status or {}).get("attention")
        return attention_message(reason) if reason else None

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


def load(org_id: str, *, with_history: bool = False) -> AppView:
    """Every look-up of the page at once: the tokens service's on the page's fan-out threads
    (with this request's context, so its correlation id goes along), the settings service's
    right here. `with_history`: Händelser too, in the same look-up as the status."""
    view = AppView()
    status = _aside(tokens().overview if with_history else tokens().status, org_id)
    try:
        overview = settings().overview(org_id)
    except ServiceUnavailable:
        view.unavailable.append(UNAVAILABLE["settings"])
    else:
        pm = overview.get("payment_method") or {}
        view.payment_method = pm if pm.get("configured") else None
        saved_company = overview.get("company") or {}
        view.company = saved_company if saved_company.get("known") else None
    try:
        answer = status.result()
    except ServiceUnavailable:
        view.unavailable.insert(0, UNAVAILABLE["tokens"])
    else:
        if with_history:
            entries, answer = answer["history"], answer["status"]
            view.history = [{"at": swedish_time(e["at"]), "text": history_text(e)} for e in entries]
        view.status = answer
    if view.status and view.connected:
        # The tokens service is the source: right after "Ny Token" it is already current,
        # while the settings service's copy follows by events a moment later.
        view.company = {
            "company_name": view.status.get("company_name"),
            "organisation_number": view.status.get("organisation_number"),
            "database_number": view.status.get("database_number"),
        }
    return view


def _aside(call, org_id: str) -> Future:
    return fanout().submit(contextvars.copy_context().run, call, org_id)


def swedish_time(iso: str) -> str:
    """`2026-11-30 14:05`, Swedish time: the date and time as Swedes write them."""
    return datetime.fromisoformat(iso).astimezone(SWEDISH_TIME).strftime("%Y-%m-%d %H:%M")
