"""The payment method over the internal API: saved, kept with who and when, published once."""

import uuid

import psycopg
from servicekit.testing import assertion_headers
from settings.handlers import seed

ORG = "00000000-0000-4000-8000-0000000000aa"
PATH = f"/internal/organisations/{ORG}/payment-method"


def _outbox(settings_env) -> list[dict]:
    with psycopg.connect(settings_env["SETTINGS_DATABASE_URL"]) as conn:
        rows = conn.execute("SELECT envelope FROM outbox ORDER BY seq").fetchall()
    return [row[0] for row in rows]


def test_nothing_saved_yet_is_answered_as_not_configured(api):
    assert api.get(PATH).get_json() == {"configured": False}


def test_a_saved_bankgiro_is_there_after_reading_it_again(api):
    saved = api.put(PATH, {"method": "bankgiro", "number": "160 9908"}, user="1")
    assert saved.status_code == 200
    body = api.get(PATH).get_json()
    assert body["method"] == "bankgiro"
    assert body["label"] == "Bankgiro"
    assert body["display"] == "160-9908"
    assert body["number"] == "1609908"
    assert body["revision"] == 1
    assert body["changed_by"] == "user:1"


def test_a_bad_number_gets_422_with_the_field_message_and_changes_nothing(api, settings_env):
    api.put(PATH, {"method": "bankgiro", "number": "160-9908"}, user="1")
    refused = api.put(PATH, {"method": "bankgiro", "number": "160-9907"}, user="2")
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "invalid_input"
    assert "kontrollsiffran" in error["fields"]["number"][0]
    assert api.get(PATH).get_json()["display"] == "160-9908"
    assert len(_outbox(settings_env)) == 1


def test_a_bank_account_with_a_wrong_clearing_number_names_that_field(api):
    refused = api.put(
        PATH,
        {
            "method": "bank_account",
            "clearing_number": "0999",
            "account_number": "1234567",
        },
    )
    assert refused.status_code == 422
    assert list(refused.get_json()["error"]["fields"]) == ["clearing_number"]


def test_an_unknown_method_is_refused_by_the_schema(api):
    assert api.put(PATH, {"method": "swish", "number": "1"}).status_code == 422


def test_saving_needs_auths_word_that_an_administrator_of_the_organisation_does_it(
    api, settings_env
):
    """The gateway's credential alone, or its word on who saves, changes nothing."""
    body = {"method": "bankgiro", "number": "160-9908", "changed_by": "user:forged"}
    other = "00000000-0000-4000-8000-0000000000bb"
    refusals = [
        ({}, 401),
        (assertion_headers("settings.save_payment_method", other), 403),
        (assertion_headers("fortnox.disconnect", ORG), 401),  # another service's audience
        (assertion_headers("settings.save_payment_method", ORG, role="user"), 403),
    ]
    for headers, status in refusals:
        assert api.put(PATH, body, user=None, headers=headers).status_code == status, headers
    assert api.get(PATH).get_json() == {"configured": False} and _outbox(settings_env) == []
    api.put(PATH, body, user="kaisa")
    assert api.get(PATH).get_json()["changed_by"] == "user:kaisa"


def test_every_change_is_kept_with_who_and_when_and_published_without_the_full_account(
    api, settings_env
):
    api.put(PATH, {"method": "bankgiro", "number": "160-9908"}, user="kaisa")
    account = {
        "method": "bank_account",
        "clearing_number": "8424-4",
        "account_number": "983 189 224-6",
    }
    changed = api.put(PATH, account, user="olle").get_json()
    assert changed["changed"] is True
    assert changed["bank_name"] == "Swedbank"
    history = api.get(PATH + "/history").get_json()["entries"]
    assert [(e["revision"], e["method"], e["changed_by"]) for e in history] == [
        (2, "bank_account", "user:olle"),
        (1, "bankgiro", "user:kaisa"),
    ]
    assert all(e["changed_at"] for e in history)
    events = _outbox(settings_env)
    assert [e["type"] for e in events] == ["settings.payment_method_changed"] * 2
    assert events[1]["org_id"] == ORG
    assert events[1]["data"]["display"] == "8424-4, ****2246"
    assert "9831892246" not in str(events)


def test_saving_the_same_method_again_changes_and_publishes_nothing(api, settings_env):
    body = {"method": "plusgiro", "number": "12 34 56-6"}
    api.put(PATH, body)
    again = api.put(PATH, body | {"number": "1234566"}).get_json()
    assert again["changed"] is False
    assert again["revision"] == 1
    assert len(_outbox(settings_env)) == 1


def test_the_internal_api_needs_the_internal_key(api):
    assert api.get(PATH, key=None).status_code == 401
    assert api.get(PATH, key="wrong").status_code == 401


def test_an_organisation_id_must_be_a_uuid(api):
    response = api.get("/internal/organisations/not-a-uuid/payment-method")
    assert response.status_code == 422


def test_the_overview_has_payment_method_and_company(api):
    api.put(PATH, {"method": "bankgiro", "number": "160-9908"}, user="1")
    body = api.get(f"/internal/organisations/{ORG}").get_json()
    assert body["payment_method"]["display"] == "160-9908"
    assert body["company"] == {"known": False}


def test_the_demo_seed_is_idempotent(ctx, api):
    assert seed.seed_demo(ctx) == ["payment method Bankgiro 5591-9252"]
    assert seed.seed_demo(ctx) == []
    demo = api.get(f"/internal/organisations/{seed.DEMO_ORG_ID}/payment-method").get_json()
    assert (demo["method"], demo["display"], demo["revision"]) == ("bankgiro", "5591-9252", 1)
    assert str(uuid.UUID(seed.DEMO_ORG_ID)) == seed.DEMO_ORG_ID
