"""Organisation and Administratörer: members, invitations, roles and the organisation boundary."""

import pytest

from .conftest import DEMO_ORG, OTHER, rows, token_of


def _removal(api, user_id: str, session: str) -> int:
    """The status of an administrator's removal of the member."""
    path = f"/internal/organisations/{DEMO_ORG}/members/{user_id}"
    return api.call("DELETE", path, session=session).status_code


def _user_id(app, email: str) -> str:
    return str(rows(app, "SELECT id FROM users WHERE email = %s", email)[0]["id"])


def test_organisation_overview_lists_details_and_members(demo, api):
    body = api.call(
        "GET", f"/internal/organisations/{DEMO_ORG}", session=api.session_of()
    ).get_json()
    assert (body["name"], body["org_number"], body["customer_number"]) == (
        "Jlmdata AB",
        "559192-5788",
        "900232",
    )
    assert [(m["name"], m["role"]) for m in body["members"]] == [
        ("Kaisa Jönsson", "administrator"),
        ("Olle Berg", "user"),
    ]


def test_apps_of_the_demo_organisation_are_the_three_tiles(demo, api):
    body = api.call(
        "GET", f"/internal/organisations/{DEMO_ORG}/apps", session=api.session_of()
    ).get_json()
    assert [(a["name"], a["url"]) for a in body["apps"]] == [
        ("Aspia ICA", "/appar/aspia-ica/"),
        ("PM Sync", "/appar/pm-sync/"),
        ("Resultat Finans", "/resultat-finans/"),
    ]


def test_organisation_apis_need_a_session(demo, api):
    assert api.call("GET", f"/internal/organisations/{DEMO_ORG}").status_code == 401
    assert (
        api.call("GET", f"/internal/organisations/{DEMO_ORG}", session="forged").status_code == 401
    )


def test_admin_invites_a_member_who_sets_a_password_and_logs_in(demo, api, smtp_sink, app):
    admin = api.session_of()
    response = api.post(
        f"/internal/organisations/{DEMO_ORG}/invitations",
        {"name": "Ivar Inbjuden", "email": "ivar@jlmdata.se"},
        session=admin,
    )
    assert response.status_code == 201
    assert api.login("ivar@jlmdata.se", "").status_code == 422
    api.deliver_mail()
    mail = smtp_sink.wait_for("ivar@jlmdata.se")
    assert "Kaisa Jönsson" in smtp_sink.body(mail)
    link = smtp_sink.links(mail)[0]
    assert link.startswith("https://apps.example.se/inbjudan?t=")
    check = api.post("/internal/links/invite/check", {"token": token_of(link)}).get_json()
    assert check["org_name"] == "Jlmdata AB"
    body = {"token": token_of(link), "password": "ivar's own passphrase"}
    assert api.post("/internal/invitations/complete", body).status_code == 204
    assert api.post("/internal/invitations/complete", body).status_code == 410
    assert api.login("ivar@jlmdata.se", "ivar's own passphrase").status_code == 200


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"name": "", "email": "a@jlmdata.se"}, "name"),
        ({"name": "A", "email": "not-an-email"}, "email"),
        ({"name": "A" * 101, "email": "a@jlmdata.se"}, "name"),
        ({"name": "Olle", "email": "olle@jlmdata.se"}, "email"),
    ],
)
def test_invitation_with_bad_input_is_refused(demo, api, form, field):
    response = api.post(
        f"/internal/organisations/{DEMO_ORG}/invitations", form, session=api.session_of()
    )
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_a_plain_user_cannot_invite_remove_or_change_roles(demo, api, app):
    olle = api.session_of("olle@jlmdata.se")
    kaisa = _user_id(app, "kaisa@jlmdata.se")
    invite = api.post(
        f"/internal/organisations/{DEMO_ORG}/invitations",
        {"name": "X", "email": "x@jlmdata.se"},
        session=olle,
    )
    remove = api.call("DELETE", f"/internal/organisations/{DEMO_ORG}/members/{kaisa}", session=olle)
    demote = api.call(
        "PUT",
        f"/internal/organisations/{DEMO_ORG}/members/{kaisa}/role",
        {"role": "user"},
        session=olle,
    )
    assert invite.status_code == remove.status_code == demote.status_code == 403
    assert len(rows(app, "SELECT * FROM users")) == 2


def test_admin_grants_and_revokes_the_administrator_role(demo, api, app):
    admin, olle = api.session_of(), _user_id(app, "olle@jlmdata.se")
    path = f"/internal/organisations/{DEMO_ORG}/members/{olle}/role"
    assert api.call("PUT", path, {"role": "administrator"}, session=admin).status_code == 204
    assert (
        rows(app, "SELECT role FROM memberships WHERE user_id = %s", olle)[0]["role"]
        == "administrator"
    )
    assert api.call("PUT", path, {"role": "user"}, session=admin).status_code == 204
    assert api.call("PUT", path, {"role": "owner"}, session=admin).status_code == 422
    types = [
        r["type"] for r in rows(app, "SELECT type FROM outbox WHERE type = 'membership.changed'")
    ]
    assert len(types) == 4  # two from the seed, two role changes


def test_the_last_administrator_cannot_be_demoted(demo, api, app):
    kaisa = _user_id(app, "kaisa@jlmdata.se")
    path = f"/internal/organisations/{DEMO_ORG}/members/{kaisa}/role"
    response = api.call("PUT", path, {"role": "user"}, session=api.session_of())
    assert response.status_code == 409
    assert (
        rows(app, "SELECT role FROM memberships WHERE user_id = %s", kaisa)[0]["role"]
        == "administrator"
    )


def test_the_last_administrator_cannot_be_removed(demo, api, app):
    olle, kaisa = _user_id(app, "olle@jlmdata.se"), _user_id(app, "kaisa@jlmdata.se")
    admin = api.session_of()
    api.call(
        "PUT",
        f"/internal/organisations/{DEMO_ORG}/members/{olle}/role",
        {"role": "administrator"},
        session=admin,
    )
    olle_session = api.session_of("olle@jlmdata.se")
    assert _removal(api, kaisa, olle_session) == 204
    api.call(
        "PUT",
        f"/internal/organisations/{DEMO_ORG}/members/{olle}/role",
        {"role": "user"},
        session=olle_session,
    )
    assert (
        rows(app, "SELECT role FROM memberships WHERE user_id = %s", olle)[0]["role"]
        == "administrator"
    )
    assert _removal(api, olle, olle_session) == 409


def test_removing_a_member_ends_their_sessions(demo, api, app):
    olle_session = api.session_of("olle@jlmdata.se")
    olle = _user_id(app, "olle@jlmdata.se")
    assert _removal(api, olle, api.session_of()) == 204
    assert (
        api.post("/internal/sessions/resolve", {"session_token": olle_session}).status_code == 401
    )
    assert api.login("olle@jlmdata.se").status_code == 401


def test_unknown_member_ids_are_not_found_and_malformed_ones_are_refused(demo, api):
    admin = api.session_of()
    malformed = api.call("DELETE", f"/internal/organisations/{DEMO_ORG}/members/x", session=admin)
    assert malformed.status_code == 422 and "user_id" in malformed.get_json()["error"]["fields"]
    assert _removal(api, "00000000-0000-4000-8000-000000000001", admin) == 404


# A user of one organisation reaching the other's internal APIs: one test per API.


def test_other_org_admin_cannot_read_the_organisation(demo, api, other):
    assert (
        api.call("GET", f"/internal/organisations/{DEMO_ORG}", session=other[1]).status_code == 403
    )


def test_other_org_admin_cannot_read_the_apps(demo, api, other):
    assert (
        api.call("GET", f"/internal/organisations/{DEMO_ORG}/apps", session=other[1]).status_code
        == 403
    )


def test_other_org_admin_cannot_invite_into_the_organisation(demo, api, other, app):
    form = {"name": "Intruder", "email": "intruder@annat.se"}
    assert (
        api.post(
            f"/internal/organisations/{DEMO_ORG}/invitations", form, session=other[1]
        ).status_code
        == 403
    )
    assert rows(app, "SELECT * FROM users WHERE email = 'intruder@annat.se'") == []


def test_other_org_admin_cannot_remove_a_member(demo, api, other, app):
    olle = _user_id(app, "olle@jlmdata.se")
    assert _removal(api, olle, other[1]) == 403
    assert api.login("olle@jlmdata.se").status_code == 200


def test_other_org_admin_cannot_change_a_role(demo, api, other, app):
    olle = _user_id(app, "olle@jlmdata.se")
    path = f"/internal/organisations/{DEMO_ORG}/members/{olle}/role"
    assert api.call("PUT", path, {"role": "administrator"}, session=other[1]).status_code == 403
    assert rows(app, "SELECT role FROM memberships WHERE user_id = %s", olle)[0]["role"] == "user"


def test_admin_cannot_act_on_another_orgs_member_through_their_own_org(demo, api, other, app):
    anna = _user_id(app, OTHER["email"])
    path = f"/internal/organisations/{DEMO_ORG}/members/{anna}"
    assert api.call("DELETE", path, session=api.session_of()).status_code == 404
    assert (
        api.call("PUT", f"{path}/role", {"role": "user"}, session=api.session_of()).status_code
        == 404
    )
