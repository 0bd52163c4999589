"""Invitations: who may invite, when one is pending, and what accepting it does.

An invitation is pending until it is accepted, declined, withdrawn or expires, and it reads the
same whether or not its address already has an account: the administrator's list and answers
never tell which addresses are customers. A new address registers through the link; an address
with an account accepts by logging in through it, and the account moves to the organisation.
An invitation claims nothing: the address's owner may still register a company of their own.
"""

from dataclasses import dataclass
from datetime import datetime

from auth.domain.errors import Conflict

OUTCOMES = ("accepted", "declined", "withdrawn")


@dataclass(frozen=True)
class Invitation:
    id: str
    org_id: str
    email: str
    name: str
    created_at: datetime
    expires_at: datetime
    outcome: str | None = None

    def pending(self, now: datetime) -> bool:
        return self.outcome is None and now < self.expires_at

    def listed(self) -> dict:
        """How the administrator sees it: the same fields for every address."""
        return {
            "id": str(self.id),
            "name": self.name,
            "email": self.email,
            "invited_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
        }


def check_move(account_role: str | None, account_org: str | None, admins_there: int) -> None:
    """Whether an existing account may leave its organisation for the inviting one: never as
    its organisation's last administrator (nobody would be left to run it)."""
    if account_org is not None and account_role == "administrator" and admins_there <= 1:
        raise Conflict(
            "Du är den enda administratören i din nuvarande organisation. Ge rollen till någon "
            "annan först."
        )
