"""What a caller of the service can be told went wrong (`code`, `message`, and when to try
again); the API's one error table (entrypoints/api.py) gives each its HTTP status."""


class TokensError(Exception):
    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotConnected(TokensError):
    code = "not_connected"


class ReauthorizationRequired(TokensError):
    code = "reauthorization_required"


class TemporarilyUnavailable(TokensError):
    code = "temporarily_unavailable"

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class InvalidRequest(TokensError):
    code = "invalid_request"


class LockUnavailable(Exception):
    """Another process holds the connection's lock (try-lock) or the wait for it ran out."""

    code = "temporarily_unavailable"
    message = "The connection is busy; try again shortly."
    retry_after = 1.0
