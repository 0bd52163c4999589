"""The gateway's clients of the platform's services, each on servicekit.http's ServiceClient."""

from servicekit.assertions import HEADER as ASSERTION_HEADER


def vouched_by(assertion: str) -> dict[str, str]:
    """The header that carries auth's assertion (who starts the action) to the service that
    acts on it."""
    return {ASSERTION_HEADER: assertion}
