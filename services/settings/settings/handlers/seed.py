"""Demo data of the local run: Jlmdata AB pays to a Bankgiro number."""

from settings.handlers import Services, payment

DEMO_ORG_ID = "00000000-0000-4000-8000-000000900232"
DEMO_BANKGIRO = "5591-9252"


def seed_demo(svc: Services) -> list[str]:
    """Create what is missing, change nothing that exists; returns what was created."""
    if payment.current(svc, DEMO_ORG_ID) is not None:
        return []
    payment.change(svc, DEMO_ORG_ID, {"method": "bankgiro", "number": DEMO_BANKGIRO}, "seed-demo")
    return ["payment method Bankgiro 5591-9252"]
