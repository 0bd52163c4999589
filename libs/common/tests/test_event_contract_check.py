"""The test plugin's last word: every event any test made a service write to its outbox must
match its published contract, or the run fails."""

import pytest

pytest_plugins = ["pytester"]

INNER_TEST = """
import uuid
import psycopg
from psycopg.types.json import Jsonb
from servicekit.events import outbox

def test_writes_events(make_database):
    url = make_database()
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE outbox (seq bigserial, id uuid, type text, version int, org_id text,"
            " correlation_id text, occurred_at timestamptz, envelope jsonb)"
        )
        outbox.publish(conn, "token.revoked", str(uuid.uuid4()), {"kind": "oauth", "revoked_at_fortnox": True})
        if BROKEN:
            envelope = outbox.publish(conn, "token.revoked", str(uuid.uuid4()), {"kind": "oauth", "revoked_at_fortnox": False})
            envelope["data"] = {"no": "such fields"}
            envelope["occurred_at"] = "yesterday"
            conn.execute("UPDATE outbox SET envelope = %s WHERE id = %s",
                         (Jsonb(envelope), envelope["id"]))
"""


@pytest.mark.parametrize("broken", [False, True])
def test_a_run_fails_when_a_published_event_breaks_its_contract(pytester, broken):
    pytester.makepyfile(INNER_TEST.replace("BROKEN", str(broken)))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore")
    if broken:
        result.assert_outcomes(passed=1, errors=1)
        result.stdout.fnmatch_lines(["*do not match their published contracts*", "*token.revoked*"])
    else:
        result.assert_outcomes(passed=1)
