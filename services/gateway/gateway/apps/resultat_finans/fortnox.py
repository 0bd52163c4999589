"""The Fortnox connection: "Ny Token", Fortnox's return (/fortnox/callback), check, disconnect.

The return from Fortnox carries a one-time code in its query string. The callback hands it to
the tokens service at once and redirects, so the code stays out of the browser's history and of
any Referer; nothing here logs the query string (gunicorn's access log is off as well).
"""

from flask import Blueprint, flash, make_response, redirect, request, url_for
from servicekit.http import ServiceRefused, ServiceUnavailable

from gateway.apps.resultat_finans import compose, texts
from gateway.apps.resultat_finans.pages import APP_KEY, settings_url
from gateway.web.session import app_required, current_user

CALLBACK_FIELDS = ("state", "code", "error", "error_description")


def register(bp: Blueprint) -> None:
    @bp.post("/resultat-finans/fortnox/ny-token")
    @app_required(APP_KEY, admin=True)
    def new_token():
        user = current_user()
        try:
            assertion = compose.vouched("fortnox.connect")
            started = compose.tokens().start_connect(user.org_id, assertion)
        except (ServiceUnavailable, ServiceRefused):
            flash(texts.TOKENS_DOWN[1], "error")
            return redirect(settings_url(), code=303)
        return redirect(started["authorize_url"], code=303)

    @bp.get("/fortnox/callback")
    def callback():
        query = {name: request.args.get(name) for name in CALLBACK_FIELDS}
        user = current_user()
        if user is None:
            flash(texts.SESSION_GONE, "error")
            target = url_for("portal.login", next=settings_url())
        else:
            try:
                assertion = compose.vouched("fortnox.callback")
                answer = compose.tokens().complete(query, assertion)
                category, message = texts.outcome_message(answer, user.org_name, user.org_number)
            except (ServiceUnavailable, ServiceRefused):
                category, message = texts.TOKENS_DOWN
            flash(message, category)
            target = settings_url()
        response = make_response(redirect(target, code=303))
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @bp.post("/resultat-finans/fortnox/kontrollera")
    @app_required(APP_KEY)
    def check():
        user = current_user()
        try:
            result = compose.tokens().check(user.org_id, compose.vouched("fortnox.check"))
        except (ServiceUnavailable, ServiceRefused):
            flash("Kontrollen kunde inte göras just nu. Försök igen om en stund.", "error")
        else:
            category, message = texts.check_message(result)
            flash(message, category)
        return redirect(settings_url() + "#fortnox", code=303)

    @bp.post("/resultat-finans/fortnox/koppla-fran")
    @app_required(APP_KEY, admin=True)
    def disconnect():
        user = current_user()
        try:
            compose.tokens().disconnect(user.org_id, compose.vouched("fortnox.disconnect"))
        except ServiceUnavailable:
            flash("Kopplingen kunde inte tas bort just nu. Försök igen om en stund.", "error")
        except ServiceRefused:
            flash("Det finns ingen koppling till Fortnox att ta bort.", "error")
        else:
            flash("Kopplingen till Fortnox är borttagen. Klicka på Ny Token för att koppla igen.")
        return redirect(settings_url() + "#fortnox", code=303)
