"""The portal's pages: what each shows, what each lets whom do, and the organisation boundary."""

import re
from urllib.parse import urlparse

import pytest

from .conftest import Visitor, db_rows, deliver_mail, lacking

OTHER = {
    "company_name": "Annat AB",
    "org_number": "556016-0680",
    "name": "Anna Annan",
    "email": "anna@annat.se",
    "password": "anna's long passphrase",
}


def _user_id(auth_service, email):
    return str(db_rows(auth_service, "SELECT id FROM users WHERE email = %s", email)[0]["id"])


def _link_path(smtp_sink, recipient, count=1):
    link = smtp_sink.links(smtp_sink.wait_for(recipient, count))[0]
    parsed = urlparse(link)
    return f"{parsed.path}?{parsed.query}"


@pytest.fixture
def anna(gateway, auth_service, smtp_sink):
    """The administrator of another organisation (Annat AB, only Resultat Finans), signed in."""
    visitor = Visitor(gateway)
    assert visitor.post("/ny-kund", OTHER, csrf_from="/ny-kund").status_code == 200
    deliver_mail(auth_service)
    path = _link_path(smtp_sink, OTHER["email"])
    visitor.post("/bekrafta-epost", {"t": path.split("t=")[1]}, csrf_from=path)
    visitor.log_in(OTHER["email"], OTHER["password"])
    return visitor


def test_login_page_has_the_guides_texts(visitor):
    html = visitor.get("/logga-in").get_data(as_text=True)
    assert not lacking(
        html,
        "Användarnamn eller e-mail för nya kunder",
        "Lösenord",
        "Inloggning",
        "Glömt lösenord",
        "Ny kund",
    )


def test_wrong_password_and_unknown_user_get_the_same_page(visitor):
    wrong = visitor.post("/logga-in", {"identifier": "900232", "password": "not the password"})
    unknown = visitor.post("/logga-in", {"identifier": "nobody", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Fel användarnamn eller lösenord." in wrong.get_data(as_text=True)
    assert "Fel användarnamn eller lösenord." in unknown.get_data(as_text=True)


def test_login_with_empty_fields_shows_field_messages(visitor):
    response = visitor.post("/logga-in", {"identifier": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ange lösenord." in html


def test_home_shows_the_three_tiles_and_the_users_name(kaisa):
    html = kaisa.get("/").get_data(as_text=True)
    assert not lacking(
        html, "Kaisa Jönsson", "Aspia ICA", "PM Sync", "Resultat Finans", "Uppdatera"
    )
    assert not lacking(html, 'href="/resultat-finans/"', ">Hem</a>", ">Organisation</a>")
    assert ">Administratörer</a>" in html


def test_resultat_finans_tile_opens_the_app_with_its_own_menu(kaisa):
    html = kaisa.get("/resultat-finans/").get_data(as_text=True)
    assert "Jlm Appar" in html and "Kaisa Jönsson" in html


def test_forgot_password_answers_alike_for_unknown_accounts(visitor):
    known = visitor.post("/glomt-losenord", {"identifier": "900232"}, csrf_from="/glomt-losenord")
    unknown = visitor.post("/glomt-losenord", {"identifier": "nobody"}, csrf_from="/glomt-losenord")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()


def test_reset_page_sends_no_referrer_and_reset_does_not_log_in(visitor, auth_service, smtp_sink):
    visitor.post("/glomt-losenord", {"identifier": "900232"}, csrf_from="/glomt-losenord")
    deliver_mail(auth_service)
    path = _link_path(smtp_sink, "kaisa@jlmdata.se")
    page = visitor.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    done = visitor.post(
        path.split("?")[0],
        {"t": path.split("t=")[1], "password": "a new long passphrase"},
        csrf_from=path,
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/logga-in")
    assert visitor.get("/").status_code == 302
    again = visitor.get(path)
    assert again.status_code == 410 and again.headers["Referrer-Policy"] == "no-referrer"


def test_bad_link_tokens_show_the_link_error_page(visitor):
    for path in ("/aterstall-losenord?t=nope", "/inbjudan?t=nope", "/aterstall-losenord"):
        response = visitor.get(path)
        assert response.status_code == 410 and "Länken" in response.get_data(as_text=True)


def test_verification_link_does_nothing_on_get(visitor, auth_service, smtp_sink):
    visitor.post("/ny-kund", OTHER, csrf_from="/ny-kund")
    deliver_mail(auth_service)
    path = _link_path(smtp_sink, OTHER["email"])
    assert visitor.get(path).status_code == 200
    assert (
        db_rows(
            auth_service, "SELECT email_verified_at FROM users WHERE email = %s", OTHER["email"]
        )[0]["email_verified_at"]
        is None
    )


def test_registration_errors_are_shown_and_keep_what_was_typed(visitor):
    response = visitor.post(
        "/ny-kund", {**OTHER, "org_number": "123", "email": "nope"}, csrf_from="/ny-kund"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ogiltigt organisationsnummer" in html and "giltig e-postadress" in html
    assert 'value="Annat AB"' in html and "anna's long passphrase" not in html


def test_organisation_page_lists_details_and_members(olle):
    html = olle.get("/organisation").get_data(as_text=True)
    assert not lacking(html, "Jlmdata AB", "559192-5788", "900232", "Kaisa Jönsson", "Olle Berg")
    assert "Bjud in" not in html and "Ta bort" not in html


def test_admin_invites_a_member_through_the_page(kaisa, auth_service, smtp_sink, gateway):
    response = kaisa.post(
        "/organisation/inbjudan",
        {"name": "Ivar", "email": "ivar@jlmdata.se"},
        csrf_from="/organisation",
    )
    assert response.status_code == 302
    deliver_mail(auth_service)
    path = _link_path(smtp_sink, "ivar@jlmdata.se")
    ivar = Visitor(gateway)
    assert "Jlmdata AB" in ivar.get(path).get_data(as_text=True)
    ivar.post(
        "/inbjudan", {"t": path.split("t=")[1], "password": "ivars egen lösenfras"}, csrf_from=path
    )
    ivar.log_in("ivar@jlmdata.se", "ivars egen lösenfras")
    assert "Ivar" in ivar.get("/").get_data(as_text=True)


def test_an_account_holders_password_on_the_invitation_page_counts_for_the_address(
    kaisa, anna, auth_service, smtp_sink
):
    kaisa.post(
        "/organisation/inbjudan",
        {"name": "Anna", "email": OTHER["email"]},
        csrf_from="/organisation",
    )
    deliver_mail(auth_service)
    path = _link_path(smtp_sink, OTHER["email"], count=2)
    anna.client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    response = anna.post(
        "/inbjudan", {"t": path.split("t=")[1], "password": "not annas password"}, csrf_from=path
    )
    assert response.status_code == 422
    keys = {r["key"] for r in db_rows(auth_service, "SELECT key FROM throttle_events")}
    assert "login-address:203.0.113.7" in keys


def test_invitation_with_bad_email_shows_the_field_error(kaisa):
    response = kaisa.post(
        "/organisation/inbjudan", {"name": "Ivar", "email": "ivar"}, csrf_from="/organisation"
    )
    assert response.status_code == 422 and "giltig e-postadress" in response.get_data(as_text=True)


def test_admin_grants_and_revokes_the_role_and_the_last_admin_stays(kaisa, auth_service):
    olle = _user_id(auth_service, "olle@jlmdata.se")
    kaisa_id = _user_id(auth_service, "kaisa@jlmdata.se")
    kaisa.post(
        f"/administratorer/{olle}/roll", {"role": "administrator"}, csrf_from="/administratorer"
    )
    kaisa.post(f"/administratorer/{olle}/roll", {"role": "user"}, csrf_from="/administratorer")
    response = kaisa.post(
        f"/administratorer/{kaisa_id}/roll", {"role": "user"}, csrf_from="/administratorer"
    )
    assert response.status_code == 302
    page = kaisa.get("/administratorer").get_data(as_text=True)
    assert "minst en administratör" in page
    roles = {
        str(r["user_id"]): r["role"]
        for r in db_rows(auth_service, "SELECT user_id, role FROM memberships")
    }
    assert roles == {kaisa_id: "administrator", olle: "user"}


def test_admin_removes_a_member_and_their_session_ends(kaisa, olle, auth_service):
    olle_id = _user_id(auth_service, "olle@jlmdata.se")
    assert olle.get("/").status_code == 200
    kaisa.post(f"/organisation/medlemmar/{olle_id}/ta-bort", csrf_from="/organisation")
    assert "Olle Berg" not in kaisa.get("/organisation").get_data(as_text=True)
    assert olle.get("/").status_code == 302


def test_a_plain_user_gets_403_on_every_admin_action(olle, auth_service):
    kaisa_id = _user_id(auth_service, "kaisa@jlmdata.se")
    for path, data in (
        ("/organisation/inbjudan", {"name": "X", "email": "x@jlmdata.se"}),
        (f"/organisation/medlemmar/{kaisa_id}/ta-bort", {}),
        (f"/administratorer/{kaisa_id}/roll", {"role": "user"}),
    ):
        assert olle.post(path, data, csrf_from="/").status_code == 403, path
    assert len(db_rows(auth_service, "SELECT * FROM users")) == 2


# Another organisation's administrator against Jlmdata's pages: one test per page.


def test_other_org_home_shows_only_its_own_tiles(anna):
    html = anna.get("/").get_data(as_text=True)
    assert "Resultat Finans" in html and "Aspia ICA" not in html and "Anna Annan" in html


def test_other_org_organisation_page_shows_only_its_own_members(anna):
    html = anna.get("/organisation").get_data(as_text=True)
    assert (
        "Annat AB" in html and "Jlmdata" not in html and "Kaisa" not in html and "Olle" not in html
    )


def test_other_org_administrators_page_shows_only_its_own_admins(anna):
    html = anna.get("/administratorer").get_data(as_text=True)
    assert "Anna Annan" in html and "Kaisa" not in html


def test_other_org_cannot_remove_a_jlmdata_member(anna, auth_service):
    olle = _user_id(auth_service, "olle@jlmdata.se")
    response = anna.post(f"/organisation/medlemmar/{olle}/ta-bort", csrf_from="/organisation")
    assert response.status_code == 302
    assert "finns inte" in anna.get("/organisation").get_data(as_text=True)
    assert db_rows(auth_service, "SELECT 1 FROM users WHERE id = %s", olle)


def test_other_org_cannot_change_a_jlmdata_role(anna, auth_service):
    olle = _user_id(auth_service, "olle@jlmdata.se")
    anna.post(
        f"/administratorer/{olle}/roll", {"role": "administrator"}, csrf_from="/administratorer"
    )
    assert (
        db_rows(auth_service, "SELECT role FROM memberships WHERE user_id = %s", olle)[0]["role"]
        == "user"
    )


def test_other_org_cannot_open_an_app_it_does_not_have(anna):
    assert anna.get("/appar/aspia-ica/").status_code == 404
    assert anna.get("/appar/pm-sync/").status_code == 404
    assert anna.get("/resultat-finans/").status_code == 200


def test_unknown_pages_and_malformed_ids_are_404(kaisa):
    assert kaisa.get("/appar/okand/").status_code == 404
    assert (
        kaisa.post("/organisation/medlemmar/not-a-uuid/ta-bort", csrf_from="/").status_code == 404
    )


def test_the_organisation_page_shows_every_invitation_alike_and_withdraws_it(kaisa, anna):
    """Whether an invited address has an account elsewhere (Anna's) shows nowhere on the page."""
    for name, email in (("Anna", OTHER["email"]), ("Ny", "ny@jlmdata.se")):
        form = {"name": name, "email": email}
        answer = kaisa.post("/organisation/inbjudan", form, csrf_from="/organisation")
        assert answer.status_code == 302
    html = kaisa.get("/organisation").get_data(as_text=True)
    invited = [row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if "Inbjuden" in row]
    assert len(invited) == 2

    def _without_the_person(row: str) -> str:
        return re.sub(rf"{OTHER['email']}|ny@jlmdata\.se|Anna|Ny|[0-9a-f-]{{36}}", "X", row)

    assert _without_the_person(invited[0]) == _without_the_person(invited[1])
    for row in invited:
        action = re.search(r'action="([^"]+/dra-tillbaka)"', row).group(1)
        assert kaisa.post(action, {}, csrf_from="/organisation").status_code == 302
    assert "Inbjuden" not in kaisa.get("/organisation").get_data(as_text=True)
