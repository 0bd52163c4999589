"""Pages without a session: Inloggning, Glömt lösenord, Ny kund and the links mailed to people."""

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from servicekit.http import ServiceRefused

from gateway.web.errors import error_page
from gateway.web.security import client_address
from gateway.web.session import (
    auth_client,
    clear_session_cookie,
    current_user,
    safe_next,
    set_session_cookie,
)

REGISTRATION_FIELDS = ("company_name", "org_number", "name", "email", "password")
LINK_PAGES = {"reset": "portal/reset.html", "invite": "portal/invitation.html"}


def _no_referrer(response):
    """Pages opened from a mailed link keep their token out of any Referer header."""
    response = make_response(response)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def login():
    if request.method == "GET":
        if current_user() is not None:
            return redirect(safe_next(request.args.get("next")))
        return render_template("portal/login.html", next=request.args.get("next", ""))
    identifier = request.form.get("identifier", "")
    try:
        result = auth_client().log_in(
            identifier, request.form.get("password", ""), client_address()
        )
    except ServiceRefused as refused:
        message = refused.message
        if refused.status == 429 and refused.retry_after:
            message = (
                f"För många misslyckade försök. Försök igen om {refused.retry_after} sekunder."
            )
        page = render_template(
            "portal/login.html",
            identifier=identifier,
            error=message,
            fields=refused.fields,
            next=request.form.get("next", ""),
        )
        return page, refused.status
    # A new session id at every log-in, and a new CSRF secret with it.
    session.clear()
    response = redirect(safe_next(request.form.get("next")))
    set_session_cookie(response, result["session_token"])
    return response


def logout():
    user = current_user()
    if user is not None:
        auth_client().log_out(user.session_token)
    session.clear()
    flash("Du är utloggad.")
    response = redirect(url_for("portal.login"))
    clear_session_cookie(response)
    return response


def forgot_password():
    if request.method == "GET":
        return render_template("portal/forgot.html")
    identifier = request.form.get("identifier", "")
    try:
        auth_client().request_reset(identifier, client_address())
    except ServiceRefused as refused:
        page = render_template("portal/forgot.html", identifier=identifier, fields=refused.fields)
        return page, refused.status
    return render_template(
        "portal/message.html",
        title="Kolla din e-post",
        message="Om det finns ett konto för det du angav har vi skickat ett mejl med en länk för "
        "att välja ett nytt lösenord. Länken fungerar i 30 minuter.",
    )


def _link_page(purpose: str, success_message: str, complete):
    token = request.values.get("t", "")
    if request.method == "GET":
        try:
            about = auth_client().check_link(purpose, token)
        except ServiceRefused:
            return _no_referrer(_invalid_link(purpose))
        return _no_referrer(render_template(LINK_PAGES[purpose], token=token, about=about))
    try:
        complete(token, request.form.get("password", ""))
    except ServiceRefused as refused:
        if refused.status == 410:
            return _no_referrer(_invalid_link(purpose))
        about = auth_client().check_link(purpose, token)
        # A refusal without fields (an invitee who is the last administrator elsewhere) is
        # said next to the password.
        fields = refused.fields or {"password": refused.message}
        page = render_template(LINK_PAGES[purpose], token=token, about=about, fields=fields)
        return _no_referrer(make_response(page, refused.status))
    flash(success_message)
    return redirect(url_for("portal.login"))


def _invalid_link(purpose: str):
    action = (
        (url_for("portal.forgot_password"), "Beställ en ny länk") if purpose == "reset" else None
    )
    return error_page(410, "Länken är ogiltig, redan använd eller för gammal.", action)


def reset_password():
    return _link_page(
        "reset",
        "Lösenordet är bytt. Logga in med ditt nya lösenord.",
        auth_client().complete_reset,
    )


def accept_invitation():
    def complete(token: str, password: str) -> None:
        # an account holder's password is counted per address too, as at log-in
        auth_client().accept_invitation(token, password, client_address())

    return _link_page("invite", "Klart! Välkommen – logga in.", complete)


def register_customer():
    if request.method == "GET":
        return render_template("portal/register.html", form={})
    form = {name: request.form.get(name, "") for name in REGISTRATION_FIELDS}
    try:
        auth_client().register(form, client_address())
    except ServiceRefused as refused:
        form.pop("password")
        page = render_template(
            "portal/register.html", form=form, fields=refused.fields, error=refused.message
        )
        return page, refused.status
    return render_template(
        "portal/message.html",
        title="Bekräfta din e-postadress",
        message=f"Tack! Vi har skickat ett mejl till {form['email']}. Klicka på länken i mejlet "
        "för att bekräfta adressen, sedan kan du logga in.",
    )


def verify_email():
    """GET shows a button; only the POST verifies (no state change on GET, and mail scanners
    that open links do not use them up)."""
    token = request.values.get("t", "")
    if request.method == "GET":
        return _no_referrer(render_template("portal/verify.html", token=token))
    try:
        auth_client().verify_email(token)
    except ServiceRefused:
        return _no_referrer(_invalid_link("verify"))
    flash("Din e-postadress är bekräftad. Logga in för att komma igång.")
    return redirect(url_for("portal.login"))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/logga-in", view_func=login, methods=["GET", "POST"])
    bp.add_url_rule("/logga-ut", view_func=logout, methods=["POST"])
    bp.add_url_rule("/glomt-losenord", view_func=forgot_password, methods=["GET", "POST"])
    bp.add_url_rule("/aterstall-losenord", view_func=reset_password, methods=["GET", "POST"])
    bp.add_url_rule("/inbjudan", view_func=accept_invitation, methods=["GET", "POST"])
    bp.add_url_rule("/ny-kund", view_func=register_customer, methods=["GET", "POST"])
    bp.add_url_rule("/bekrafta-epost", view_func=verify_email, methods=["GET", "POST"])
