"""Who is signed in: the session cookie, current_user() and the page guards.

An app's blueprint uses it like this::

    @bp.get("/")
    @login_required
    def index():
        user = current_user()   # user_id, name, org_id, org_name, role, is_admin
"""

from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for

from gateway.adapters.auth_client import AuthClient, AuthRefused


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
    """The signed-in user of this request (asked of the auth service once per request)."""
    if "current_user" not in g:
        g.current_user = None
        token = request.cookies.get(cookie_name())
        if token:
            try:
                me = auth_client().resolve(token)
            except AuthRefused:
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
                )
    return g.current_user


def _safe_next(path: str) -> str | None:
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else None


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


def app_required(app_key: str):
    """The page belongs to an app: the user's organisation must have it."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            user = current_user()
            apps = auth_client().apps(user.session_token, user.org_id)
            if app_key not in {app["key"] for app in apps}:
                abort(404)
            return view(*args, **kwargs)

        return guarded

    return decorate


def safe_next(path: str | None) -> str:
    return (_safe_next(path) if path else None) or url_for("portal.home")
