"""Fortnox's rules as the sandbox applies them: lifetimes, scopes, rate limit, error answers."""

from datetime import timedelta

from servicekit.luhn import luhn_check_digit

CODE_LIFETIME = timedelta(minutes=10)
ACCESS_TOKEN_SECONDS = 3600
REFRESH_TOKEN_LIFETIME = timedelta(days=45)
RATE_LIMIT_REQUESTS = 25
RATE_LIMIT_WINDOW_SECONDS = 5

# The scopes Fortnox documents (a subset), with the Swedish names its consent page shows.
SCOPES = {
    "companyinformation": "Företagsinformation",
    "settings": "Inställningar",
    "bookkeeping": "Bokföring",
    "invoice": "Fakturering",
    "customer": "Kundregister",
    "supplier": "Leverantörsregister",
    "supplierinvoice": "Leverantörsfakturor",
    "article": "Artikelregister",
    "payment": "Betalningar",
    "order": "Order",
    "offer": "Offert",
    "project": "Projekt",
    "costcenter": "Kostnadsställen",
    "currency": "Valuta",
    "price": "Prislistor",
    "archive": "Arkivplats",
    "inbox": "Inkorg",
    "profile": "Profil",
    "salary": "Lön",
    "timereporting": "Tidredovisning",
    "assets": "Inventarier",
    "warehouse": "Lager",
    "print": "Utskrift",
}


class FortnoxAnswer(Exception):
    """An answer other than success, with its HTTP status and headers; each subclass is one of
    the shapes Fortnox answers in."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class OAuthError(FortnoxAnswer):
    """An answer of the OAuth endpoints: `{"error", "error_description"}`."""

    def __init__(self, status: int, error: str, description: str, headers: dict | None = None):
        super().__init__(status, description, headers)
        self.error = error
        self.description = description


class RestError(FortnoxAnswer):
    """An answer of the REST API in Fortnox's shape: `{"ErrorInformation": {...}}`."""

    def __init__(self, status: int, code: int, message: str, headers: dict | None = None):
        super().__init__(status, message, headers)
        self.code = code
        self.message = message


class RawAnswer(FortnoxAnswer):
    """An injected answer in no Fortnox shape: a proxy's text or HTML page, or no body at all."""

    def __init__(self, status: int, body: str, mimetype: str | None, headers: dict | None = None):
        super().__init__(status, f"{status} {mimetype}", headers)
        self.body = body
        self.mimetype = mimetype


PROXY_TEXT = "Service Unavailable\n"
PROXY_HTML = (
    "<html>\n<head><title>{status} Bad Gateway</title></head>\n<body>\n"
    "<center><h1>{status} Bad Gateway</h1></center>\n<hr><center>nginx</center>\n"
    "</body>\n</html>\n"
)


class AuthorizeError(Exception):
    """The authorize request cannot go on: an error page, never a redirect."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def code_refused(code: dict | None, client_id: str, redirect_uri: str | None) -> str | None:
    """Why an authorization code cannot be exchanged (Fortnox's invalid_grant description), or
    None when it can: it is the client's, unused, unexpired, for the same redirect_uri."""
    if not code or code["client_id"] != client_id:
        return "Invalid authorization code"
    if code["used_at"] is not None:
        return "Authorization code already used"
    if code["expired"]:
        return "Authorization code expired"
    if redirect_uri != code["redirect_uri"]:
        return "redirect_uri does not match the authorization request"
    return None


def refresh_refused(token: dict | None, client_id: str) -> str | None:
    """Why a refresh token cannot be used, or None when it can: the client's, and `usable`
    (neither used, expired nor revoked)."""
    if not token or token["client_id"] != client_id:
        return "Invalid refresh token"
    if not token["usable"]:
        return "Invalid refresh token (already used, expired or revoked)"
    return None


def parse_scopes(raw: str) -> list[str]:
    """Scopes of an authorize request (space-separated); an unknown one is an error."""
    scopes = [s for s in raw.replace("+", " ").split() if s]
    if not scopes:
        raise AuthorizeError("Parametern scope saknas.")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise AuthorizeError(f"Okänd behörighet (scope): {', '.join(unknown)}.")
    return list(dict.fromkeys(scopes))


def organization_number(nine_digits: str) -> str:
    """`NNNNNN-NNNN` with the Luhn check digit Swedish organisation numbers carry."""
    digits = nine_digits + luhn_check_digit(nine_digits)
    return f"{digits[:6]}-{digits[6:]}"
