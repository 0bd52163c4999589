"""Where `next` may send the browser after log-in: a path on this site, judged as the browser
would follow the Location (tab, CR and LF dropped, a backslash read as a slash)."""

from urllib.parse import quote, urljoin, urlsplit

import pytest
from gateway.web.session import safe_next

from .conftest import Visitor

SITE = "http://localhost"
# Each would leave the site, split a header or be a scheme if it were let through.
HOSTILE_NEXT = [
    "//evil.example/",
    "///evil.example/",
    "https://evil.example/",
    "https:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\r\n/evil.example",
    "/\r\nSet-Cookie: rf_session=stolen",
    "/\nLocation: https://evil.example/",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\u2028/evil.example",
    "/../evil.example",
    "/./evil.example",
    "/..//evil.example",
    "evil.example",
    "@evil.example",
]


def followed(location: str) -> str:
    """The host a browser would go to for this Location (seen from /logga-in)."""
    cleaned = location.replace("\t", "").replace("\r", "").replace("\n", "").replace("\\", "/")
    return urlsplit(urljoin(SITE + "/logga-in", cleaned)).netloc


def assert_stays_on_the_site(response) -> None:
    """Home, or refused by the input rule (control characters): never a Location elsewhere."""
    if response.status_code == 400:
        assert "Location" not in response.headers
        return
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert followed(location) == "localhost", location
    assert "\r" not in location and "\n" not in location


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_safe_next_refuses_every_way_off_the_site(gateway, target):
    with gateway.test_request_context("/"):
        assert safe_next(target) == "/"


def test_log_in_with_a_hostile_next_never_leaves_the_site(gateway):
    for target in HOSTILE_NEXT:
        response = Visitor(gateway).post(
            "/logga-in",
            {"identifier": "900232", "password": "demo-resultat-finans", "next": target},
        )
        assert_stays_on_the_site(response)
        assert response.headers.get("Location", "/") == "/", target


def test_a_signed_in_visit_with_a_hostile_next_never_leaves_the_site(kaisa):
    for target in HOSTILE_NEXT:
        response = kaisa.get("/logga-in?next=" + quote(target, safe=""))
        assert_stays_on_the_site(response)
        assert response.headers.get("Location", "/") == "/", target


def test_encoded_tricks_in_the_query_never_leave_the_site(kaisa):
    for raw_query in (
        "next=/%09/evil.example",
        "next=/%0d%0aSet-Cookie:%20x=1",
        "next=%2F%2Fevil.example",
        "next=/%5Cevil.example",
        "next=%5C%5Cevil.example",
        "next=/%E2%80%A8/evil.example",
        "next=/%C0%AF/evil.example",
        "next=/%ff%fe",
        "next=/%2F%2Fevil.example",
        "next=%2F%252F%252Fevil.example",
    ):
        assert_stays_on_the_site(kaisa.get("/logga-in?" + raw_query))


def test_a_path_on_this_site_is_followed_after_log_in(gateway):
    for target in ("/organisation", "/resultat-finans/?flik=konto", "/administratorer"):
        response = Visitor(gateway).post(
            "/logga-in",
            {"identifier": "900232", "password": "demo-resultat-finans", "next": target},
        )
        assert response.headers["Location"] == target


def test_a_guarded_page_with_a_line_break_in_its_address_never_fails(visitor):
    response = visitor.get("/organisation%0d%0aSet-Cookie:x=1")
    assert response.status_code in (302, 400, 404)
    if response.status_code == 302:
        assert_stays_on_the_site(response)
