import os
import threading

from auth import config as auth_config
from auth.adapters.hashing import Argon2Parameters, Hasher
from auth.bootstrap import argon2_parameters
from auth.handlers import seed

from .conftest import DEMO_ORG, rows


def test_production_argon2_defaults_meet_the_owasp_minimum():
    params = argon2_parameters(auth_config.load({}))
    assert params.memory_kib >= 19 * 1024
    assert params.time_cost >= 2
    assert params.parallelism == 1


def test_hashes_are_argon2id_with_the_configured_parameters():
    params = argon2_parameters(auth_config.load({}))
    stored = Hasher(params).hash("a long enough passphrase")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_seed_demo_twice_creates_once_and_keeps_the_fixed_ids(demo, app):
    assert seed.seed_demo(demo) == []
    orgs = rows(app, "SELECT id::text, name, org_number, customer_number FROM organisations")
    assert orgs == [
        {
            "id": DEMO_ORG,
            "name": "Jlmdata AB",
            "org_number": "559192-5788",
            "customer_number": "900232",
        }
    ]
    users = rows(
        app,
        "SELECT u.username, u.email, u.name, m.role FROM users u JOIN memberships m"
        " ON m.user_id = u.id ORDER BY u.name",
    )
    assert users == [
        {
            "username": "900232",
            "email": "kaisa@jlmdata.se",
            "name": "Kaisa Jönsson",
            "role": "administrator",
        },
        {"username": None, "email": "olle@jlmdata.se", "name": "Olle Berg", "role": "user"},
    ]
    apps = rows(app, "SELECT app_key FROM organisation_apps ORDER BY app_key")
    assert [a["app_key"] for a in apps] == ["aspia-ica", "pm-sync", "resultat-finans"]
    events = rows(app, "SELECT type FROM outbox ORDER BY seq")
    assert [e["type"] for e in events].count("org.created") == 1


def test_demo_users_log_in_with_customer_number_or_email(demo, api):
    assert api.login("900232").status_code == 200
    assert api.login("kaisa@jlmdata.se").status_code == 200
    assert api.login("olle@jlmdata.se").status_code == 200


def test_a_session_names_its_organisations_own_number(demo, api):
    """The gateway sends it with "Ny Token": a first Fortnox connection must carry it."""
    token = api.session_of("900232")
    me = api.post("/internal/sessions/resolve", {"session_token": token}).get_json()
    assert (me["org_name"], me["org_number"]) == ("Jlmdata AB", "559192-5788")


def test_password_hashing_gets_the_cpu_only_when_the_request_threads_leave_it_free():
    hasher = Hasher(Argon2Parameters(memory_kib=1024, time_cost=1, parallelism=1))

    def policy() -> int:
        return os.sched_getscheduler(threading.get_native_id())

    assert policy() == os.SCHED_OTHER
    assert hasher._threads.submit(policy).result() == os.SCHED_IDLE
    assert hasher.verify(hasher.hash("a long enough passphrase"), "a long enough passphrase")
