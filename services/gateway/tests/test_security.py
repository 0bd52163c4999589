"""Headers, cookies, CSRF and the rules of the session as the browser meets them."""

import pytest
from gateway import config as gateway_config
from gateway.entrypoints.api import create_app

from .conftest import Visitor, db_rows, gateway_env


@pytest.mark.parametrize(
    "path", ["/logga-in", "/glomt-losenord", "/ny-kund", "/finns-inte", "/static/css/site.css"]
)
def test_every_response_carries_the_security_headers(visitor, path):
    response = visitor.get(path)
    headers = response.headers
    response.close()
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert headers["X-Frame-Options"] == "DENY"


def test_signed_in_pages_carry_headers_and_are_not_cached(kaisa):
    for path in ("/", "/organisation", "/administratorer", "/resultat-finans/"):
        response = kaisa.get(path)
        assert response.status_code == 200, path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"


def test_pages_hold_no_inline_script_or_style(kaisa):
    for path in ("/", "/organisation", "/administratorer", "/resultat-finans/"):
        html = kaisa.get(path).get_data(as_text=True)
        assert "<script" not in html and "style=" not in html and "<style" not in html


def test_session_cookie_is_httponly_and_samesite_lax_over_http(visitor):
    response = visitor.log_in()
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("rf_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_and_host_prefixed_over_https(auth_service):
    app = create_app(gateway_config.load(gateway_env(auth_service, COOKIE_SECURE="true")))
    visitor = Visitor(app, base_url="https://apps.example.se")
    response = visitor.log_in()
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("__Host-rf_session="))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session
    assert "Domain" not in session and "Path=/" in session
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert visitor.get("/").status_code == 200


def test_login_gives_a_new_session_id_each_time(gateway):
    first, second = Visitor(gateway), Visitor(gateway)
    a = first.log_in().headers.getlist("Set-Cookie")
    b = second.log_in().headers.getlist("Set-Cookie")
    session = [c.split(";")[0] for c in a + b if c.startswith("rf_session=")]
    assert len(set(session)) == 2


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/logga-in", {"identifier": "900232", "password": "demo-resultat-finans"}),
        ("/glomt-losenord", {"identifier": "900232"}),
        ("/ny-kund", {"company_name": "X AB", "org_number": "556016-0680"}),
        ("/aterstall-losenord", {"t": "x", "password": "a long new passphrase"}),
        ("/bekrafta-epost", {"t": "x"}),
        ("/inbjudan", {"t": "x", "password": "a long new passphrase"}),
    ],
)
def test_forms_without_csrf_token_are_refused(visitor, path, data):
    response = visitor.post(path, data, csrf_from=None)
    assert response.status_code == 400
    assert "Sidan hade gått ut" in response.get_data(as_text=True)


def test_signed_in_forms_without_csrf_token_are_refused_and_change_nothing(kaisa, auth_service):
    olle = str(
        db_rows(auth_service, "SELECT id FROM users WHERE email = 'olle@jlmdata.se'")[0]["id"]
    )
    attempts = [
        ("/logga-ut", {}),
        ("/organisation/inbjudan", {"name": "X", "email": "x@jlmdata.se"}),
        (f"/organisation/medlemmar/{olle}/ta-bort", {}),
        (f"/administratorer/{olle}/roll", {"role": "administrator"}),
    ]
    for path, data in attempts:
        assert kaisa.post(path, data, csrf_from=None).status_code == 400, path
    assert kaisa.get("/").status_code == 200
    members = db_rows(
        auth_service, "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id"
    )
    assert sorted(m["role"] for m in members) == ["administrator", "user"]


def test_a_csrf_token_from_another_browser_is_refused(gateway, kaisa):
    stranger = Visitor(gateway)
    token = stranger.csrf()
    response = kaisa.client.post("/logga-ut", data={"csrf_token": token})
    assert response.status_code == 400


def test_log_out_is_a_post_only_and_ends_the_session_on_the_server(kaisa, auth_service):
    assert kaisa.get("/logga-ut").status_code == 405
    assert kaisa.get("/").status_code == 200
    response = kaisa.post("/logga-ut", csrf_from="/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/logga-in")
    assert (
        db_rows(
            auth_service,
            "SELECT * FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = '900232')",
        )
        == []
    )
    assert kaisa.get("/").status_code == 302


def test_an_ended_session_sends_the_browser_to_log_in_and_clears_the_cookie(kaisa, auth_service):
    with auth_service.extensions["db_pool"].connection() as conn:
        conn.execute("DELETE FROM sessions")
    response = kaisa.get("/organisation")
    assert response.status_code == 302
    assert "/logga-in?next=/organisation" in response.headers["Location"]
    assert any(c.startswith("rf_session=;") for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_next_never_leads_to_another_site(visitor, target):
    response = visitor.post(
        "/logga-in", {"identifier": "900232", "password": "demo-resultat-finans", "next": target}
    )
    assert response.headers["Location"] == "/"


def test_pages_need_a_session(visitor):
    for path in ("/", "/organisation", "/administratorer", "/resultat-finans/", "/appar/pm-sync/"):
        response = visitor.get(path)
        assert response.status_code == 302 and "/logga-in" in response.headers["Location"], path


def test_client_address_is_the_peer_unless_a_proxy_is_trusted(auth_service):
    for trusted, expected in (("0", "127.0.0.1"), ("1", "203.0.113.5")):
        app = create_app(
            gateway_config.load(gateway_env(auth_service, GATEWAY_TRUSTED_PROXIES=trusted))
        )
        visitor = Visitor(app)
        visitor.client.environ_base["REMOTE_ADDR"] = "127.0.0.1"
        visitor.post(
            "/logga-in",
            {"identifier": f"nobody{trusted}@example.se", "password": "wrong password!"},
            headers={"X-Forwarded-For": "203.0.113.5"},
        )
        keys = {r["key"] for r in db_rows(auth_service, "SELECT key FROM throttle_events")}
        assert f"login-address:{expected}" in keys
        with auth_service.extensions["db_pool"].connection() as conn:
            conn.execute("DELETE FROM throttle_events")


def test_a_forwarded_address_that_is_no_ip_address_is_not_passed_on(auth_service):
    app = create_app(gateway_config.load(gateway_env(auth_service, GATEWAY_TRUSTED_PROXIES="1")))
    visitor = Visitor(app)
    response = visitor.post(
        "/logga-in",
        {"identifier": "900232", "password": "demo-resultat-finans"},
        headers={"X-Forwarded-For": "<script>not an address</script>"},
    )
    assert response.status_code == 302


def test_a_browsers_correlation_id_is_taken_only_in_our_format(visitor):
    ours = "0123456789abcdef0123456789abcdef"
    assert (
        visitor.get("/logga-in", headers={"X-Correlation-ID": ours}).headers["X-Correlation-ID"]
        == ours
    )
    for offered in ("x" * 8192, "<script>alert(1)</script>", ours.upper()):
        answered = visitor.get("/logga-in", headers={"X-Correlation-ID": offered})
        used = answered.headers["X-Correlation-ID"]
        assert used != offered and len(used) == 32
