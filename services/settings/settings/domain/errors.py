"""What the settings service refuses or cannot do; entrypoints map each to HTTP in one table."""

from servicekit.outage import DependencyUnavailable


class TokensUnavailable(DependencyUnavailable):
    """The tokens service, the source of company info, cannot be asked now."""

    code = "tokens_unavailable"

    def __init__(self, detail: str):
        super().__init__("tokens", detail)
        self.message = f"tokens service unavailable: {detail}"
