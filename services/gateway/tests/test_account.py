"""Resultat Finans > Inställningar > Konto: the user's own account and "Byt lösenord"."""

import re

import pytest
from gateway import config as gateway_config
from gateway.entrypoints.api import create_app as create_gateway

from .conftest import PASSWORD, Visitor, db_rows, gateway_env

KONTO = "/resultat-finans/installningar?flik=konto"
ACTION = "/resultat-finans/installningar/losenord"
NEW_PASSWORD = "kaisas nya långa lösenfras"


@pytest.fixture
def gateway(auth_service):
    """Tokens and settings unreachable: Konto needs only the auth service."""
    return create_gateway(gateway_config.load(gateway_env(auth_service)))


def change(visitor, current=PASSWORD, new=NEW_PASSWORD, repeat=None, **kw):
    form = {
        "current_password": current,
        "new_password": new,
        "new_password_repeat": new if repeat is None else repeat,
    }
    return visitor.post(ACTION, form, csrf_from=KONTO, **kw)


def password_hash(auth_service, email="kaisa@jlmdata.se") -> str:
    return db_rows(auth_service, "SELECT password_hash FROM users WHERE email = %s", email)[0][
        "password_hash"
    ]


def field_error(html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


def test_konto_shows_the_users_own_account_and_the_password_form(kaisa):
    response = kaisa.get(KONTO)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Kaisa Jönsson", "kaisa@jlmdata.se", "Jlmdata AB", "Administratör"):
        assert text in html
    for label in ("Nuvarande lösenord", "Nytt lösenord", "Upprepa nytt lösenord"):
        assert f">{label}</label>" in html
    assert 'autocomplete="current-password"' in html and 'name="csrf_token"' in html
    assert "Vissa uppgifter kan inte visas" not in html  # tokens and settings are not asked


def test_a_plain_user_sees_and_changes_their_own_account(olle, auth_service):
    kaisas = password_hash(auth_service)
    olles = password_hash(auth_service, "olle@jlmdata.se")
    assert "olle@jlmdata.se" in olle.get(KONTO).get_data(as_text=True)
    assert change(olle, new="olles nya långa lösenfras").status_code == 303
    assert password_hash(auth_service, "olle@jlmdata.se") != olles
    assert password_hash(auth_service) == kaisas
    assert olle.get(KONTO).status_code == 200


def test_a_change_is_confirmed_renews_the_session_and_ends_the_others(gateway, auth_service):
    kaisa, phone = Visitor(gateway), Visitor(gateway)
    kaisa.log_in()
    phone.log_in()
    old_cookie = kaisa.client.get_cookie("rf_session").value
    old_csrf = kaisa.csrf(KONTO)
    response = change(kaisa)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/resultat-finans/installningar?flik=konto#konto")
    assert kaisa.client.get_cookie("rf_session").value != old_cookie
    page = kaisa.get(KONTO).get_data(as_text=True)
    assert "Ditt lösenord är ändrat." in page and "alla andra inloggningar har avslutats" in page
    assert phone.get("/").status_code == 302
    # The page before the change holds a CSRF token of the old session: no longer accepted.
    assert kaisa.client.post("/logga-ut", data={"csrf_token": old_csrf}).status_code == 400
    assert (
        Visitor(gateway)
        .post("/logga-in", {"identifier": "900232", "password": PASSWORD})
        .status_code
        == 401
    )
    Visitor(gateway).log_in(password=NEW_PASSWORD)


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        (
            {"current": "", "new": "", "repeat": ""},
            {
                "current_password": "Ange ditt nuvarande lösenord.",
                "new_password": "Ange ett nytt lösenord.",
                "new_password_repeat": "Upprepa det nya lösenordet.",
            },
        ),
        (
            {"current": "not my password at all"},
            {"current_password": "Det nuvarande lösenordet stämmer inte."},
        ),
        ({"new": "för kort"}, {"new_password": "Lösenordet måste ha minst 12 tecken."}),
        (
            {"new": "password1234"},
            {
                "new_password": "Lösenordet är för vanligt. Välj ett annat, gärna en fras med flera ord."
            },
        ),
        (
            {"repeat": "en helt annan lösenfras"},
            {
                "new_password_repeat": "Lösenorden är inte lika. Skriv samma nya lösenord i båda fälten."
            },
        ),
        (
            {"new": PASSWORD},
            {"new_password": "Det nya lösenordet måste skilja sig från det nuvarande."},
        ),
    ],
    ids=["empty", "wrong-current", "too-short", "too-common", "mismatch", "same-as-before"],
)
def test_bad_input_gets_a_message_next_to_the_field_and_changes_nothing(
    kaisa, auth_service, form, messages
):
    before = password_hash(auth_service)
    cookie = kaisa.client.get_cookie("rf_session").value
    response = change(kaisa, **form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Lösenordet ändrades inte." in html
    for name in ("current_password", "new_password", "new_password_repeat"):
        assert field_error(html, name) == messages.get(name, "")
    for typed in form.values():
        assert not typed or f'value="{typed}"' not in html  # passwords are never sent back
    assert password_hash(auth_service) == before
    assert kaisa.client.get_cookie("rf_session").value == cookie
    assert kaisa.get("/").status_code == 200
    assert db_rows(auth_service, "SELECT * FROM outbox WHERE type = 'user.password_changed'") == []


def test_guessing_the_current_password_is_throttled(kaisa, auth_service):
    for _ in range(5):
        assert change(kaisa, current="a wrong guess!!").status_code == 422
    response = change(kaisa)
    assert response.status_code == 429
    assert field_error(response.get_data(as_text=True), "current_password").startswith(
        "För många försök. Vänta"
    )
    assert kaisa.get("/").status_code == 200


def test_without_csrf_token_nothing_changes(kaisa, auth_service):
    before = password_hash(auth_service)
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = kaisa.post(ACTION, {**form, "new_password_repeat": NEW_PASSWORD}, csrf_from=None)
    assert response.status_code == 400
    assert password_hash(auth_service) == before


def test_signed_out_visitors_are_sent_to_log_in(visitor, auth_service):
    before = password_hash(auth_service)
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = visitor.post(ACTION, {**form, "new_password_repeat": NEW_PASSWORD})
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]
    assert password_hash(auth_service) == before


def test_the_form_takes_no_get(kaisa):
    assert kaisa.get(ACTION).status_code == 405


def test_the_menu_marks_installningar_on_the_forms_answer(kaisa):
    html = change(kaisa, new="för kort").get_data(as_text=True)
    assert 'href="/resultat-finans/installningar" aria-current=page>Inställningar' in html
