"""Who is signed in: the session cookie, current_user() and the page guards.

An app's blueprint uses it like this::

    @bp.get("/")
    @login_required
    def index():
        user = current_user()   # user_id, name, org_id, org_name, role, is_admin
"""

import re
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, url_for
from servicekit.http import ServiceRefused

from gateway.adapters.auth_client import AuthClient


@dataclass(frozen=True)
class CurrentUser:
    user_id: str
    name: str
    email: str
    org_id: str
    org_name: str
    role: str
    session_token: str
    org_number: str | None = None
    apps: tuple[dict, ...] = ()  # the organisation's apps (key, name, url), from the same look-up

    def has_app(self, app_key: str) -> bool:
        return any(app["key"] == app_key for app in self.apps)

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"


def auth_client() -> AuthClient:
    return current_app.extensions["auth_client"]


def cookie_name() -> str:
    # The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only, Path=/.
    return "__Host-rf_session" if current_app.config["COOKIE_SECURE"] else "rf_session"


def set_session_cookie(response, token: str) -> None:
    response.set_cookie(
        cookie_name(),
        token,
        httponly=True,
        secure=current_app.config["COOKIE_SECURE"],
        samesite="Lax",
        path="/",
    )


def clear_session_cookie(response) -> None:
    response.delete_cookie(
        cookie_name(), path="/", secure=current_app.config["COOKIE_SECURE"], samesite="Lax"
    )


def current_user() -> CurrentUser | None:
    """The signed-in user of this request: one call to the auth service per request, which also
    answers the organisation's apps. Nothing is cached across requests, so a log-out, a password
    change, a removal, a disabled account or a new role holds from the very next request in every
    gateway process."""
    if "current_user" not in g:
        g.current_user = None
        token = request.cookies.get(cookie_name())
        if token:
            try:
                me = auth_client().resolve(token)
            except ServiceRefused:
                g.session_ended = True
            else:
                g.current_user = CurrentUser(
                    user_id=me["user_id"],
                    name=me["name"],
                    email=me["email"],
                    org_id=me["org_id"],
                    org_name=me["org_name"],
                    role=me["role"],
                    session_token=token,
                    org_number=me.get("org_number"),
                    apps=tuple(me.get("apps") or ()),
                )
    return g.current_user


# Browsers drop tab, CR and LF from a Location and read a backslash as a slash; a header may not
# carry CR or LF at all. A `next` with any of them (or other control characters or spaces) is not
# judged but refused, so what is judged is what the browser would follow.
_NOT_IN_NEXT = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029]")


def _safe_next(path: str) -> str | None:
    """`path` when it is an absolute path on this site, else None."""
    if not path.startswith("/") or path.startswith("//") or _NOT_IN_NEXT.search(path):
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    segments = parts.path.split("/")
    return None if "." in segments or ".." in segments else path


def login_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if current_user() is None:
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("portal.login", next=target and _safe_next(target)))
        return view(*args, **kwargs)

    return guarded


def admin_required(view):
    @wraps(view)
    @login_required
    def guarded(*args, **kwargs):
        if not current_user().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return guarded


def app_required(app_key: str, *, admin: bool = False):
    """The page belongs to an app: the user's organisation must have it (else 404); `admin`:
    and only its administrators may use it (else 403)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            user = current_user()
            if not user.has_app(app_key):
                abort(404)
            if admin and not user.is_admin:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def safe_next(path: str | None) -> str:
    return (_safe_next(path) if path else None) or url_for("portal.home")
