"""Demo data of the local run: Jlmdata AB with Kaisa Jönsson (administrator) and Olle Berg."""

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
    with svc.accounts.transaction() as rows:
        if rows.org(DEMO_ORG_ID) is None:
            org = rows.insert_org(
                name="Jlmdata AB",
                org_number="559192-5788",
                customer_number="900232",
                org_id=DEMO_ORG_ID,
            )
            publish_new_org(rows, org, DEMO_APPS)
            created.append("organisation Jlmdata AB")
        rows.enable_apps(DEMO_ORG_ID, DEMO_APPS)
        for username, email, name, role in DEMO_USERS:
            if rows.user_by_email(email) is not None:
                continue
            user_id = rows.insert_user(
                email=email,
                name=name,
                username=username,
                password_hash=svc.hasher.hash(DEMO_PASSWORD),
                verified_at=svc.clock(),
            )
            rows.add_member(DEMO_ORG_ID, user_id, role)
            publish_new_member(rows, DEMO_ORG_ID, user_id, name, role, "seed")
            created.append(f"user {name}")
    return created
