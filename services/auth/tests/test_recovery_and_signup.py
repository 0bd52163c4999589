"""Glömt lösenord and Ny kund through the internal API, with mail to a real SMTP sink."""

import pytest

from .conftest import PASSWORD, rows, token_of

NEW_PASSWORD = "a brand new passphrase"
COMPANY = {
    "company_name": "Ny Kund AB",
    "org_number": "556677-8899",
    "name": "Nina Ny",
    "email": "nina@nykund.se",
    "password": "nina's long passphrase",
    "client_address": "198.51.100.20",
}


def _reset_link(api, smtp_sink, identifier="900232", count=1) -> str:
    response = api.post("/internal/password-resets", {"identifier": identifier})
    assert response.status_code == 202
    api.deliver_mail()
    return smtp_sink.links(smtp_sink.wait_for("kaisa@jlmdata.se", count))[0]


def test_reset_answer_is_the_same_for_unknown_accounts_and_sends_nothing(demo, api, smtp_sink, app):
    known = api.post("/internal/password-resets", {"identifier": "900232"})
    unknown = api.post("/internal/password-resets", {"identifier": "nobody@example.se"})
    assert (known.status_code, known.get_json()) == (unknown.status_code, unknown.get_json())
    api.deliver_mail()
    assert len(smtp_sink.messages) == 1
    assert rows(app, "SELECT count(*) AS n FROM mail_outbox")[0]["n"] == 1


def test_reset_link_is_built_from_public_base_url_and_token_stored_hashed(
    demo, api, smtp_sink, app
):
    link = _reset_link(api, smtp_sink)
    assert link.startswith("https://apps.example.se/aterstall-losenord?t=")
    stored = rows(app, "SELECT token_hash, expires_at - created_at AS ttl FROM one_time_tokens")
    assert token_of(link).encode() not in bytes(stored[0]["token_hash"])
    assert stored[0]["ttl"].total_seconds() == 30 * 60


def test_reset_sets_the_password_ends_all_sessions_and_does_not_log_in(demo, api, smtp_sink):
    session = api.session_of()
    link = _reset_link(api, smtp_sink)
    check = api.post("/internal/links/reset/check", {"token": token_of(link)})
    assert check.status_code == 200 and check.get_json()["name"] == "Kaisa Jönsson"
    done = api.post(
        "/internal/password-resets/complete", {"token": token_of(link), "password": NEW_PASSWORD}
    )
    assert done.status_code == 204 and done.data == b""
    assert api.post("/internal/sessions/resolve", {"session_token": session}).status_code == 401
    assert api.login(password=PASSWORD).status_code == 401
    assert api.login(password=NEW_PASSWORD).status_code == 200
    api.deliver_mail()
    assert "ändrat" in smtp_sink.wait_for("kaisa@jlmdata.se", 2)["Subject"]


def test_reset_link_works_only_once(demo, api, smtp_sink):
    token = token_of(_reset_link(api, smtp_sink))
    body = {"token": token, "password": NEW_PASSWORD}
    assert api.post("/internal/password-resets/complete", body).status_code == 204
    again = api.post(
        "/internal/password-resets/complete", {**body, "password": "yet another phrase"}
    )
    assert again.status_code == 410
    assert api.login(password=NEW_PASSWORD).status_code == 200


def test_reset_link_expires_after_thirty_minutes(demo, api, smtp_sink, clock):
    token = token_of(_reset_link(api, smtp_sink))
    clock.advance(minutes=30)
    response = api.post(
        "/internal/password-resets/complete", {"token": token, "password": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert api.post("/internal/links/reset/check", {"token": token}).status_code == 410


def test_a_newer_reset_link_does_not_revive_after_an_older_one_is_used(demo, api, smtp_sink):
    first = token_of(_reset_link(api, smtp_sink))
    second = token_of(_reset_link(api, smtp_sink, count=2))
    body = {"token": second, "password": NEW_PASSWORD}
    assert api.post("/internal/password-resets/complete", body).status_code == 204
    assert (
        api.post("/internal/password-resets/complete", {**body, "token": first}).status_code == 410
    )


@pytest.mark.parametrize("password", ["", "too short", "password1234", "p" * 257])
def test_reset_refuses_a_weak_password_and_keeps_the_link_usable(demo, api, smtp_sink, password):
    token = token_of(_reset_link(api, smtp_sink))
    bad = api.post("/internal/password-resets/complete", {"token": token, "password": password})
    assert bad.status_code == 422 and "password" in bad.get_json()["error"]["fields"]
    good = api.post(
        "/internal/password-resets/complete", {"token": token, "password": NEW_PASSWORD}
    )
    assert good.status_code == 204


@pytest.mark.parametrize("token", ["", "made-up-token", "x" * 1000])
def test_unknown_or_malformed_reset_token_is_refused(demo, api, token):
    response = api.post(
        "/internal/password-resets/complete", {"token": token, "password": NEW_PASSWORD}
    )
    assert response.status_code == 410


def test_reset_mails_per_account_are_limited_silently(demo, api, smtp_sink):
    for _ in range(5):
        assert api.post("/internal/password-resets", {"identifier": "900232"}).status_code == 202
    api.deliver_mail()
    assert len(smtp_sink.to("kaisa@jlmdata.se")) == 3


def test_new_customer_registers_verifies_and_logs_in(app, api, smtp_sink):
    assert api.post("/internal/registrations", COMPANY).status_code == 202
    assert api.login(COMPANY["email"], COMPANY["password"]).get_json()["error"]["code"] == (
        "email_not_verified"
    )
    api.deliver_mail()
    link = smtp_sink.links(smtp_sink.wait_for(COMPANY["email"]))[0]
    assert link.startswith("https://apps.example.se/bekrafta-epost?t=")
    verified = api.post("/internal/verifications", {"token": token_of(link)})
    assert verified.status_code == 200
    session = api.session_of(COMPANY["email"], COMPANY["password"])
    me = api.post("/internal/sessions/resolve", {"session_token": session}).get_json()
    assert (me["org_name"], me["role"]) == ("Ny Kund AB", "administrator")
    org = rows(app, "SELECT org_number, customer_number FROM organisations")[0]
    assert org["org_number"] == "556677-8899" and org["customer_number"].isdigit()
    assert api.post("/internal/verifications", {"token": token_of(link)}).status_code == 410
    types = [r["type"] for r in rows(app, "SELECT type FROM outbox ORDER BY seq")]
    assert types == ["org.created", "user.registered", "membership.changed", "user.verified"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("company_name", ""),
        ("company_name", "x" * 201),
        ("org_number", ""),
        ("org_number", "556677-8898"),
        ("org_number", "55667-78899"),
        ("name", ""),
        ("name", "n" * 101),
        ("email", ""),
        ("email", "nina.nykund.se"),
        ("email", "n" * 250 + "@x.se"),
        ("password", ""),
        ("password", "short"),
        ("password", "qwertyuiop123"),
    ],
)
def test_registration_with_bad_input_is_refused_and_changes_nothing(app, api, field, value):
    response = api.post("/internal/registrations", {**COMPANY, field: value})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert rows(app, "SELECT * FROM organisations") == []


def test_registering_a_known_organisation_number_answers_alike_and_mails_its_admins(
    demo, api, app, smtp_sink
):
    response = api.post("/internal/registrations", {**COMPANY, "org_number": "5591925788"})
    assert response.status_code == 202
    assert len(rows(app, "SELECT * FROM organisations")) == 1
    api.deliver_mail()
    assert "registrera Jlmdata AB" in smtp_sink.wait_for("kaisa@jlmdata.se")["Subject"]
    assert "kunde inte slutföras" in smtp_sink.wait_for(COMPANY["email"])["Subject"]


def test_registering_a_taken_email_answers_alike_and_mails_the_owner(demo, api, smtp_sink, app):
    response = api.post("/internal/registrations", {**COMPANY, "email": "KAISA@jlmdata.se"})
    assert response.status_code == 202
    api.deliver_mail()
    assert "redan ett konto" in smtp_sink.wait_for("kaisa@jlmdata.se")["Subject"]
    assert len(rows(app, "SELECT * FROM organisations")) == 1
