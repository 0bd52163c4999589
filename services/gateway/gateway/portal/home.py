"""Hem: the app tiles of the user's organisation; and the placeholders of apps not built here."""

from flask import Blueprint, abort, render_template

from gateway.web.session import app_required, current_user, login_required

# Apps of the portal whose pages are not part of this platform (yet).
PLACEHOLDER_APPS = {"aspia-ica": "Aspia ICA", "pm-sync": "PM Sync"}


@login_required
def home():
    return render_template("portal/home.html", apps=current_user().apps)


def app_placeholder(app_key: str):
    if app_key not in PLACEHOLDER_APPS:
        abort(404)

    @app_required(app_key)
    def show():
        return render_template("apps/placeholder.html", app_name=PLACEHOLDER_APPS[app_key])

    return show()


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", endpoint="home", view_func=home)
    bp.add_url_rule("/appar/<app_key>/", view_func=app_placeholder)
