"""What can go wrong in the auth service's use cases; the API's one table (entrypoints/errors.py)
maps each to its HTTP answer."""


class AuthError(Exception):
    code = "bad_request"
    message = "The request cannot be handled."

    def __init__(self, message: str | None = None, fields: dict | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}


class InvalidInput(AuthError):
    code, message = "invalid_input", "Kontrollera uppgifterna."


class WrongCurrentPassword(InvalidInput):
    """The current password given to change it is wrong (a field error of the form)."""

    code = "wrong_current_password"

    def __init__(self):
        super().__init__(fields={"current_password": "Det nuvarande lösenordet stämmer inte."})


class InvalidCredentials(AuthError):
    code = "invalid_credentials"
    message = "Fel användarnamn eller lösenord."


class EmailNotVerified(AuthError):
    code = "email_not_verified"
    message = "Bekräfta din e-postadress med länken i mejlet vi skickade innan du loggar in."


class Throttled(AuthError):
    code = "throttled"
    message = "För många försök. Vänta en stund och försök igen."

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


class SessionInvalid(AuthError):
    code, message = "session_invalid", "Du är inte inloggad."


class TokenInvalid(AuthError):
    code = "token_invalid"
    message = "Länken är ogiltig, redan använd eller för gammal."


class Forbidden(AuthError):
    code, message = "forbidden", "Du har inte behörighet till detta."


class NotFound(AuthError):
    code, message = "not_found", "Hittades inte."


class Conflict(AuthError):
    code, message = "conflict", "Det går inte att göra så."
