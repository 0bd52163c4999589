""" "Åtgärd krävs" on the portal's tile and first on Resultat Finans Hem, and Händelser on the
Applikation tab, for an administrator and a read-only user: the gateway in front of the real
auth and tokens services (the Fortnox sandbox behind tokens; settings left unreachable)."""

import re
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from auth.handlers import notices
from gateway import config as gateway_config
from gateway.entrypoints.api import create_app as create_gateway
from servicekit.testing import CALLER_KEYS
from tokens import config as tokens_config
from tokens.adapters.crypto import new_key
from tokens.entrypoints.api import MIGRATIONS as TOKENS_MIGRATIONS
from tokens.entrypoints.api import create_app as create_tokens
from tokens.handlers import imports

from .conftest import Visitor, gateway_env, serving

DEMO_ORG = "00000000-0000-4000-8000-000000900232"
SETTINGS = "/resultat-finans/installningar?flik=applikation"
BADGE = '<span class="badge badge-action">Åtgärd krävs</span>'


@pytest.fixture
def tokens_service(make_database, fortnox_sandbox, amqp_url):
    """The real tokens service on a thread server, the demo organisation on a legacy token."""
    env = {
        **fortnox_sandbox.env(),
        "TOKENS_DATABASE_URL": make_database(TOKENS_MIGRATIONS, prefix="gw_tokens"),
        "AMQP_URL": amqp_url,
        **CALLER_KEYS,
        "TOKENS_ENCRYPTION_KEYS": f"g1:{new_key()}",
        "TOKENS_RETRY_BASE_SECONDS": "0.05",
        "LOG_LEVEL": "WARNING",
    }
    app = create_tokens(tokens_config.load(env))
    svc = app.extensions["tokens"]
    tenant = fortnox_sandbox.create_tenant()
    imports.import_legacy(svc, DEMO_ORG, tenant.legacy_token, None, actor="test")
    yield from serving(app)


@pytest.fixture
def gateway(auth_service, tokens_service):
    env = gateway_env(auth_service, TOKENS_URL=tokens_service.url)
    return create_gateway(gateway_config.load(env))


def tell_auth(auth_service, event_type: str, data: dict) -> None:
    """Apply a tokens event as the connection-notice consumer does (RabbitMQ aside)."""
    ctx = auth_service.extensions["auth"]
    envelope = {"org_id": DEMO_ORG, "occurred_at": datetime.now(UTC), "data": data}
    handler = notices.consumer_handlers(ctx)[event_type]
    with ctx.pool.connection() as conn, conn.transaction():
        handler(conn, envelope | {"id": str(uuid.uuid4())})


def tile(html: str) -> str:
    return re.search(r'<a class="tile" href="/resultat-finans/">.*?</a>', html, re.S).group(0)


def test_the_tile_says_atgard_kravs_while_the_connection_needs_the_customer(
    kaisa, olle, auth_service
):
    assert BADGE not in kaisa.get("/").get_data(as_text=True)
    tell_auth(auth_service, "token.attention_needed", {"reason": "legacy", "kind": "legacy"})
    for visitor in (kaisa, olle):
        html = visitor.get("/").get_data(as_text=True)
        assert BADGE in tile(html) and html.count(BADGE) == 1  # only Resultat Finans
    tell_auth(auth_service, "token.attention_cleared", {"kind": "oauth"})
    assert BADGE not in kaisa.get("/").get_data(as_text=True)


def test_resultat_finans_hem_shows_the_needed_action_first(kaisa, olle):
    html = kaisa.get("/resultat-finans/").get_data(as_text=True)
    assert BADGE in html
    assert html.index(BADGE) < html.index("Koppling till Fortnox")
    assert "använder fortfarande den gamla token" in html
    assert "det kan bara en administratör" not in html
    assert "det kan bara en administratör i Jlmdata AB göra" in olle.get(
        "/resultat-finans/"
    ).get_data(as_text=True)


def history_rows(visitor) -> list[tuple[str, str]]:
    html = visitor.get(SETTINGS).get_data(as_text=True)
    section = re.search(r'<section class="panel" id="handelser".*?</section>', html, re.S)
    cells = re.findall(
        r'<td class="history-at"><time>([^<]*)</time></td><td class="history-text">([^<]*)</td>',
        section.group(0),
    )
    return cells


def test_handelser_show_the_connections_events_in_swedish_to_admins_and_readers(
    kaisa, olle, tokens_service, fortnox_sandbox
):
    fortnox_sandbox.control.inject_fault("companyinformation", 503, count=5)
    try:
        kaisa.post("/resultat-finans/fortnox/kontrollera", csrf_from=SETTINGS)
    finally:
        fortnox_sandbox.control.clear_faults()
    kaisa.post("/resultat-finans/fortnox/kontrollera", csrf_from=SETTINGS)
    rows = history_rows(kaisa)
    assert [text for _, text in rows] == [
        "Kontrollerad",
        "Misslyckades: Fortnox svarade inte just då; vi försöker igen automatiskt",
        "Kopplad",
    ]
    trail = tokens_service.extensions["tokens"].store.audit_trail(DEMO_ORG)
    imported = trail[-1]["at"].astimezone(ZoneInfo("Europe/Stockholm"))
    assert rows[-1][0] == imported.strftime("%Y-%m-%d %H:%M")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[0][0])
    assert history_rows(olle) == rows  # a read-only user sees the same


def test_handelser_say_so_when_the_tokens_service_does_not_answer(auth_service):
    visitor = Visitor(create_gateway(gateway_config.load(gateway_env(auth_service))))
    visitor.log_in()
    html = visitor.get(SETTINGS).get_data(as_text=True)
    assert "Händelserna kan inte visas just nu." in html
