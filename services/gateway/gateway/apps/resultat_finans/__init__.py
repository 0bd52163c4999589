"""Resultat Finans: Hem, Inställningar (Konto, Applikation) and the Fortnox "Ny Token" flow.

The pages are composed from the tokens service (the Fortnox connection) and the settings
service (payment method, company info); each may be down without taking the page with it.
"""

from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint
from servicekit.http import internal_key

from gateway.adapters.settings_client import SettingsClient
from gateway.adapters.tokens_client import TokensClient
from gateway.apps.resultat_finans import account, fortnox, pages

APP_KEY = pages.APP_KEY


def build_blueprint() -> Blueprint:
    bp = Blueprint("resultat_finans", __name__)

    @bp.record_once
    def _clients(state):
        config = state.app.config
        credential = internal_key(config["OWN_KEY"])
        state.app.extensions["rf_tokens"] = TokensClient(config["TOKENS_URL"], credential)
        state.app.extensions["rf_settings"] = SettingsClient(config["SETTINGS_URL"], credential)
        # A page asks the tokens service twice (status, Händelser) while it asks the settings
        # service itself: two fan-out threads per gunicorn thread (deploy/gunicorn.conf.py
        # gives the gateway 16) never keep one waiting.
        state.app.extensions["rf_fanout"] = ThreadPoolExecutor(32, thread_name_prefix="rf-fanout")

    pages.register(bp)
    account.register(bp)
    fortnox.register(bp)
    return bp
