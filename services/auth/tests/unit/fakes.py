"""A hand fake of the accounts port (adapters.accounts): rows in memory, and a transaction
that raises leaves them as they were, as PostgreSQL's would."""

import copy
from contextlib import contextmanager
from datetime import datetime


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
        self.orgs: dict[str, dict] = {"org-1": {"id": "org-1", "name": "Jlmdata AB"}}
        self.sessions: dict[bytes, dict] = {}
        self.tokens: list[dict] = []
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

    def user(self, user_id: str) -> dict | None:
        return dict(self.users[user_id]) if user_id in self.users else None

    def set_password(self, user_id: str, password_hash: str) -> None:
        self.users[user_id]["password_hash"] = password_hash

    def mark_verified(self, user_id: str, at: datetime) -> bool:
        user = self.users[user_id]
        first = user["email_verified_at"] is None
        user["email_verified_at"] = user["email_verified_at"] or at
        return first

    def org(self, org_id: str) -> dict | None:
        return self.orgs.get(org_id)

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
