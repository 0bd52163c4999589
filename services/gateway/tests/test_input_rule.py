"""The platform's input rule on every form of the gateway: broken text gets the friendly Swedish
page (400), never a 500, and the auth service stores nothing."""

import pytest
from gateway.web.errors import UNUSABLE_CHARACTERS

from .conftest import Visitor, db_rows

MEMBER = "00000000-0000-4000-8000-000000000002"
# (path, fields, whether the form needs a signed-in administrator)
FORMS = [
    ("/logga-in", {"identifier": "900232", "password": "demo-resultat-finans"}, False),
    ("/glomt-losenord", {"identifier": "900232"}, False),
    (
        "/ny-kund",
        {
            "company_name": "Nytt AB",
            "org_number": "556677-8899",
            "name": "Nora",
            "email": "nora@nyttforetag.se",
            "password": "ett långt lösenord",
        },
        False,
    ),
    ("/aterstall-losenord", {"t": "x", "password": "ett långt lösenord"}, False),
    ("/inbjudan", {"t": "x", "password": "ett långt lösenord"}, False),
    ("/bekrafta-epost", {"t": "x"}, False),
    ("/organisation/inbjudan", {"name": "Ida", "email": "ida@example.se"}, True),
    (f"/administratorer/{MEMBER}/roll", {"role": "user"}, True),
    (
        "/resultat-finans/installningar/losenord",
        {"current_password": "x", "new_password": "y", "new_password_repeat": "y"},
        True,
    ),
    (
        "/resultat-finans/installningar/betalningssatt",
        {"method": "bankgiro", "number": "160-9908", "clearing_number": "", "account_number": ""},
        True,
    ),
]
BROKEN = ["\x00", "\x1b[31m", "\x7f", "\u0085"]


def stored(auth_service) -> list:
    return [
        db_rows(auth_service, f"SELECT count(*) FROM {table}")[0]
        for table in ("users", "organisations", "memberships", "one_time_tokens", "mail_outbox")
    ]


@pytest.mark.parametrize("path, fields, signed_in", FORMS, ids=[f[0] for f in FORMS])
def test_a_control_character_in_any_field_gets_the_swedish_page(
    gateway, kaisa, auth_service, path, fields, signed_in
):
    before = stored(auth_service)
    for name in fields:
        for char in BROKEN:
            browser = kaisa if signed_in else Visitor(gateway)
            form = fields | {name: fields[name] + char}
            response = browser.post(path, form, csrf_from="/" if signed_in else "/logga-in")
            assert response.status_code == 400, (path, name, char)
            assert UNUSABLE_CHARACTERS in response.get_data(as_text=True)
    assert stored(auth_service) == before


@pytest.mark.parametrize(
    "query", ["error=access_denied%00", "state=%ED%A0%80", "code=%ff", "error_description=a%00b"]
)
def test_a_broken_fortnox_callback_query_gets_the_swedish_page(kaisa, query):
    response = kaisa.get("/fortnox/callback?" + query)
    assert response.status_code == 400
    assert UNUSABLE_CHARACTERS in response.get_data(as_text=True)


def test_invalid_utf8_in_a_form_gets_the_swedish_page(visitor):
    token = visitor.csrf()
    response = visitor.client.post(
        "/logga-in",
        data=f"csrf_token={token}&identifier=%ff%fe&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert UNUSABLE_CHARACTERS in response.get_data(as_text=True)


def test_a_form_over_the_size_limit_is_413(visitor):
    response = visitor.post("/logga-in", {"identifier": "x" * 70_000, "password": "x"})
    assert response.status_code == 413
