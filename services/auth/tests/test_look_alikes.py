"""Numbers and addresses that look like others: organisation numbers in other scripts' digits and
e-mail addresses with bidi or invisible characters are refused, and nothing is stored."""

import pytest

from .conftest import DEMO_ORG, rows

COMPANY = {
    "company_name": "Ny Kund AB",
    "name": "Nina Ny",
    "email": "nina@nykund.se",
    "password": "nina's long passphrase",
    "client_address": "198.51.100.20",
}
HIDDEN_IN_ADDRESSES = [
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u2066",  # left-to-right isolate
    "\u200f",  # right-to-left mark
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u3164",  # Hangul filler
]


@pytest.mark.parametrize(
    "org_number",
    ["５５９１９２-５７８８", "٥٥٩١٩٢-٥٧٨٨", "۵۵۹۱۹۲-۵۷۸۸", "５５６６７７-８８９９", "٥٥٦٦٧٧٨٨٩٩"],
)
def test_an_organisation_number_in_look_alike_digits_is_refused(demo, api, app, org_number):
    before = rows(app, "SELECT id, org_number FROM organisations")
    response = api.post("/internal/registrations", {**COMPANY, "org_number": org_number})
    assert response.status_code == 422
    assert "org_number" in response.get_json()["error"]["fields"]
    assert rows(app, "SELECT id, org_number FROM organisations") == before
    assert rows(app, "SELECT count(*) AS n FROM users WHERE email = %s", COMPANY["email"]) == [
        {"n": 0}
    ]


@pytest.mark.parametrize("hidden", HIDDEN_IN_ADDRESSES)
def test_an_invitation_to_an_address_with_hidden_characters_is_refused(demo, api, app, hidden):
    before = rows(app, "SELECT count(*) AS n FROM users")
    response = api.post(
        f"/internal/organisations/{DEMO_ORG}/invitations",
        {"name": "Ida", "email": f"ida{hidden}@jlmdata.se"},
        session=api.session_of(),
    )
    assert response.status_code == 422
    assert "email" in response.get_json()["error"]["fields"]
    assert rows(app, "SELECT count(*) AS n FROM users") == before
    assert rows(app, "SELECT count(*) AS n FROM mail_outbox") == [{"n": 0}]


@pytest.mark.parametrize("hidden", HIDDEN_IN_ADDRESSES[:3])
def test_a_registration_with_hidden_characters_in_the_address_is_refused(api, app, hidden):
    body = {**COMPANY, "org_number": "556677-8899", "email": f"nina{hidden}@nykund.se"}
    response = api.post("/internal/registrations", body)
    assert response.status_code == 422
    assert "email" in response.get_json()["error"]["fields"]
    assert rows(app, "SELECT * FROM organisations") == []


def test_nordic_letters_in_an_address_are_still_welcome(demo, api):
    response = api.post(
        f"/internal/organisations/{DEMO_ORG}/invitations",
        {"name": "Åsa", "email": "åsa.öberg@jlmdata.se"},
        session=api.session_of(),
    )
    assert response.status_code == 201, response.get_json()
