"""In `make run` itself, "Glömt lösenord" sends a mail that lands where the README says
(var/mail/new/, under the run's RF_VAR_DIR), and its link sets a new password that logs in."""

import email
import re
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from localrun import LocalRun
from playwright.sync_api import expect
from servicekit.mailsink import MailSink

from .steps import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADDRESS = "kaisa@jlmdata.se"
NEW_PASSWORD = "kaisas nya långa lösenfras"
RESET_SUBJECT = "Återställ ditt lösenord till JIM Appar"


def wait_for_mail(folder: Path, recipient: str, subject: str, timeout: float = 60) -> EmailMessage:
    """The mail with that subject to that recipient (the demo administrator also gets the
    demo connection's legacy-token notice)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if recipient in message["To"] and message["Subject"] == subject:
                return message
        time.sleep(0.5)
    raise AssertionError(f"no mail {subject!r} to {recipient} in {folder}")


def test_forgotten_password_mail_lands_in_var_mail_new_and_its_link_works(page, local_run_env):
    env, _, _ = local_run_env
    base_url = env["PUBLIC_BASE_URL"]
    mail = Path(env["RF_VAR_DIR"]) / "mail"
    mail.mkdir(parents=True)  # a bare mail/ folder, as runs before this fix left behind
    run = LocalRun(env)
    try:
        run.wait_for_banner()
        page.goto(base_url + "/logga-in")
        page.get_by_role("link", name="Glömt lösenord").click()
        page.get_by_label("Användarnamn eller e-post").fill(ADDRESS)
        page.get_by_role("button", name="Skicka länk").click()
        expect(page.get_by_role("heading", name="Kolla din e-post")).to_be_visible()
        link = MailSink.links(wait_for_mail(mail / "new", ADDRESS, RESET_SUBJECT))[0]
        assert link.startswith(base_url + "/aterstall-losenord?t=")
        page.goto(link)
        page.get_by_label("Nytt lösenord").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Spara lösenord").click()
        page.wait_for_url(re.compile(r"/logga-in"))
        log_in(page, base_url, ADDRESS, NEW_PASSWORD)
        page.wait_for_url(base_url + "/")
        expect(page.locator(".account-name")).to_have_text("Kaisa Jönsson")
    finally:
        run.stop()
    assert run.leftovers() == []
