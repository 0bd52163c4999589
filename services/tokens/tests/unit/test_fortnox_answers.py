"""One case per row of the answer table (adapters/fortnox_answers.py), through the client's own
reading of a real `requests.Response`: status, headers and body as Fortnox (or a proxy) sends
them, to the domain exception, class and reason code the rest of the service acts on; and the
tenant an access token names."""

import json
import secrets

import jwt
import pytest
import requests
from tokens.adapters import fortnox, fortnox_answers
from tokens.domain import answers as a
from tokens.domain.model import (
    ClientRejected,
    MigrationRefused,
    PermanentFailure,
    TemporaryFailure,
    Unauthorized,
)

HTML = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def oauth(error: str, description: str = "") -> dict:
    return {"error": error, "error_description": description}


def info(code: int, message: str = "") -> dict:
    return {"ErrorInformation": {"error": 1, "message": message, "code": code}}


def response(status: int, body=None, headers: dict | None = None) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer.headers.update(headers or {})
    if isinstance(body, dict):
        answer._content = json.dumps(body).encode()
        answer.headers["Content-Type"] = "application/json"
    else:
        answer._content = (body or "").encode()
    return answer


# (call, status, body, headers) -> (exception, class, reason code)
CASES = {
    "refresh 429 with Retry-After": ("refresh", 429, oauth("rate_limit"), {"Retry-After": "7"},
                                     TemporaryFailure, a.TEMPORARY, a.RATE_LIMITED),
    "api 429 without Retry-After": ("api", 429, info(0, "Too Many Requests"), None,
                                    TemporaryFailure, a.TEMPORARY, a.RATE_LIMITED),
    "proxy 408": ("refresh", 408, "", None, TemporaryFailure, a.TEMPORARY, a.TIMEOUT),
    "token 503 plain text": ("refresh", 503, "Service Unavailable", None,
                             TemporaryFailure, a.TEMPORARY, a.UNAVAILABLE),
    "token 502 html": ("token", 502, HTML, None, TemporaryFailure, a.TEMPORARY, a.UNAVAILABLE),
    "api 500 system exception": ("api", 500, info(1000003, "System exception"), None,
                                 TemporaryFailure, a.TEMPORARY, a.UNAVAILABLE),
    "invalid_client": ("refresh", 401, oauth("invalid_client"), None,
                       ClientRejected, a.MISCONFIGURED, a.CLIENT_REJECTED),
    "unauthorized_client": ("client_credentials", 400, oauth("unauthorized_client"), None,
                            ClientRejected, a.MISCONFIGURED, a.CLIENT_REJECTED),
    "invalid_request": ("token", 400, oauth("invalid_request"), None,
                        ClientRejected, a.MISCONFIGURED, a.REQUEST_REJECTED),
    "migrate 404 whatever its body": ("migrate", 404, oauth("invalid_request"), None,
                                      MigrationRefused, a.REAUTHORIZE, a.MIGRATION_REFUSED),
    "migrate 401": ("migrate", 401, "", None, ClientRejected, a.MISCONFIGURED, a.CLIENT_REJECTED),
    "invalid_grant": ("refresh", 400, oauth("invalid_grant", "Invalid refresh token"), None,
                      PermanentFailure, a.REAUTHORIZE, a.GRANT_INVALID),
    "consent revoked": ("client_credentials", 400, oauth("consent_revoked"), None,
                        PermanentFailure, a.REAUTHORIZE, a.CONSENT_WITHDRAWN),
    "refresh 401 empty body": ("refresh", 401, "", None,
                               ClientRejected, a.MISCONFIGURED, a.CLIENT_REJECTED),
    "refresh 403 unknown body": ("refresh", 403, {"message": "Forbidden"}, None,
                                 PermanentFailure, a.REAUTHORIZE, a.REFUSED),
    "token endpoint 404": ("refresh", 404, HTML, None,
                           ClientRejected, a.MISCONFIGURED, a.REQUEST_REJECTED),
    "api 401": ("api", 401, "", None, Unauthorized, a.REAUTHORIZE, a.AUTHENTICATION_FAILED),
    "api 403 no licence": ("api", 403, info(2001103, "Api-licens saknas."), None,
                           PermanentFailure, a.REAUTHORIZE, a.LICENSE_MISSING),
    "api 403 failed authentication": ("api", 403, info(2000311, "Kan inte logga in"), None,
                                      Unauthorized, a.REAUTHORIZE, a.AUTHENTICATION_FAILED),
    "api 400 invalid response type": ("api", 400, info(1000030), None,
                                      ClientRejected, a.MISCONFIGURED, a.REQUEST_REJECTED),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_each_answer_maps_to_one_class_and_reason(name):
    call, status, body, headers, exception, klass, reason = CASES[name]
    failure = fortnox._failure_of(call, response(status, body, headers))
    assert type(failure) is exception
    assert failure.reason_code == reason
    assert a.class_of(failure.reason_code) == klass
    assert failure.status == status


@pytest.mark.parametrize(
    ("pseudo_status", "reason"),
    [("timeout", a.TIMEOUT), ("unreachable", a.UNREACHABLE), ("malformed", a.MALFORMED)],
)
def test_no_answer_or_an_unusable_one_is_temporary(pseudo_status, reason):
    failure = fortnox._failure("refresh", pseudo_status, "no answer")
    assert isinstance(failure, TemporaryFailure)
    assert failure.reason_code == reason
    assert failure.unanswered == (pseudo_status == "timeout")


def test_every_row_of_the_table_has_a_case():
    used = {fortnox_answers.row_for(c[0], c[1], _error(c[2])) for c in CASES.values()}
    used |= {fortnox_answers.row_for("refresh", s) for s in ("timeout", "unreachable", "malformed")}
    used.add(fortnox_answers.row_for("refresh", 200))
    assert [row.why for row in fortnox_answers.ANSWERS if row not in used] == []


def test_every_reason_code_belongs_to_exactly_one_class():
    codes = [code for group in a.REASONS.values() for code in group]
    assert len(codes) == len(set(codes))
    for row in fortnox_answers.ANSWERS:
        assert row.verdict.klass == a.OK or a.class_of(row.verdict.reason_code) == row.verdict.klass


def test_retry_after_is_read_as_seconds_or_an_http_date():
    assert fortnox_answers.retry_after_seconds("12", 0) == 12
    assert fortnox_answers.retry_after_seconds("Thu, 01 Jan 1970 00:01:40 GMT", 40) == 60
    assert fortnox_answers.retry_after_seconds("soon", 0) is None
    assert fortnox_answers.retry_after_seconds(None, 0) is None


def test_the_failure_reason_names_fortnox_error_but_never_more_than_its_text():
    failure = fortnox._failure_of("refresh", response(400, oauth("invalid_grant", "x" * 500)))
    assert "invalid_grant" in failure.reason
    assert len(failure.reason) < 300


def _error(body) -> str:
    return fortnox_answers.error_of(body)[0]


def test_scopes_are_joined_with_percent_20_as_fortnox_shows_them():
    client = fortnox.FortnoxClient("https://apps.fortnox.se", "https://api.fortnox.se", "id", "s")
    url = client.authorize_url(
        "https://rf.example/fortnox/callback", "companyinformation settings", "st"
    )
    assert "scope=companyinformation%20settings&" in url and "+" not in url
    assert "redirect_uri=https%3A%2F%2Frf.example%2Ffortnox%2Fcallback" in url


class _Figures:
    """The metrics port, writing down what it is told."""

    def __init__(self):
        self.failures = []

    def fortnox_failure(self, call, klass, reason):
        self.failures.append((call, klass, reason))

    def fortnox_call(self, endpoint, status, seconds):
        pass


def test_no_connection_is_temporary_and_counted():
    from servicekit.mailsink import free_port

    figures = _Figures()
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    client = fortnox.FortnoxClient(url, url, "id", "secret", timeout=2, metrics=figures)
    with pytest.raises(TemporaryFailure) as raised:
        client.refresh("r")
    assert raised.value.reason_code == a.UNREACHABLE
    assert figures.failures == [("refresh", a.TEMPORARY, a.UNREACHABLE)]


def test_our_client_refused_is_logged_for_the_operators_and_counted(caplog):
    figures = _Figures()
    client = fortnox.FortnoxClient("http://x", "http://x", "id", "s3cr3t-value", metrics=figures)
    refused = fortnox._failure_of("refresh", response(401, oauth("invalid_client")))
    with caplog.at_level("ERROR", logger="tokens.fortnox"):
        assert client._counted(refused) is refused
    assert figures.failures == [("refresh", a.MISCONFIGURED, a.CLIENT_REJECTED)]
    [record] = caplog.records
    assert record.levelname == "ERROR" and record.reason_code == a.CLIENT_REJECTED
    assert "s3cr3t-value" not in record.getMessage() + str(record.__dict__)


def test_the_tenant_id_is_read_from_the_jwt_claim_of_a_token_signed_with_an_unknown_key():
    token = jwt.encode({"tenantId": 900232}, secrets.token_bytes(32), algorithm="HS256")
    assert fortnox.FortnoxClient.tenant_of(token) == "900232"
    assert fortnox.FortnoxClient.tenant_of(jwt.encode({"sub": "x"}, "k" * 32)) is None
    assert fortnox.FortnoxClient.tenant_of("not-a-jwt") is None
