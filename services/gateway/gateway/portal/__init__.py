"""JIM Appar, the customer portal: log-in, Hem, Organisation, Administratörer."""

from flask import Blueprint

from gateway.portal import account, home, members


def build_blueprint() -> Blueprint:
    bp = Blueprint("portal", __name__)
    account.register(bp)
    home.register(bp)
    members.register(bp)
    return bp
