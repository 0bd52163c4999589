"""Demo data of the local run: Jlmdata AB with Kaisa Jönsson (administrator) and Olle Berg."""

from servicekit.db import transaction

from auth.adapters import repository
from auth.adapters.accounts import AccountRows
from auth.handlers import Services
from auth.handlers.signup import publish_new_member, publish_new_org

DEMO_ORG_ID = "00000000-0000-4000-8000-000000900232"
DEMO_PASSWORD = "demo-resultat-finans"
DEMO_APPS = ["aspia-ica", "pm-sync", "resultat-finans"]
DEMO_USERS = (
    # (user name, e-mail, name, role): existing customers log in with their customer number
    ("900232", "kaisa@jlmdata.se", "Kaisa Jönsson", "administrator"),
    (None, "olle@jlmdata.se", "Olle Berg", "user"),
)


def seed_demo(svc: Services) -> list[str]:
    """Create what is missing, change nothing that exists; returns what was created."""
    created = []
    with transaction(svc.pool) as conn:
        if repository.find_org(conn, DEMO_ORG_ID) is None:
            org = repository.insert_org(
                conn,
                name="Jlmdata AB",
                org_number="559192-5788",
                customer_number="900232",
                org_id=DEMO_ORG_ID,
            )
            publish_new_org(AccountRows(conn), org, DEMO_APPS)
            created.append("organisation Jlmdata AB")
        repository.enable_apps(conn, DEMO_ORG_ID, DEMO_APPS)
        for username, email, name, role in DEMO_USERS:
            if repository.email_taken(conn, email):
                continue
            user_id = repository.insert_user(
                conn,
                email=email,
                name=name,
                username=username,
                password_hash=svc.hasher.hash(DEMO_PASSWORD),
                verified_at=svc.clock(),
            )
            repository.add_member(conn, DEMO_ORG_ID, user_id, role)
            publish_new_member(AccountRows(conn), DEMO_ORG_ID, user_id, name, role, "seed")
            created.append(f"user {name}")
    return created
