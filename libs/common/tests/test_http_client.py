"""The one client between services, against a real HTTP server on 127.0.0.1."""

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from servicekit.http import ServiceClient, ServiceRefused, ServiceUnavailable, internal_key
from servicekit.logs import correlation_id
from servicekit.testing import nobody_there, served

REFUSAL = {"error": {"code": "invalid_input", "message": "No.", "fields": {"x": ["Bad."]}}}
# path -> (status, body, extra headers); /echo answers what it was sent.
ANSWERS = {
    "/refuse": (429, json.dumps(REFUSAL).encode(), {"Retry-After": "7"}),
    "/broken": (500, b'{"error": {"code": "internal_error"}}', {}),
    "/not-json": (200, b"<html>proxy error</html>", {}),
    "/empty": (204, b"", {}),
}


class Peer(BaseHTTPRequestHandler):
    """A keep-alive HTTP/1.1 server (werkzeug's closes every connection)."""

    protocol_version = "HTTP/1.1"

    def _answer(self):
        self.server.connections.add(self.client_address[1])
        self.answered = getattr(self, "answered", 0) + 1
        if self.path == "/flaky" and self.answered > 1:
            # Reads the request and closes, as a server closing an idle connection just then.
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.close_connection = True
            return
        if self.path == "/flaky":
            status, body, headers = 200, b'{"flaky": "answered"}', {}
        elif self.path == "/slow":
            time.sleep(0.5)
            status, body, headers = 200, b'{"slow": true}', {}
        elif self.path == "/echo":
            sent = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            echoed = {
                "body": json.loads(sent),
                "key": self.headers.get("X-Internal-Key"),
                "correlation": self.headers.get("X-Correlation-ID"),
            }
            status, body, headers = 200, json.dumps(echoed).encode(), {}
        else:
            status, body, headers = ANSWERS[self.path]
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def peer():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Peer)
    server.daemon_threads = True
    server.connections = set()
    with served(server) as server.url:
        yield server


def test_a_call_sends_the_credential_and_correlation_id_and_answers_the_json(peer):
    client = ServiceClient("peer", peer.url, internal_key("the-key"))
    token = correlation_id.set("cid-123")
    try:
        answer = client.call("POST", "/echo", {"a": 1})
    finally:
        correlation_id.reset(token)
    assert answer == {"body": {"a": 1}, "key": "the-key", "correlation": "cid-123"}


def test_calls_reuse_one_kept_alive_connection(peer):
    client = ServiceClient("peer", peer.url, internal_key("k"))
    for number in range(5):
        assert client.call("POST", "/echo", {"n": number})["body"] == {"n": number}
    assert len(peer.connections) == 1


def test_a_4xx_is_refused_with_the_platform_error(peer):
    client = ServiceClient("peer", peer.url, internal_key("k"))
    with pytest.raises(ServiceRefused) as refused:
        client.call("GET", "/refuse")
    assert (refused.value.status, refused.value.code) == (429, "invalid_input")
    assert refused.value.fields == {"x": ["Bad."]}
    assert refused.value.retry_after == 7


@pytest.mark.parametrize("path", ["/broken", "/not-json"])
def test_a_5xx_or_an_unreadable_answer_is_unavailable(peer, path):
    client = ServiceClient("peer", peer.url, internal_key("k"))
    with pytest.raises(ServiceUnavailable) as down:
        client.call("GET", path)
    assert down.value.service == "peer"


def test_an_empty_answer_is_an_empty_body(peer):
    assert ServiceClient("peer", peer.url, internal_key("k")).call("GET", "/empty") == {}


def test_a_service_that_does_not_listen_is_unavailable():
    client = ServiceClient("nobody", nobody_there(), internal_key("k"), 2)
    with pytest.raises(ServiceUnavailable):
        client.call("GET", "/anything")


def test_a_call_may_wait_longer_than_the_clients_timeout(peer):
    slow = ServiceClient("peer", peer.url, internal_key("k"), timeout=0.2)
    with pytest.raises(ServiceUnavailable):
        slow.call("GET", "/slow")
    assert slow.call("GET", "/slow", timeout=5) == {"slow": True}


def test_a_repeatable_call_is_sent_again_when_its_kept_alive_connection_broke(peer):
    client = ServiceClient("peer", peer.url, internal_key("k"))
    assert client.call("GET", "/flaky") == {"flaky": "answered"}
    assert client.call("GET", "/flaky") == {"flaky": "answered"}
    assert len(peer.connections) == 2


def test_a_post_is_never_sent_twice_unless_the_caller_says_it_may(peer):
    client = ServiceClient("peer", peer.url, internal_key("k"))
    assert client.call("POST", "/flaky", {}) == {"flaky": "answered"}
    with pytest.raises(ServiceUnavailable):
        client.call("POST", "/flaky", {})
    assert client.call("POST", "/flaky", {}, repeatable=True) == {"flaky": "answered"}
