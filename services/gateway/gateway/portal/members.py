"""Organisation (details, members, invitations) and Administratörer (granting the role)."""

from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from servicekit.http import ServiceRefused

from gateway.web.errors import error_page
from gateway.web.session import admin_required, auth_client, current_user, login_required


def _overview() -> dict:
    user = current_user()
    return auth_client().organisation(user.session_token, user.org_id)


def _organisation_page(form: dict, fields: dict, status: int = 200):
    page = render_template("portal/organisation.html", org=_overview(), form=form, fields=fields)
    return page, status


@login_required
def organisation():
    return _organisation_page({}, {})


@admin_required
def invite():
    user = current_user()
    form = {"name": request.form.get("name", ""), "email": request.form.get("email", "")}
    try:
        auth_client().invite(user.session_token, user.org_id, form["name"], form["email"])
    except ServiceRefused as refused:
        # A refusal without fields (the invitation quota) is said next to the address.
        fields = refused.fields or {"email": refused.message}
        return _organisation_page(form, fields, refused.status)
    flash(f"En inbjudan har skickats till {form['email'].strip()}.")
    return redirect(url_for("portal.organisation"))


def _act(action, success: str, back: str):
    """Run an administrator's action; a refusal (e.g. the last administrator) is shown as a page."""
    try:
        action()
    except ServiceRefused as refused:
        if refused.status in (403, 404, 409, 422):
            flash(refused.message, "error")
            return redirect(url_for(back))
        raise
    flash(success)
    return redirect(url_for(back))


@admin_required
def remove_member(user_id: UUID):
    user = current_user()
    return _act(
        lambda: auth_client().remove_member(user.session_token, user.org_id, str(user_id)),
        "Medlemmen är borttagen.",
        "portal.organisation",
    )


@admin_required
def withdraw_invitation(invitation_id: UUID):
    user = current_user()
    return _act(
        lambda: auth_client().withdraw_invitation(
            user.session_token, user.org_id, str(invitation_id)
        ),
        "Inbjudan är tillbakadragen.",
        "portal.organisation",
    )


@login_required
def administrators():
    return render_template("portal/administrators.html", org=_overview())


@admin_required
def change_role(user_id: UUID):
    user = current_user()
    role = request.form.get("role", "")
    if role not in ("administrator", "user"):
        return error_page(400)
    done = (
        "Rollen administratör är tilldelad." if role == "administrator" else "Rollen är borttagen."
    )
    return _act(
        lambda: auth_client().change_role(user.session_token, user.org_id, str(user_id), role),
        done,
        "portal.administrators",
    )


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/organisation", view_func=organisation)
    bp.add_url_rule("/organisation/inbjudan", view_func=invite, methods=["POST"])
    bp.add_url_rule(
        "/organisation/medlemmar/<uuid:user_id>/ta-bort", view_func=remove_member, methods=["POST"]
    )
    bp.add_url_rule(
        "/organisation/inbjudningar/<uuid:invitation_id>/dra-tillbaka",
        view_func=withdraw_invitation,
        methods=["POST"],
    )
    bp.add_url_rule("/administratorer", view_func=administrators)
    bp.add_url_rule("/administratorer/<uuid:user_id>/roll", view_func=change_role, methods=["POST"])
