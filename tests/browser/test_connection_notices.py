"""Telling the customer, end to end in headless Chromium against the whole platform: Fortnox
withdraws the consent (the sandbox's control API), the administrator gets a mail in the SMTP
sink, the portal's tile and Resultat Finans Hem say "Åtgärd krävs", Händelser say what failed,
"Ny Token" from the mail's link fixes the connection, the badge goes, and no further mail comes.

Screenshots of every step land in test-artifacts/<test name>/.
"""

import re
from datetime import timedelta

import psycopg
import pytest
from auth import config as auth_config
from auth.bootstrap import bootstrap
from auth.handlers import notices
from fortnox_sandbox.harness.control import SandboxControl
from playwright.sync_api import expect
from servicekit import config as env
from servicekit import db
from servicekit.events.harness import wait_for

from .test_resultat_finans import DEMO_ORG_ID, fortnox_login_and_answer, log_in

pytestmark = pytest.mark.browser

KAISA = "kaisa@jlmdata.se"
SETTINGS = "/resultat-finans/installningar?flik=applikation"


def needs_action(platform) -> bool | None:
    """What the auth service knows of the demo organisation (None: nothing yet)."""
    with psycopg.connect(platform.env["AUTH_DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT reason IS NOT NULL FROM connection_notices WHERE org_id = %s", (DEMO_ORG_ID,)
        ).fetchone()
    return row[0] if row else None


def forget_todays_mail(platform) -> None:
    """The seed's legacy token was mailed about earlier today; what this test follows is a
    connection breaking on a later day, so the one-mail-a-day rule must not hold it back."""
    with psycopg.connect(platform.env["AUTH_DATABASE_URL"], autocommit=True) as conn:
        conn.execute(
            "UPDATE connection_notices SET last_mail_at = last_mail_at - interval '1 day'"
            " WHERE org_id = %s",
            (DEMO_ORG_ID,),
        )


def tile_badge(page):
    return page.locator('a.tile[href="/resultat-finans/"] .badge-action')


def reminders_sent_in_eight_days(platform) -> int:
    """Run the reminder sweep as it would run eight days from now."""
    config = auth_config.load(platform.env)
    pool = db.open_pool(config["DATABASE_URL"], max_size=1, name="browser-test")
    try:
        ctx = bootstrap(config, pool)
        later = ctx.clock() + timedelta(days=8)
        ctx.clock = lambda: later
        return notices.send_due(ctx)
    finally:
        pool.close()


def test_a_connection_fortnox_refuses_is_mailed_badged_and_fixed_with_ny_token(page, platform):
    platform.reset_demo_fortnox()  # Jlmdata AB on its legacy token, as the seed leaves it
    log_in(page, platform)
    page.goto(platform.url(SETTINGS))
    page.get_by_role("button", name="Ny Token").click()
    fortnox_login_and_answer(page, platform, approve=True)
    expect(page.locator(".notice-ok")).to_contain_text("Uppgraderingen lyckades")
    wait_for(lambda: needs_action(platform) is False, what="auth to hear the connection is ok")
    forget_todays_mail(platform)
    mails_before = len(platform.mail.to(KAISA))

    # 1. Fortnox withdraws the consent; the next check finds the connection refused.
    control = SandboxControl(
        platform.env["FORTNOX_AUTH_URL"],
        env.get("FORTNOX_CLIENT_ID", platform.env),
        platform.env["FORTNOX_CLIENT_SECRET"],
    )
    control.revoke_consent(900232)
    page.goto(platform.url(SETTINGS))
    page.get_by_role("button", name="Kontrollera koppling till Fortnox").click()
    expect(page.locator(".token-notice")).to_be_visible()
    page.shot("1-fortnox-nekar")

    # 2. The administrator's mail arrives in the SMTP sink.
    mail = platform.mail.wait_for(KAISA, mails_before + 1, timeout=60)
    assert mail["Subject"] == "Åtgärd krävs: koppla Resultat Finans till Fortnox igen"
    body = platform.mail.body(mail)
    assert "Jlmdata AB" in body and "Ny Token" in body
    [link] = platform.mail.links(mail)
    assert link == platform.url(SETTINGS)

    # 3. The badge shows: on the portal's tile, and first on Resultat Finans Hem.
    page.goto(platform.url("/"))
    expect(tile_badge(page)).to_have_text("Åtgärd krävs")
    page.shot("3-hem-atgard-kravs")
    page.goto(platform.url("/resultat-finans/"))
    expect(page.locator("main .panel").first).to_contain_text("Åtgärd krävs")
    page.shot("3-resultat-finans-hem")
    page.goto(platform.url(SETTINGS))
    history = page.locator("#handelser .history-text")
    expect(history.first).to_contain_text("Misslyckades")
    expect(page.locator("#handelser .history-at").first).to_have_text(
        re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")
    )

    # 4. "Ny Token", from the mail's link, fixes the connection.
    page.goto(link)
    page.get_by_role("button", name="Ny Token").click()
    fortnox_login_and_answer(page, platform, approve=True)
    expect(page.locator(".notice-ok")).to_be_visible()
    expect(page.locator(".token-notice")).to_have_count(0)
    expect(history.first).to_have_text("Kopplad")
    page.shot("4-ny-token")

    # 5. The badge is gone once auth has heard the connection works again.
    wait_for(lambda: needs_action(platform) is False, what="auth to hear the connection is ok")
    page.goto(platform.url("/"))
    expect(page.locator(".tile-name")).to_have_count(3)
    expect(tile_badge(page)).to_have_count(0)
    page.goto(platform.url("/resultat-finans/"))
    expect(page.locator(".action-needed")).to_have_count(0)
    page.shot("5-utan-atgard")

    # 6. No further mail: no reminder is due even days later, and nothing else was sent.
    assert reminders_sent_in_eight_days(platform) == 0
    assert len(platform.mail.to(KAISA)) == mails_before + 1
