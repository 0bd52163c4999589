"""Who is a customer is not revealed by the forms: inviting or registering an address or a
company that already has an account answers as for a new one, and the owner is told by mail;
an invitation is listed, withdrawn and expires the same whichever the address; invitations have
quotas; an open invitation does not keep its invitee from registering."""

from auth.domain.throttle import INVITE_ADMIN

from .conftest import DEMO_ORG, OTHER, rows, token_of

ORG = f"/internal/organisations/{DEMO_ORG}"


def invite(api, email: str, session: str, name: str = "Ida"):
    return api.post(
        f"/internal/organisations/{DEMO_ORG}/invitations",
        {"name": name, "email": email},
        session=session,
    )


def test_inviting_someone_with_an_account_elsewhere_answers_alike_and_tells_the_owner(
    demo, api, app, smtp_sink
):
    assert api.post("/internal/registrations", OTHER).status_code == 202
    admin = api.session_of()
    taken, new = invite(api, "Anna@annat.se", admin), invite(api, "ny@jlmdata.se", admin)
    assert taken.status_code == new.status_code == 201
    assert taken.get_json() == new.get_json()
    assert rows(app, "SELECT count(*) AS n FROM users WHERE lower(email) = 'anna@annat.se'") == [
        {"n": 1}
    ]
    api.deliver_mail()
    told = [m for m in smtp_sink.to("anna@annat.se") if "bjuda in dig" in m["Subject"]]
    assert len(told) == 1 and "Kaisa" in told[0]["Subject"]


def test_inviting_a_member_of_ones_own_organisation_says_so(demo, api):
    response = invite(api, "olle@jlmdata.se", api.session_of())
    assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"]


def test_one_administrator_can_send_only_so_many_invitations_an_hour(demo, api, app):
    admin = api.session_of()
    for number in range(INVITE_ADMIN.hourly_cap):
        assert invite(api, f"ida{number}@jlmdata.se", admin).status_code == 201
    refused = invite(api, "one.more@jlmdata.se", admin)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert rows(app, "SELECT * FROM invitations WHERE email = 'one.more@jlmdata.se'") == []


def test_an_invited_address_can_still_register_its_own_company(demo, api, app):
    admin = api.session_of()
    assert invite(api, "anna@annat.se", admin).status_code == 201
    assert api.post("/internal/registrations", OTHER).status_code == 202
    orgs = rows(
        app,
        "SELECT o.org_number FROM users u JOIN memberships m ON m.user_id = u.id"
        " JOIN organisations o ON o.id = m.org_id WHERE u.email = 'anna@annat.se'",
    )
    assert orgs == [{"org_number": "556016-0680"}]
    assert [i["email"] for i in overview(api, admin)["invitations"]] == ["anna@annat.se"]


def overview(api, session: str) -> dict:
    response = api.call("GET", ORG, session=session)
    assert response.status_code == 200
    return response.get_json()


def _shape(entry: dict) -> dict:
    """What of a listed invitation may differ between two addresses: nothing but its values."""
    return {key: type(value) for key, value in entry.items()}


def test_both_invitations_are_listed_alike_and_neither_as_a_member(demo, api, smtp_sink):
    assert api.post("/internal/registrations", OTHER).status_code == 202
    admin = api.session_of()
    members_before = overview(api, admin)["members"]
    invite(api, "anna@annat.se", admin, name="Anna")
    invite(api, "ny@jlmdata.se", admin, name="Ny")
    after = overview(api, admin)
    assert after["members"] == members_before
    taken, new = after["invitations"]
    assert (taken["email"], new["email"]) == ("anna@annat.se", "ny@jlmdata.se")
    assert _shape(taken) == _shape(new)
    assert taken["expires_at"] == new["expires_at"] and taken["invited_at"] == new["invited_at"]


def test_withdrawing_either_invitation_answers_alike_and_ends_its_link(demo, api, smtp_sink):
    assert api.post("/internal/registrations", OTHER).status_code == 202
    admin = api.session_of()
    invite(api, "anna@annat.se", admin)
    invite(api, "ny@jlmdata.se", admin)
    api.deliver_mail()
    links = [_invite_link(smtp_sink, "anna@annat.se"), _invite_link(smtp_sink, "ny@jlmdata.se")]
    answers = [
        api.call("DELETE", f"{ORG}/invitations/{entry['id']}", session=admin)
        for entry in overview(api, admin)["invitations"]
    ]
    assert [(a.status_code, a.get_data()) for a in answers] == [(204, b"")] * 2
    assert overview(api, admin)["invitations"] == []
    for link in links:
        check = api.post("/internal/links/invite/check", {"token": token_of(link)})
        assert check.status_code == 410


def test_both_invitations_expire_alike(demo, api, clock):
    assert api.post("/internal/registrations", OTHER).status_code == 202
    admin = api.session_of()
    invite(api, "anna@annat.se", admin)
    invite(api, "ny@jlmdata.se", admin)
    clock.advance(hours=73)
    admin = api.session_of()
    assert overview(api, admin)["invitations"] == []


def test_invitations_of_either_kind_count_alike_against_the_quota(demo, api):
    assert api.post("/internal/registrations", OTHER).status_code == 202
    admin = api.session_of()
    for number in range(INVITE_ADMIN.hourly_cap - 1):
        assert invite(api, f"ida{number}@jlmdata.se", admin).status_code == 201
    assert invite(api, "anna@annat.se", admin).status_code == 201
    assert invite(api, "one.more@jlmdata.se", admin).status_code == 429


def _invite_link(smtp_sink, address: str) -> str:
    return smtp_sink.links(smtp_sink.wait_for(address))[0]


def test_an_account_holder_accepts_by_logging_in_and_moves_to_the_organisation(
    demo, api, app, smtp_sink, other
):
    anna_org, anna = other
    bo = {"name": "Bo Annan", "email": "bo@annat.se"}
    api.post(f"/internal/organisations/{anna_org}/invitations", bo, session=anna)
    api.deliver_mail()
    joined = {
        "token": token_of(_invite_link(smtp_sink, "bo@annat.se")),
        "password": "bo's passphrase",
    }
    assert api.post("/internal/invitations/complete", joined).status_code == 204

    invite(api, "bo@annat.se", api.session_of(), name="Bo")
    api.deliver_mail()
    mail = smtp_sink.wait_for("bo@annat.se", count=2)
    assert "redan ett konto" in smtp_sink.body(mail)
    token = token_of(smtp_sink.links(mail)[0])
    check = api.post("/internal/links/invite/check", {"token": token}).get_json()
    assert (check["has_account"], check["org_name"]) == (True, "Jlmdata AB")
    wrong = api.post("/internal/invitations/complete", {"token": token, "password": "guess"})
    assert wrong.status_code == 422 and "password" in wrong.get_json()["error"]["fields"]
    right = {"token": token, "password": "bo's passphrase"}
    assert api.post("/internal/invitations/complete", right).status_code == 204
    assert api.post("/internal/invitations/complete", right).status_code == 410
    me = api.post(
        "/internal/sessions/resolve",
        {"session_token": api.session_of("bo@annat.se", "bo's passphrase")},
    ).get_json()
    assert (me["org_id"], me["role"]) == (DEMO_ORG, "user")
    assert overview(api, api.session_of())["invitations"] == []


def test_the_last_administrator_of_another_organisation_cannot_leave_it_by_accepting(
    demo, api, smtp_sink, other
):
    anna_org, _ = other
    invite(api, "anna@annat.se", api.session_of())
    api.deliver_mail()
    smtp_sink.wait_for("anna@annat.se", count=2)
    token = token_of(_last_link(smtp_sink))
    body = {"token": token, "password": OTHER["password"]}
    assert api.post("/internal/invitations/complete", body).status_code == 409
    me = api.post(
        "/internal/sessions/resolve",
        {"session_token": api.session_of(OTHER["email"], OTHER["password"])},
    ).get_json()
    assert me["org_id"] == anna_org


def _last_link(smtp_sink) -> str:
    return smtp_sink.links(smtp_sink.to("anna@annat.se")[-1])[0]


def test_a_declined_invitation_is_no_longer_pending(demo, api, smtp_sink):
    admin = api.session_of()
    invite(api, "ny@jlmdata.se", admin)
    api.deliver_mail()
    token = token_of(_invite_link(smtp_sink, "ny@jlmdata.se"))
    assert api.post("/internal/invitations/decline", {"token": token}).status_code == 204
    assert overview(api, admin)["invitations"] == []
    body = {"token": token, "password": "a long enough passphrase"}
    assert api.post("/internal/invitations/complete", body).status_code == 410
