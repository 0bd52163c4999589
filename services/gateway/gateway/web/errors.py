"""One style of error page for the browser; JSON errors stay on /api/ and platform routes."""

from flask import Flask, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from servicekit.outage import UNAVAILABLE_ERRORS
from servicekit.web import error_response, note_unavailable, unavailable_response, with_retry_after
from werkzeug.exceptions import HTTPException

from gateway.adapters.auth_client import ServiceDown
from gateway.adapters.backend import Unavailable

TEXTS = {
    400: ("Felaktig begäran", "Något i begäran var fel. Gå tillbaka och försök igen."),
    403: ("Ingen behörighet", "Du har inte behörighet till den här sidan."),
    404: ("Sidan finns inte", "Sidan du söker finns inte eller har flyttats."),
    405: ("Fel metod", "Sidan kan inte användas så här."),
    410: ("Länken fungerar inte", "Länken är ogiltig, redan använd eller för gammal."),
    413: ("För mycket data", "Det du skickade var för stort."),
    429: ("För många försök", "Vänta en stund och försök igen."),
    500: ("Något gick fel", "Ett fel uppstod hos oss. Försök igen om en stund."),
    503: ("Tjänsten svarar inte", "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."),
}


def error_page(status: int, message: str | None = None, action: tuple[str, str] | None = None):
    """The error page; `action` is an (url, label) button offered instead of 'Till startsidan'."""
    title, text = TEXTS.get(status, TEXTS[500])
    page = render_template(
        "error.html", title=title, message=message or text, status=status, action=action
    )
    return page, status


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in {"/healthz", "/readyz", "/metrics"}


def install_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return error_page(400, "Sidan hade gått ut. Ladda om sidan och försök igen.")

    def _unavailable(exc: Exception):
        dependency = "auth" if isinstance(exc, ServiceDown) else getattr(exc, "service", None)
        if _wants_json():
            return unavailable_response(app, exc, dependency)
        note_unavailable(app, exc, dependency)
        return with_retry_after(make_response(error_page(503))), 503

    # A service or server that is down is a 503 with Retry-After, whichever page met it.
    for error in (ServiceDown, Unavailable, *UNAVAILABLE_ERRORS):
        app.register_error_handler(error, _unavailable)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if _wants_json():
            return error_response(exc.code or 500, (exc.name or "error").lower(), exc.description)
        return error_page(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        if _wants_json():
            return error_response(500, "internal_error", "Something went wrong on our side.")
        return error_page(500)
