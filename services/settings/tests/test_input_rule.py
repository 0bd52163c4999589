"""Hostile input to the settings service's real routes: refused with 400 (the input rule) or 422
(the bank's rules), never a 500, and nothing is saved or published."""

import psycopg
import pytest

ORG = "00000000-0000-4000-8000-0000000000ab"
PATH = f"/internal/organisations/{ORG}/payment-method"
# 160-9908 (Bankgiro), 410 54 68-5 (Plusgiro) and 5491-0000003 (SEB) in look-alike digits.
LOOK_ALIKES = [
    {"method": "bankgiro", "number": "１６０-９９０８"},  # fullwidth
    {"method": "bankgiro", "number": "١٦٠-٩٩٠٨"},  # Arabic-Indic
    {"method": "bankgiro", "number": "۱۶۰-۹۹۰۸"},  # extended Arabic-Indic (Persian)
    {"method": "bankgiro", "number": "¹⁶⁰-⁹⁹⁰⁸"},  # superscript
    {"method": "bankgiro", "number": "①⑥⓪-⑨⑨⓪⑧"},  # circled
    {"method": "plusgiro", "number": "४१० ५४ ६८-५"},  # Devanagari
    {"method": "bank_account", "clearing_number": "５４９１", "account_number": "0000003"},
    {"method": "bank_account", "clearing_number": "5491", "account_number": "000000³"},
    {"method": "bank_account", "clearing_number": "²⁴⁹¹", "account_number": "0000003"},
]


def saved_state(api, settings_env) -> tuple:
    with psycopg.connect(settings_env["SETTINGS_DATABASE_URL"]) as conn:
        events = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    return api.get(PATH).get_json(), events


@pytest.mark.parametrize("body", LOOK_ALIKES)
def test_look_alike_digits_are_refused_with_a_field_message(api, settings_env, body):
    before = saved_state(api, settings_env)
    response = api.put(PATH, body | {"changed_by": "user:1"})
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert any("0–9" in " ".join(messages) for messages in fields.values()), fields
    assert saved_state(api, settings_env) == before


@pytest.mark.parametrize("changed_by", ["user:\x001", "user:\ud800x", "user:\x1b[31m"])
def test_broken_text_in_changed_by_is_refused(api, settings_env, changed_by):
    before = saved_state(api, settings_env)
    body = {"method": "bankgiro", "number": "160-9908", "changed_by": changed_by}
    response = api.put(PATH, body)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"changed_by"}
    assert saved_state(api, settings_env) == before


def test_json_nested_2000_deep_is_refused(api, settings_env):
    response = api.client.put(
        PATH,
        data="[" * 2000 + "]" * 2000,
        content_type="application/json",
        headers={"X-Internal-Key": "test-internal-key"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed_input"


def test_the_ascii_number_is_still_saved(api):
    body = {"method": "bankgiro", "number": "160-9908", "changed_by": "user:1"}
    assert api.put(PATH, body).status_code == 200
