"""The auth service's internal API, as the gateway's pages use it."""

from collections.abc import Mapping

from servicekit.http import ServiceClient

SESSION_HEADER = "X-Session-Token"
# Calls that check or set a password wait for argon2id, which auth runs on a few low-priority
# threads: during a wave of log-ins they queue there for longer than a page's look-up may take.
PASSWORD_TIMEOUT = 30.0


def acting_for(session: str) -> dict[str, str]:
    """The header that says whose session a call acts for."""
    return {SESSION_HEADER: session}


class AuthClient:
    """Each call answers the body or raises servicekit.http's ServiceUnavailable/ServiceRefused."""

    def __init__(self, base_url: str, credential: Mapping[str, str]):
        self.http = ServiceClient("auth", base_url, credential)

    def log_in(self, identifier: str, password: str, client_address: str) -> dict:
        body = {"identifier": identifier, "password": password, "client_address": client_address}
        return self.http.call("POST", "/internal/login", body, timeout=PASSWORD_TIMEOUT)

    def resolve(self, session_token: str) -> dict:
        """Who the session is (with the organisation's apps); a look-up, so safe to repeat."""
        body = {"session_token": session_token}
        return self.http.call("POST", "/internal/sessions/resolve", body, repeatable=True)

    def log_out(self, session_token: str) -> None:
        self.http.call("POST", "/internal/sessions/end", {"session_token": session_token})

    def change_password(
        self, session: str, current_password: str, new_password: str, client_address: str
    ) -> dict:
        """The session's user changes their password; answers the session's new token."""
        body = {
            "current_password": current_password,
            "new_password": new_password,
            "client_address": client_address,
        }
        return self.http.call(
            "POST", "/internal/account/password", body, acting_for(session), PASSWORD_TIMEOUT
        )

    def request_reset(self, identifier: str, client_address: str) -> None:
        body = {"identifier": identifier, "client_address": client_address}
        self.http.call("POST", "/internal/password-resets", body)

    def check_link(self, purpose: str, token: str) -> dict:
        return self.http.call("POST", f"/internal/links/{purpose}/check", {"token": token})

    def complete_reset(self, token: str, password: str) -> None:
        self.http.call(
            "POST",
            "/internal/password-resets/complete",
            {"token": token, "password": password},
            timeout=PASSWORD_TIMEOUT,
        )

    def register(self, form: dict, client_address: str) -> None:
        self.http.call(
            "POST", "/internal/registrations", {**form, "client_address": client_address}
        )

    def verify_email(self, token: str) -> dict:
        return self.http.call("POST", "/internal/verifications", {"token": token})

    def accept_invitation(self, token: str, password: str, client_address: str) -> None:
        body = {"token": token, "password": password, "client_address": client_address}
        self.http.call("POST", "/internal/invitations/complete", body, timeout=PASSWORD_TIMEOUT)

    def organisation(self, session: str, org_id: str) -> dict:
        return self.http.call(
            "GET", f"/internal/organisations/{org_id}", headers=acting_for(session)
        )

    def invite(self, session: str, org_id: str, name: str, email: str) -> None:
        body = {"name": name, "email": email}
        self.http.call(
            "POST", f"/internal/organisations/{org_id}/invitations", body, acting_for(session)
        )

    def withdraw_invitation(self, session: str, org_id: str, invitation_id: str) -> None:
        path = f"/internal/organisations/{org_id}/invitations/{invitation_id}"
        self.http.call("DELETE", path, headers=acting_for(session))

    def remove_member(self, session: str, org_id: str, user_id: str) -> None:
        path = f"/internal/organisations/{org_id}/members/{user_id}"
        self.http.call("DELETE", path, headers=acting_for(session))

    def assert_action(self, session: str, org_id: str, action: str) -> str:
        """Auth's signed word that the session's person starts `action` in the organisation."""
        path = f"/internal/organisations/{org_id}/assertions"
        return self.http.call("POST", path, {"action": action}, acting_for(session))["assertion"]

    def change_role(self, session: str, org_id: str, user_id: str, role: str) -> None:
        path = f"/internal/organisations/{org_id}/members/{user_id}/role"
        self.http.call("PUT", path, {"role": role}, acting_for(session))
