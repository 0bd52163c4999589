"""A hand fake of the accounts port (adapters.accounts): rows in memory, and a transaction
that raises leaves them as they were, as PostgreSQL's would."""

import copy
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from auth.domain.invitations import Invitation


class FakeHasher:
    """`hash:` + the password: enough to tell right from wrong, and instant."""

    def hash(self, password: str) -> str:
        return f"hash:{password}"

    def verify(self, stored_hash: str | None, password: str) -> bool:
        return stored_hash is not None and stored_hash == self.hash(password)

    def needs_rehash(self, stored_hash: str | None) -> bool:
        return False


class FakeAccounts:
    def __init__(self):
        self.users: dict[str, dict] = {}
        self.orgs: dict[str, dict] = {
            "org-1": {"id": "org-1", "name": "Jlmdata AB", "org_number": "559192-5788"}
        }
        self.sessions: dict[bytes, dict] = {}
        self.tokens: list[dict] = []
        self.invitations: dict[str, tuple[Invitation, bytes]] = {}
        self.throttle: dict[int, tuple[str, datetime]] = {}
        self.mails: list[dict] = []
        self.events: list[tuple[str, str, dict]] = []
        self._next_id = 1

    def add_user(self, user_id: str, email: str, password: str | None, **more) -> dict:
        user = {
            "id": user_id,
            "email": email,
            "name": more.pop("name", user_id.capitalize()),
            "username": more.pop("username", None),
            "password_hash": f"hash:{password}" if password else None,
            "disabled_at": None,
            "email_verified_at": more.pop("email_verified_at", datetime(2026, 1, 1)),
            "org_id": more.pop("org_id", "org-1"),
            "role": more.pop("role", "user"),
        } | more
        self.users[user_id] = user
        return user

    def throttle_keys(self) -> list[str]:
        return sorted(key for key, _ in self.throttle.values())

    @contextmanager
    def transaction(self):
        saved = copy.deepcopy(self.__dict__)
        try:
            yield self
        except BaseException:
            self.__dict__.update(saved)
            raise

    # users
    def user_by_identifier(self, identifier: str) -> dict | None:
        for user in self.users.values():
            if user["username"] == identifier or user["email"].lower() == identifier.lower():
                return dict(user)
        return None

    def user_by_email(self, email: str) -> dict | None:
        found = [u for u in self.users.values() if u["email"].lower() == email.lower()]
        return dict(found[0]) if found else None

    def user(self, user_id: str) -> dict | None:
        return dict(self.users[user_id]) if user_id in self.users else None

    def lock_user(self, user_id: str) -> dict | None:
        return self.user(user_id)

    def set_password(self, user_id: str, password_hash: str) -> None:
        self.users[user_id]["password_hash"] = password_hash

    def mark_verified(self, user_id: str, at: datetime) -> bool:
        user = self.users[user_id]
        first = user["email_verified_at"] is None
        user["email_verified_at"] = user["email_verified_at"] or at
        return first

    def insert_user(self, *, email: str, name: str, password_hash: str | None) -> str:
        user_id = f"user-{len(self.users) + 1}"
        self.add_user(user_id, email, None, name=name, email_verified_at=None, org_id=None)
        self.users[user_id]["password_hash"] = password_hash
        return user_id

    def delete_user(self, user_id: str) -> None:
        del self.users[user_id]

    # organisations and memberships: one per user, on the user's row
    def org(self, org_id: str) -> dict | None:
        return self.orgs.get(org_id)

    def org_number_taken(self, org_number: str) -> bool:
        return any(o["org_number"] == org_number for o in self.orgs.values())

    def active_admins_of_org_number(self, org_number: str) -> list[dict]:
        return [
            {"company": self.orgs[u["org_id"]]["name"], "name": u["name"], "email": u["email"]}
            for u in self.users.values()
            if u["org_id"] in self.orgs
            and self.orgs[u["org_id"]]["org_number"] == org_number
            and u["role"] == "administrator"
            and u["password_hash"] is not None
            and u["disabled_at"] is None
        ]

    def insert_org(self, *, name: str, org_number: str) -> dict:
        org_id = f"org-{len(self.orgs) + 1}"
        customer_number = str(900300 + len(self.orgs))
        org = {"id": org_id, "name": name, "org_number": org_number}
        self.orgs[org_id] = org | {"customer_number": customer_number, "apps": []}
        return org | {"customer_number": customer_number}

    def enable_apps(self, org_id: str, app_keys: list[str]) -> None:
        self.orgs[org_id]["apps"] += app_keys

    def add_member(self, org_id: str, user_id: str, role: str) -> None:
        self.users[user_id] |= {"org_id": org_id, "role": role}

    def lock_roles(self, org_id: str) -> list[str]:
        return [u["role"] for u in self.users.values() if u["org_id"] == org_id]

    def leave(self, user_id: str) -> None:
        self.users[user_id] |= {"org_id": None, "role": None}

    # invitations
    def insert_invitation(self, *, token_hash: bytes, now, invited_by: str, **fields) -> str:
        invitation = Invitation(id=f"inv-{len(self.invitations) + 1}", created_at=now, **fields)
        self.invitations[invitation.id] = (invitation, token_hash)
        return invitation.id

    def invitation_by_token(self, token_hash: bytes) -> Invitation | None:
        found = [i for i, h in self.invitations.values() if h == token_hash]
        return found[0] if found else None

    def pending_invitations(self, org_id: str, now: datetime) -> list[Invitation]:
        return [i for i, _ in self.invitations.values() if i.org_id == org_id and i.pending(now)]

    def end_invitation(self, invitation_id: str, outcome: str, now: datetime) -> bool:
        invitation, token_hash = self.invitations[invitation_id]
        if invitation.outcome is not None:
            return False
        self.invitations[invitation_id] = (replace(invitation, outcome=outcome), token_hash)
        return True

    def withdraw_open_invitations(self, org_id: str, email: str, now: datetime) -> None:
        for i, _ in list(self.invitations.values()):
            if i.org_id == org_id and i.email.lower() == email.lower() and i.outcome is None:
                self.end_invitation(i.id, "withdrawn", now)

    def withdraw_invitation(self, org_id: str, invitation_id: str, now: datetime) -> bool:
        invitation, _ = self.invitations.get(invitation_id, (None, None))
        if invitation is None or invitation.org_id != org_id or not invitation.pending(now):
            return False
        return self.end_invitation(invitation_id, "withdrawn", now)

    # one-time link tokens
    def insert_token(self, token_hash: bytes, purpose: str, user_id: str, now, ttl) -> None:
        token = {"token_hash": token_hash, "purpose": purpose, "user_id": user_id}
        self.tokens.append(token | {"expires_at": now + ttl, "used_at": None})

    def usable_token(self, token_hash: bytes, purpose: str, now: datetime) -> dict | None:
        for token in self.tokens:
            if (token["token_hash"], token["purpose"], token["used_at"]) == (
                token_hash,
                purpose,
                None,
            ) and token["expires_at"] > now:
                return dict(token)
        return None

    def use_tokens_of(self, user_id: str, purpose: str, now: datetime) -> None:
        for token in self.tokens:
            if token["user_id"] == user_id and token["purpose"] == purpose:
                token["used_at"] = token["used_at"] or now

    # sessions
    def insert_session(self, id_hash: bytes, user_id: str, now: datetime, created_at=None) -> None:
        self.sessions[id_hash] = {"user_id": user_id, "created_at": created_at or now}

    def delete_session(self, id_hash: bytes) -> None:
        self.sessions.pop(id_hash, None)

    def take_session(self, id_hash: bytes) -> dict | None:
        return self.sessions.pop(id_hash, None)

    def delete_sessions_of(self, user_id: str) -> int:
        mine = [h for h, s in self.sessions.items() if s["user_id"] == user_id]
        for id_hash in mine:
            del self.sessions[id_hash]
        return len(mine)

    # throttling events
    def lock_keys(self, *keys: str) -> None:
        pass  # one test, one thread

    def throttle_events(self, key: str, since: datetime) -> list[datetime]:
        return sorted(at for k, at in self.throttle.values() if k == key and at > since)

    def add_throttle_event(self, key: str, at: datetime) -> int:
        self._next_id += 1
        self.throttle[self._next_id] = (key, at)
        return self._next_id

    def remove_throttle_event(self, event_id: int) -> None:
        self.throttle.pop(event_id, None)

    def _drop(self, keep) -> None:
        self.throttle = {i: (k, at) for i, (k, at) in self.throttle.items() if keep(k, at)}

    def forget_throttle(self, key: str, until: datetime) -> None:
        self._drop(lambda k, at: k != key or at > until)

    def clear_throttle(self, key: str) -> None:
        self._drop(lambda k, at: k != key)

    def prune_throttle(self, before: datetime) -> None:
        self._drop(lambda k, at: at >= before)

    # what leaves with the commit
    def mail(self, at: datetime, recipient: str, subject: str, body: str) -> None:
        self.mails.append({"to": recipient, "subject": subject, "body": body})

    def publish(self, event_type: str, org_id: str, data: dict) -> None:
        self.events.append((event_type, org_id, data))
