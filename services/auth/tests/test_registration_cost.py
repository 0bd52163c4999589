"""Registration is throttled before the password is hashed (per address, per IPv6 /64, for the
whole platform), and mails that others can trigger are limited per recipient."""

import pytest
from auth.domain.throttle import (
    MAIL_RECIPIENT,
    REGISTER_EMAIL,
    REGISTER_NETWORK,
    client_network,
)
from servicekit.luhn import luhn_check_digit

from .conftest import rows

COMPANY = {
    "company_name": "Ny Kund AB",
    "name": "Nina Ny",
    "password": "nina's long passphrase",
}


class CountingHasher:
    """The service's hasher, counting how often a password is hashed."""

    def __init__(self, real):
        self.real, self.hashed = real, 0

    def hash(self, password: str) -> str:
        self.hashed += 1
        return self.real.hash(password)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def hasher(app):
    ctx = app.extensions["auth"]
    ctx.hasher = CountingHasher(ctx.hasher)
    return ctx.hasher


def registration(serial: int, address: str, email: str | None = None) -> dict:
    body = f"55{serial:07d}"
    number = f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"
    return {
        **COMPANY,
        "org_number": number,
        "email": email or f"nina{serial}@nykund.se",
        "client_address": address,
    }


def test_one_address_is_throttled_before_any_password_is_hashed(api, hasher):
    for serial in range(REGISTER_EMAIL.hourly_cap):
        body = registration(serial, "198.51.100.1", email="same@nykund.se")
        assert api.post("/internal/registrations", body).status_code == 202
    hashed = hasher.hashed
    refused = api.post(
        "/internal/registrations", registration(99, "198.51.100.2", "same@nykund.se")
    )
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert hasher.hashed == hashed


def test_every_address_of_one_ipv6_64_counts_as_one_client(api, app, hasher):
    for serial in range(REGISTER_NETWORK.hourly_cap):
        address = f"2001:db8:1:2:{serial:x}::1"
        assert api.post("/internal/registrations", registration(serial, address)).status_code == 202
    hashed = hasher.hashed
    refused = api.post("/internal/registrations", registration(50, "2001:db8:1:2:ffff::9"))
    assert refused.status_code == 429
    assert hasher.hashed == hashed
    other_network = registration(51, "2001:db8:1:3::1")
    assert api.post("/internal/registrations", other_network).status_code == 202
    assert len(rows(app, "SELECT * FROM organisations")) == REGISTER_NETWORK.hourly_cap + 1


@pytest.mark.parametrize(
    "address, network",
    [
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("198.51.100.7", "198.51.100.7"),
        ("not an address", "not an address"),
    ],
)
def test_client_network_keys_ipv6_by_its_64(address, network):
    assert client_network(address) == network


def test_mails_others_trigger_to_one_recipient_are_limited_across_forms(demo, api, app):
    for serial, written in enumerate(["kaisa@jlmdata.se", "KAISA@jlmdata.se", "Kaisa@JLMdata.se"]):
        body = registration(serial, f"198.51.100.{serial + 10}", email=written)
        assert api.post("/internal/registrations", body).status_code == 202
    for serial in range(3):
        asked = {"identifier": "kaisa@jlmdata.se", "client_address": f"203.0.113.{serial}"}
        assert api.post("/internal/password-resets", asked).status_code == 202
    mails = rows(app, "SELECT * FROM mail_outbox WHERE lower(recipient) = 'kaisa@jlmdata.se'")
    assert len(mails) == MAIL_RECIPIENT.hourly_cap
