"""Resultat Finans: Hem, Inställningar (Konto, Applikation) and the Fortnox "Ny Token" flow.

The pages are composed from the tokens service (the Fortnox connection) and the settings
service (payment method, company info); each may be down without taking the page with it.
"""

from flask import Blueprint

from gateway.adapters.backend import SettingsClient, TokensClient
from gateway.apps.resultat_finans import account, fortnox, pages

APP_KEY = pages.APP_KEY


def build_blueprint() -> Blueprint:
    bp = Blueprint("resultat_finans", __name__)

    @bp.record_once
    def _clients(state):
        config = state.app.config
        state.app.extensions["rf_tokens"] = TokensClient(config["TOKENS_URL"], config["OWN_KEY"])
        state.app.extensions["rf_settings"] = SettingsClient(
            config["SETTINGS_URL"], config["OWN_KEY"]
        )

    pages.register(bp)
    account.register(bp)
    fortnox.register(bp)
    return bp
