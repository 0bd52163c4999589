"""What an operator watches of the tokens service, as Prometheus metrics on its /metrics.

Counters and histograms are safe across processes: with PROMETHEUS_MULTIPROC_DIR set, every web
worker, refresher and migrator of the service writes its own file in that folder and /metrics
adds them up. `token_connections` is counted in the database each time /metrics is scraped
(`observe_connections`), so every replica reports the same figures.
"""

from prometheus_client import Counter, Gauge, Histogram
from psycopg_pool import ConnectionPool

REFRESHES = Counter(
    "token_refresh_total",
    "Access-token renewals attempted at Fortnox (or given up waiting for another's), by outcome:"
    " refreshed, transient_failure, rate_limited, invalid_grant, rejected, client_rejected,"
    " lock_timeout; kind oauth (refresh token) or service (client credentials)",
    ["outcome", "kind"],
)
HANDOUTS = Counter(
    "token_handout_total",
    "Access tokens asked for by other services, by outcome: cached (this process's memory),"
    " stored (read from the database), renewed (after a renewal), not_connected,"
    " reauthorization_required, unavailable",
    ["outcome"],
)
FORTNOX_REQUESTS = Counter(
    "fortnox_requests_total",
    "Calls to Fortnox by endpoint (token, migrate, revoke, companyinformation) and HTTP status"
    " (or timeout, unreachable)",
    ["endpoint", "status"],
)
FORTNOX_FAILURES = Counter(
    "fortnox_failures_total",
    "Failed calls to Fortnox as the answer table sorts them (adapters/fortnox_answers.py):"
    " call (token, refresh, client_credentials, migrate, revoke, api), class (temporary,"
    " reauthorize, misconfigured) and reason code (domain/answers.py). class=misconfigured"
    " means Fortnox refuses our own client: the FortnoxClientMisconfigured alert",
    ["call", "class", "reason"],
)
FORTNOX_LATENCY = Histogram(
    "fortnox_request_duration_seconds",
    "Time Fortnox took to answer (or to fail), by endpoint",
    ["endpoint"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CONNECTIONS = Gauge(
    "token_connections",
    "Fortnox connections by state: connected (OAuth or service account), legacy (a legacy token"
    ' still to upgrade), needs_reauthorization ("Ny Token"), revoked',
    ["state"],
    multiprocess_mode="mostrecent",
)
STATES = ("connected", "legacy", "needs_reauthorization", "revoked")

_BY_STATE = (
    "SELECT CASE WHEN state = 'connected' AND kind = 'legacy' THEN 'legacy' ELSE state END"
    " AS state, count(*) AS n FROM connections GROUP BY 1"
)


class Recorder:
    """The handlers' port for their figures; children are bound once per label value so a
    hand-out pays for no label lookup."""

    def __init__(self):
        self._children: dict[tuple, object] = {}

    def _child(self, metric, *labels):
        key = (metric, labels)
        child = self._children.get(key)
        if child is None:
            child = self._children.setdefault(key, metric.labels(*labels))
        return child

    def refresh(self, outcome: str, kind: str) -> None:
        self._child(REFRESHES, outcome, kind).inc()

    def handout(self, outcome: str) -> None:
        self._child(HANDOUTS, outcome).inc()

    def fortnox_failure(self, call: str, klass: str, reason: str) -> None:
        self._child(FORTNOX_FAILURES, call, klass, reason).inc()

    def fortnox_call(self, endpoint: str, status: str, seconds: float) -> None:
        self._child(FORTNOX_REQUESTS, endpoint, status).inc()
        self._child(FORTNOX_LATENCY, endpoint).observe(seconds)


RECORDER = Recorder()


def observe_connections(pool: ConnectionPool) -> None:
    """Set `token_connections` from the database (called before /metrics answers)."""
    counts = dict.fromkeys(STATES, 0)
    with pool.connection() as conn:
        for row in conn.execute(_BY_STATE).fetchall():
            counts[row["state"]] = row["n"]
    for state, n in counts.items():
        CONNECTIONS.labels(state).set(n)
