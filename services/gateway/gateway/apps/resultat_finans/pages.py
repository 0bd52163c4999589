"""Hem and Inställningar (tabs Konto and Applikation) with "Spara" of the payment method."""

from urllib.parse import urlparse

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from servicekit.http import ServiceRefused, ServiceUnavailable
from servicekit.web import with_retry_after

from gateway.apps.resultat_finans import compose
from gateway.web.session import app_required, current_user

APP_KEY = "resultat-finans"
TABS = ("applikation", "konto")
PAYMENT_FIELDS = ("method", "number", "clearing_number", "account_number")
METHODS = (("bankgiro", "Bankgiro"), ("plusgiro", "Plusgiro"), ("bank_account", "Bankkonto"))


def _from_portal() -> bool:
    """The request came from the portal's Hem (same origin; the Referrer-Policy keeps it)."""
    referrer = urlparse(request.referrer or "")
    own = urlparse(request.host_url)
    return (referrer.scheme, referrer.netloc) == (own.scheme, own.netloc) and referrer.path == "/"


def settings_url(tab: str = "applikation") -> str:
    return url_for("resultat_finans.settings", flik=tab)


def _payment_form(view: compose.AppView) -> dict:
    pm = view.payment_method or {}
    return {
        "method": pm.get("method", "bankgiro"),
        "number": pm.get("display") if pm.get("method") != "bank_account" else "",
        "clearing_number": pm.get("clearing_number") or "",
        "account_number": pm.get("account_number") or "",
    }


def render_settings(
    tab: str,
    *,
    form: dict | None = None,
    errors: dict | None = None,
    account_errors: dict | None = None,
):
    user = current_user()
    # Konto shows the user's own account only: it needs neither the tokens nor the settings service.
    view = compose.AppView() if tab == "konto" else compose.load(user.org_id, with_history=True)
    return render_template(
        "resultat_finans/settings.html",
        tab=tab,
        view=view,
        form=form or _payment_form(view),
        errors=errors or {},
        account_errors=account_errors or {},
        methods=METHODS,
    )


def register(bp: Blueprint) -> None:
    @bp.get("/resultat-finans/")
    @app_required(APP_KEY)
    def index():
        view = compose.load(current_user().org_id)
        if view.needs_new_token and _from_portal():
            # Opening the app from the portal's tile leads straight to where "Ny Token" is.
            return redirect(settings_url(), code=303)
        return render_template("resultat_finans/index.html", view=view)

    @bp.get("/resultat-finans/installningar")
    @app_required(APP_KEY)
    def settings():
        tab = request.args.get("flik", "applikation")
        return render_settings(tab if tab in TABS else "applikation")

    @bp.post("/resultat-finans/installningar/betalningssatt")
    @app_required(APP_KEY, admin=True)
    def save_payment_method():
        user = current_user()
        form = {name: request.form.get(name, "").strip() for name in PAYMENT_FIELDS}
        try:
            assertion = compose.vouched("settings.save_payment_method")
            compose.settings().save_payment_method(user.org_id, form, assertion)
        except ServiceUnavailable:
            flash("Betalningsättet kunde inte sparas just nu. Försök igen om en stund.", "error")
            page = make_response(render_settings("applikation", form=form), 503)
            return with_retry_after(page)
        except ServiceRefused as refused:
            if refused.status != 422:
                raise
            errors = {name: " ".join(msgs) for name, msgs in refused.fields.items()}
            flash("Betalningsättet sparades inte. Rätta uppgiften som är markerad.", "error")
            return render_settings("applikation", form=form, errors=errors), 422
        flash("Betalningsättet är sparat.")
        return redirect(settings_url() + "#betalningssatt", code=303)
