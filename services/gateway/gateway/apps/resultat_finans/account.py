"""Konto: the signed-in user changes their own password.

The auth service checks the current password (under the log-in limits) and the new one, and
answers a new session id; the repeat field is the form's own check, made before anything is sent.
"""

from flask import Blueprint, flash, g, redirect, request, session, url_for
from servicekit.http import ServiceRefused

from gateway.apps.resultat_finans.pages import APP_KEY, render_settings, settings_url
from gateway.web.security import client_address
from gateway.web.session import app_required, auth_client, current_user, set_session_cookie

FIELDS = ("current_password", "new_password", "new_password_repeat")
MISSING = {
    "current_password": "Ange ditt nuvarande lösenord.",
    "new_password": "Ange ett nytt lösenord.",
    "new_password_repeat": "Upprepa det nya lösenordet.",
}
MISMATCH = "Lösenorden är inte lika. Skriv samma nya lösenord i båda fälten."
CHANGED = "Ditt lösenord är ändrat. Du är kvar inloggad här; alla andra inloggningar har avslutats."


def _form_problems(form: dict) -> dict:
    problems = {name: MISSING[name] for name in FIELDS if not form[name]}
    if not problems and form["new_password"] != form["new_password_repeat"]:
        problems["new_password_repeat"] = MISMATCH
    return problems


def _refused(refused: ServiceRefused):
    if refused.status == 401:  # the session ended meanwhile (log-out elsewhere, disabled)
        g.session_ended = True
        flash("Din inloggning har avslutats. Logga in igen.", "error")
        return redirect(url_for("portal.login"), code=303)
    if refused.status == 429:
        wait = refused.retry_after or 60
        errors = {"current_password": f"För många försök. Vänta {wait} sekunder och försök igen."}
    elif refused.status == 422:
        errors = refused.fields
    else:
        raise refused
    flash("Lösenordet ändrades inte. Rätta uppgiften som är markerad.", "error")
    return render_settings("konto", account_errors=errors), refused.status


def register(bp: Blueprint) -> None:
    @bp.post("/resultat-finans/installningar/losenord")
    @app_required(APP_KEY)
    def change_password():
        # Never stripped: spaces are part of a password.
        form = {name: request.form.get(name, "") for name in FIELDS}
        problems = _form_problems(form)
        if problems:
            flash("Lösenordet ändrades inte. Rätta uppgiften som är markerad.", "error")
            return render_settings("konto", account_errors=problems), 422
        try:
            result = auth_client().change_password(
                current_user().session_token,
                form["current_password"],
                form["new_password"],
                client_address(),
            )
        except ServiceRefused as refused:
            return _refused(refused)
        session.clear()  # a new CSRF secret with the new session id, as at log-in
        flash(CHANGED)
        response = redirect(settings_url("konto") + "#konto", code=303)
        set_session_cookie(response, result["session_token"])
        return response
