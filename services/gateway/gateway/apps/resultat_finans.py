"""Resultat Finans: a placeholder start page until the app's own pages (Inställningar) come.

The app's pages extend `resultat_finans/layout.html` (the app's menu) and guard their views
with `app_required(APP_KEY)`.
"""

from flask import Blueprint, render_template

from gateway.web.session import app_required

APP_KEY = "resultat-finans"


def build_blueprint() -> Blueprint:
    bp = Blueprint("resultat_finans", __name__, url_prefix="/resultat-finans")

    @bp.get("/")
    @app_required(APP_KEY)
    def index():
        return render_template("resultat_finans/index.html")

    return bp
