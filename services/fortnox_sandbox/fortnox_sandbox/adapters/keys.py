"""Keys the sandbox keeps in its database so every gunicorn worker signs and checks alike."""

import hashlib
import secrets
import time
import uuid

import jwt
import psycopg

JWT_KEY = "jwt-hs256"
SESSION_KEY = "session-key"
ISSUER = "fortnox-sandbox"
CLOCK_SKEW_SECONDS = 5


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_or_create(conn: psycopg.Connection, name: str) -> tuple[str, bytes]:
    conn.execute(
        "INSERT INTO sandbox_secrets (name, kid, value) VALUES (%s, %s, %s)"
        " ON CONFLICT (name) DO NOTHING",
        (name, uuid.uuid4().hex[:16], secrets.token_bytes(32)),
    )
    row = conn.execute("SELECT kid, value FROM sandbox_secrets WHERE name = %s", (name,)).fetchone()
    return row["kid"], bytes(row["value"])


class JwtSigner:
    """Signs Fortnox-like access tokens with HS256 and checks them (signature, exp, iat)."""

    def __init__(self, kid: str, key: bytes):
        self.kid = kid
        self.key = key

    def sign(
        self,
        *,
        jti: str,
        client_id: str,
        tenant_id: int,
        scopes: list[str],
        user_id: int | None,
        service_account: bool,
        issued_at: int,
        lifetime: int,
    ) -> str:
        claims = {
            "iss": ISSUER,
            "jti": jti,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + lifetime,
            "authsource": "OAUTH2",
            "clientId": client_id,
            "tenantId": tenant_id,
            "scopes": scopes,
            "userId": user_id,
            "serviceAccount": service_account,
        }
        return jwt.encode(claims, self.key, algorithm="HS256", headers={"kid": self.kid})

    def verify(self, token: str) -> dict:
        """The claims of a valid token; jwt.InvalidTokenError when forged, malformed or expired."""
        return jwt.decode(
            token,
            self.key,
            algorithms=["HS256"],
            issuer=ISSUER,
            # iat/nbf come from PostgreSQL's clock; a few seconds of skew are no forgery.
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "jti", "tenantId", "clientId", "scopes"]},
        )


def now_seconds() -> int:
    return int(time.time())
