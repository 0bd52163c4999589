"""The scaling test's ledger: ground truth read once after the run, judged, and printed.

Ground truth means what the parts recorded themselves, not what the test was told: the
sandbox's token tables and counters (Fortnox's view), the tokens service's connections, audit
trail and outbox, the settings service's outbox, inbox, company info and the log of its writes,
and what the relays put on the bus (the tap queue).
"""

import hashlib
import statistics
from collections import Counter, defaultdict

from tokens.adapters.crypto import Keyring


class Ledger:
    """Ground truth gathered once, then judged and printed."""

    def __init__(self, rig, orgs, activity, handouts: list[dict], seconds: float, bound: tuple):
        self.rig, self.orgs, self.activity, self.handouts = rig, orgs, activity, handouts
        self.seconds, self.bound = seconds, bound
        tenants = [org.tenant.tenant_id for org in orgs]
        self.tenant_of = {org.org_id: org.tenant.tenant_id for org in orgs}
        with rig.db("sandbox") as sandbox:
            self.counters = sandbox.execute(
                "SELECT name, label, tenant_id, value FROM counters WHERE tenant_id = ANY(%s)",
                (tenants,),
            ).fetchall()
            self.access = {
                str(r["jti"]): r
                for r in sandbox.execute(
                    "SELECT jti, tenant_id, extract(epoch FROM expires_at)::float AS expires,"
                    " extract(epoch FROM revoked_at)::float AS revoked FROM access_tokens"
                    " WHERE tenant_id = ANY(%s)",
                    (tenants,),
                )
            }
            self.legacy = {
                r["token_hash"]: r
                for r in sandbox.execute(
                    "SELECT token_hash, tenant_id, extract(epoch FROM revoked_at)::float AS revoked"
                    " FROM legacy_tokens WHERE tenant_id = ANY(%s)",
                    (tenants,),
                )
            }
            self.live_refresh = defaultdict(set)
            for r in sandbox.execute(
                "SELECT r.tenant_id, r.token_hash FROM refresh_tokens r JOIN grants g"
                " ON g.id = r.grant_id WHERE r.tenant_id = ANY(%s) AND r.used_at IS NULL"
                " AND g.revoked_at IS NULL AND r.expires_at > now()",
                (tenants,),
            ):
                self.live_refresh[r["tenant_id"]].add(r["token_hash"])
        with rig.db("tokens") as tokens:
            self.connections = {
                r["org_id"]: r for r in tokens.execute("SELECT * FROM connections").fetchall()
            }
            self.refresh_audit = tokens.execute(
                "SELECT org_id, actor, outcome FROM audit_log WHERE action = 'refresh'"
            ).fetchall()
            self.tokens_outbox = _outbox(tokens)
        with rig.db("settings") as settings:
            self.settings_outbox = _outbox(settings)
            self.inbox = settings.execute(
                "SELECT event_id::text AS id, event_type AS type, consumer,"
                " extract(epoch FROM handled_at)::float AS at FROM inbox"
            ).fetchall()
            self.effects = settings.execute(
                "SELECT e.n, count(i.event_id) AS events FROM scale_effects e"
                " LEFT JOIN scale_inbox_tx i USING (txid) GROUP BY e.n"
            ).fetchall()
            self.events_with_two_effects = settings.execute(
                "SELECT i.event_id::text, count(*) AS effects FROM scale_inbox_tx i"
                " JOIN scale_effects e USING (txid) GROUP BY 1 HAVING count(*) > 1"
            ).fetchall()
            self.company = {
                str(r["org_id"]): r
                for r in settings.execute("SELECT * FROM company_info").fetchall()
            }
        self.tap = rig.drain_tap()
        self.dead_letters = rig.dead_letters()

    # --- judgements ------------------------------------------------------------------------

    def refreshes_by_tenant(self) -> Counter:
        return Counter(
            {r["tenant_id"]: r["value"] for r in self.counters if r["name"] == "refreshes"}
        )

    def assert_no_duplicate_refresh(self) -> None:
        invalid = [r for r in self.counters if r["name"] == "invalid_grant"]
        assert not invalid, f"Fortnox answered invalid_grant: {invalid}"
        aged = Counter({self.tenant_of[o]: len(a) for o, a in self.activity.agings.items()})
        refreshed = self.refreshes_by_tenant()
        assert refreshed == aged, f"refreshes per tenant {refreshed} != agings {aged}"
        ours = Counter(
            self.tenant_of[r["org_id"]] for r in self.refresh_audit if r["outcome"] == "ok"
        )
        assert ours == refreshed, "the tokens service's refreshes disagree with Fortnox's"
        assert all(r["outcome"] == "ok" for r in self.refresh_audit), self.refresh_audit
        keyring = Keyring.parse(self.rig.env["TOKENS_ENCRYPTION_KEYS"])
        for org_id, row in self.connections.items():
            assert (row["kind"], row["state"], row["health"]) == ("oauth", "connected", "ok"), row
            held = keyring.decrypt(row["refresh_token"], org_id, "refresh_token")
            held_hash = hashlib.sha256(held.encode()).hexdigest()
            live = self.live_refresh[self.tenant_of[org_id]]
            assert live == {held_hash}, (
                f"{org_id}: the refresh token we hold is not Fortnox's live one"
            )

    def invalid_handouts(self) -> list[dict]:
        bad = []
        for h in self.handouts:
            if h.get("status") != 200:
                bad.append(h)
            elif h["kind"] == "legacy":
                row = self.legacy.get(h["legacy_hash"])
                if (
                    not row
                    or row["tenant_id"] != self.tenant_of[h["org"]]
                    or (row["revoked"] is not None and row["revoked"] <= h["t0"])
                ):
                    revoked = row["revoked"] if row else None
                    late = h["t0"] - revoked if revoked is not None else None
                    bad.append(h | {"why": "legacy token unknown or revoked", "after_s": late})
            else:
                row = self.access.get(h["jti"])
                later = sum(s for at, s in self.activity.agings.get(h["org"], []) if at > h["t0"])
                if not row or row["tenant_id"] != self.tenant_of[h["org"]]:
                    bad.append(h | {"why": "no such access token of the tenant"})
                elif row["revoked"] is not None and row["revoked"] <= h["t0"]:
                    late = h["t0"] - row["revoked"]
                    bad.append(h | {"why": "revoked before the hand-out", "after_s": late})
                elif row["expires"] + later <= h["t1"]:
                    bad.append(h | {"why": "expired at the hand-out"})
        return bad

    def assert_every_handout_was_valid(self) -> None:
        bad = self.invalid_handouts()
        why = Counter(h.get("why", f"HTTP {h.get('status')} {h.get('error')}") for h in bad)
        late = [h["after_s"] for h in bad if h.get("after_s") is not None]
        assert not bad, (
            f"{len(bad)} hand-outs failed or were not valid at Fortnox: {dict(why)};"
            f" handed out up to {max(late, default=0):.2f} s after Fortnox revoked the token;"
            f" organisations {len({h['org'] for h in bad})}; e.g. {bad[:2]}"
        )
        assert {h["replica"] for h in self.handouts} == {0, 1}

    def assert_no_lost_event(self) -> None:
        on_bus = {event_id for event_id, _type in self.tap}
        for name, outbox in (("tokens", self.tokens_outbox), ("settings", self.settings_outbox)):
            unsent = [r for r in outbox if r["sent"] is None]
            assert not unsent, f"{name}: {len(unsent)} outbox rows never sent"
            missing = [r for r in outbox if r["id"] not in on_bus]
            assert not missing, f"{name}: {len(missing)} events marked sent never reached the bus"
        bound = {r["id"] for r in self.tokens_outbox if r["type"] in self.bound}
        applied = {r["id"] for r in self.inbox}
        assert bound - applied == set(), f"{len(bound - applied)} events never applied by settings"
        assert applied - bound == set(), "settings applied events the tokens service never wrote"
        assert {r["consumer"] for r in self.inbox} == {self.rig.consumer_queue}
        assert self.dead_letters == 0

    def assert_no_duplicate_effect(self) -> None:
        orphans = [e for e in self.effects if e["events"] != 1]
        assert not orphans, (
            f"company info written outside exactly one event's transaction: {orphans}"
        )
        assert not self.events_with_two_effects, self.events_with_two_effects
        for org_id, connection in self.connections.items():
            kept = self.company[org_id]
            ours = (connection["company_name"], connection["organisation_number"])
            assert (kept["company_name"], kept["organisation_number"]) == ours
            assert kept["database_number"] == connection["database_number"]
            assert kept["version"] == connection["company_version"], (org_id, kept, connection)
        versions = Counter(
            (r["org_id"], r["version"])
            for r in self.tokens_outbox
            if r["type"] == "company.updated"
        )
        assert max(versions.values()) == 1, "one company.updated version was published twice"

    # --- the ledger ------------------------------------------------------------------------

    def report(self) -> str:
        h = self.handouts
        ok = sum(r.get("status") == 200 for r in h)
        by_replica = Counter(r["replica"] + 1 for r in h)
        kinds = Counter(r.get("kind") for r in h)
        took = sorted((r["t1"] - r["t0"]) * 1000 for r in h)
        refreshed = sum(self.refreshes_by_tenant().values())
        actors = Counter(r["actor"] for r in self.refresh_audit if r["outcome"] == "ok")
        agings = sum(len(a) for a in self.activity.agings.values())
        invalid_grants = sum(r["value"] for r in self.counters if r["name"] == "invalid_grant")
        tap = Counter(event_id for event_id, _type in self.tap)
        applied = {r["id"]: r["at"] for r in self.inbox}
        lines = [
            f"scaling ledger: {len(self.orgs)} organisations; tokens 2 replicas x 3 workers,"
            f" 2 refreshers, 2+2 relays, 2 settings consumers (all up in {self.rig.start_seconds:.1f} s)",
            f"hand-outs   {len(h)} in {self.seconds:.1f} s ({len(h) / self.seconds:.0f}/s),"
            f" per replica {dict(by_replica)}, kinds {dict(kinds)}, 200: {ok}, other: {len(h) - ok},"
            f" not valid at Fortnox: {len(self.invalid_handouts())};"
            f" latency p50 {_quantile(took, 0.5):.0f} ms, p99 {_quantile(took, 0.99):.0f} ms",
            f"refreshes   {refreshed} at Fortnox for {agings} agings (by {dict(actors)});"
            f" invalid_grant {invalid_grants}",
            f"changes     upgrades {self.activity.upgrades}, renamed+checked"
            f" {self.activity.renamed}, payment methods saved {self.activity.payments}",
            f"{'events':<36}{'written':>8}{'sent':>6}{'on bus':>8}{'twice':>7}{'applied':>9}{'lost':>6}",
        ]
        lags, relay_lags = [], []
        for outbox in (self.tokens_outbox, self.settings_outbox):
            for event_type in sorted({r["type"] for r in outbox}):
                rows = [r for r in outbox if r["type"] == event_type]
                sent = [r for r in rows if r["sent"] is not None]
                relay_lags += [r["sent"] - r["created"] for r in sent]
                bus = [r for r in rows if tap[r["id"]]]
                twice = sum(tap[r["id"]] > 1 for r in rows)
                took = [r for r in rows if r["id"] in applied] if event_type in self.bound else []
                lags += [applied[r["id"]] - r["created"] for r in took]
                lost = (
                    len(rows)
                    - len(bus)
                    + (len(rows) - len(took) if event_type in self.bound else 0)
                )
                shown = str(len(took)) if event_type in self.bound else "-"
                lines.append(
                    f"  {event_type:<34}{len(rows):>8}{len(sent):>6}{len(bus):>8}{twice:>7}"
                    f"{shown:>9}{lost:>6}"
                )
        orphans = sum(e["events"] != 1 for e in self.effects)
        lines += [
            f"effects     company info writes {len(self.effects)}, outside exactly one event: {orphans},"
            f" events applied twice: {len(self.events_with_two_effects)}; inbox rows"
            f" {len(self.inbox)} for {len(applied)} events; dead letters {self.dead_letters}",
            f"max lag     written->sent {max(relay_lags):.2f} s; written->applied {max(lags):.2f} s"
            f" (median {statistics.median(lags):.2f} s)",
        ]
        return "\n".join(lines)


def _outbox(conn) -> list[dict]:
    return conn.execute(
        "SELECT id::text, type, org_id, (envelope->'data'->>'version')::int AS version,"
        " extract(epoch FROM created_at)::float AS created,"
        " extract(epoch FROM sent_at)::float AS sent FROM outbox"
    ).fetchall()


def _quantile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0
