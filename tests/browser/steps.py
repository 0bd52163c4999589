"""What a person does in more than one browser test, written once."""


def log_in(page, base_url: str, identifier: str, password: str) -> None:
    """Fill in and send the log-in form, as a customer types it."""
    page.goto(base_url + "/logga-in")
    page.get_by_label("Användarnamn eller e-mail för nya kunder").fill(identifier)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Inloggning").click()
