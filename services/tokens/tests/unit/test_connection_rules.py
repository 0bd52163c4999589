"""The connection's rules, without any I/O."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from tokens.domain.connection import Connection, Policy, cooldown
from tokens.domain.model import Company, Grant, TemporaryFailure

NOW = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = Policy()


def _oauth(**fields) -> Connection:
    values = dict(
        org_id="o",
        kind="oauth",
        access_token="a",
        refresh_token="r",
        access_expires_at=NOW + timedelta(hours=1),
    )
    return Connection(**(values | fields))


def test_a_token_inside_the_margin_needs_refresh_and_one_outside_does_not():
    assert not _oauth().needs_refresh(NOW, POLICY)
    assert _oauth(access_expires_at=NOW + timedelta(minutes=4)).needs_refresh(NOW, POLICY)


def test_legacy_and_disconnected_connections_never_renew():
    assert not Connection("o", "legacy", legacy_token="l").needs_refresh(NOW, POLICY)
    revoked = _oauth(state="revoked", access_expires_at=NOW)
    assert not revoked.needs_refresh(NOW, POLICY)


def test_the_refresher_renews_ageing_refresh_tokens_hot_tokens_and_interrupted_renewals():
    assert _oauth(keepalive_at=NOW - timedelta(seconds=1)).due_for_refresher(NOW, POLICY)
    assert not _oauth(keepalive_at=NOW + timedelta(days=1)).due_for_refresher(NOW, POLICY)
    hot = _oauth(last_used_at=NOW, access_expires_at=NOW + timedelta(minutes=8))
    cold = _oauth(
        last_used_at=NOW - timedelta(hours=2), access_expires_at=NOW + timedelta(minutes=8)
    )
    assert hot.due_for_refresher(NOW, POLICY) and not cold.due_for_refresher(NOW, POLICY)
    assert _oauth(refresh_started_at=NOW).due_for_refresher(NOW, POLICY)


def test_keepalive_dates_spread_within_20_days_inside_the_31_days_fortnox_once_gave():
    connection = _oauth()
    rng = random.Random(1)
    dates = set()
    for _ in range(20):
        connection.refreshed(Grant("a", 3600, "", "r2"), NOW, POLICY, rng)
        dates.add(connection.keepalive_at)
    assert len(dates) > 1
    assert all(NOW + timedelta(days=17) <= d <= NOW + timedelta(days=20) for d in dates)


def test_cooldown_grows_is_bounded_and_honours_retry_after():
    rng = random.Random(2)
    first = cooldown(1, POLICY, None, rng)
    later = cooldown(5, POLICY, None, rng)
    assert timedelta(seconds=15) <= first <= timedelta(seconds=30) < later
    assert cooldown(50, POLICY, None, rng) <= timedelta(seconds=POLICY.cooldown.cap)
    assert cooldown(1, POLICY, 120, rng) >= timedelta(seconds=120)


def test_recovery_after_a_temporary_failure_is_an_event():
    connection = _oauth()
    connection.temporary_failure(TemporaryFailure("Fortnox answered 503", status=503), NOW, POLICY)
    assert connection.health == "degraded" and connection.in_cooldown(NOW)
    events = connection.refreshed(Grant("a2", 3600, "", "r2"), NOW, POLICY)
    assert [e.type for e in events] == ["token.recovered"]
    assert connection.health == "ok" and connection.failures == 0


def test_reauthorization_is_announced_once():
    connection = _oauth()
    assert len(connection.require_reauthorization("gone", NOW)) == 1
    assert connection.require_reauthorization("gone", NOW) == []
    assert connection.state == "needs_reauthorization"


def test_authorizing_over_a_legacy_token_keeps_it_for_revocation():
    connection = Connection("o", "legacy", legacy_token="legacy-1")
    connection.authorized(Grant("a", 3600, "s", "r"), "oauth", None, NOW, POLICY)
    assert connection.legacy_token is None and connection.revoke_pending_token == "legacy-1"
    assert connection.revoke_pending_hint == "access_token"


def test_authorizing_over_an_oauth_connection_lets_the_replaced_chain_lapse_unrevoked():
    connection = _oauth()
    replaced = connection.refresh_token
    connection.authorized(Grant("a2", 3600, "s", "r2"), "oauth", None, NOW, POLICY)
    assert connection.refresh_token == "r2" and replaced != "r2"
    assert connection.revoke_pending_token is None and connection.revoke_pending_hint is None


def test_a_service_account_never_keeps_a_refresh_token():
    connection = Connection("o", "oauth")
    connection.authorized(Grant("a", 3600, "s", "r"), "service", "900232", NOW, POLICY)
    assert connection.refresh_token is None and connection.tenant_id == "900232"
    assert connection.renewable


def test_company_updates_count_versions_only_on_change():
    connection = _oauth()
    company = Company("Jlmdata AB", "559192-5788", "900232")
    assert [e.type for e in connection.observe_company(company, NOW)] == ["company.updated"]
    assert connection.observe_company(company, NOW) == []
    renamed = Company("Jlmdata Holding AB", "559192-5788", "900232")
    (event,) = connection.observe_company(renamed, NOW)
    assert event.data["version"] == 2 and event.data["company_name"] == "Jlmdata Holding AB"


@pytest.mark.parametrize(
    ("after", "jitter", "life"),
    [(25, 0, 31), (20, 5, 31), (0, 3, 31), (17, -1, 31), (40, 3, 45)],
)
def test_keepalive_settings_that_could_let_a_token_lapse_refuse_to_start(after, jitter, life):
    from tokens import config
    from tokens.bootstrap import policy_from

    environ = {
        "TOKENS_KEEPALIVE_DAYS": str(after),
        "TOKENS_KEEPALIVE_JITTER_DAYS": str(jitter),
        "TOKENS_REFRESH_TOKEN_DAYS": str(life),
    }
    with pytest.raises(RuntimeError, match="TOKENS_KEEPALIVE_DAYS"):
        policy_from(config.load(environ))


def test_the_default_keepalive_renews_within_20_days():
    from tokens import config
    from tokens.bootstrap import policy_from

    policy = policy_from(config.load({}))
    assert policy.keepalive_after + policy.keepalive_spread == timedelta(days=20)
