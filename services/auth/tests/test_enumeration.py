"""Who is a customer is not revealed by the forms: inviting or registering an address or a
company that already has an account answers as for a new one, and the owner is told by mail;
invitations have quotas; an open invitation does not keep its invitee from registering."""

from auth.domain.throttle import INVITE_ADMIN

from .conftest import DEMO_ORG, rows
from .test_organisation import OTHER


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
    assert rows(app, "SELECT * FROM users WHERE email = 'one.more@jlmdata.se'") == []


def test_an_invited_address_can_still_register_its_own_company(demo, api, app):
    assert invite(api, "anna@annat.se", api.session_of()).status_code == 201
    assert api.post("/internal/registrations", OTHER).status_code == 202
    orgs = rows(
        app,
        "SELECT o.org_number FROM users u JOIN memberships m ON m.user_id = u.id"
        " JOIN organisations o ON o.id = m.org_id WHERE u.email = 'anna@annat.se'",
    )
    assert orgs == [{"org_number": "556016-0680"}]
    removed = rows(
        app,
        "SELECT envelope FROM outbox WHERE type = 'membership.changed' ORDER BY seq DESC LIMIT 2",
    )
    assert any(r["envelope"]["data"]["change"] == "removed" for r in removed)
