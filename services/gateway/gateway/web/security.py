"""CSRF on every state-changing request, security headers on every response, client address."""

import ipaddress
from urllib.parse import urlparse

from flask import Flask, g, request
from flask_wtf.csrf import CSRFProtect
from servicekit import logs as servicekit_logs
from werkzeug.middleware.proxy_fix import ProxyFix

from gateway.web.session import clear_session_cookie


def _origin(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}"


def install_security(app: Flask) -> None:
    secure = app.config["COOKIE_SECURE"]
    app.config.update(
        SESSION_COOKIE_NAME="__Host-rf_csrf" if secure else "rf_csrf",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_PATH="/",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as its cookie; pages may stay open
        # The Referer check would refuse the forms of the no-referrer pages (password reset);
        # the token bound to the SameSite session cookie is the protection.
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    CSRFProtect(app)
    if app.config["TRUSTED_PROXIES"] > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])

    # Forms may lead to Fortnox (the "Ny Token" flow redirects there after a POST).
    form_action = f"'self' {_origin(app.config['FORTNOX_AUTH_URL'])}"
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self'; form-action {form_action}; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )

    @app.before_request
    def _forward_the_browsers_address():
        # calls to the services carry it, so their security events name the browser
        servicekit_logs.client_address.set(client_address())

    @app.after_request
    def _headers(response):
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if g.get("session_ended"):
            clear_session_cookie(response)
        return response


def client_address() -> str:
    """The browser's address: the peer, or X-Forwarded-For only through trusted proxies; a
    forwarded value that is no IP address is not passed on."""
    address = request.remote_addr or ""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return ""
    return address
