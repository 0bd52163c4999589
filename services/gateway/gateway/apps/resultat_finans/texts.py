"""The customer's words for what the Fortnox flow can end in."""

OUTCOMES = {
    "upgraded": (
        "ok",
        "Uppgraderingen lyckades. Resultat Finans är nu kopplat till Fortnox med den nya "
        "autentiseringsmetoden (OAuth).",
    ),
    "connected": ("ok", "Kopplingen till Fortnox är klar."),
    "refused": (
        "error",
        "Du godkände inte behörigheterna hos Fortnox, så ingen ny token skapades. "
        "Den tidigare kopplingen är kvar som den var.",
    ),
    "state_expired": (
        "error",
        "Det tog för lång tid hos Fortnox (mer än 10 minuter). Klicka på Ny Token och försök igen.",
    ),
    "company_mismatch": (
        "error",
        "Du loggade in på ett annat företag i Fortnox ({company}) än det som hör till {org}. "
        "Ingenting har ändrats. Logga in på rätt företag i Fortnox och försök igen.",
    ),
    "organisation_mismatch": (
        "error",
        "Företaget du loggade in på i Fortnox ({company}) har inte samma organisationsnummer som "
        "{org} ({own}). Ingenting har kopplats och behörigheten hos Fortnox har återkallats. "
        "Logga in på rätt företag i Fortnox och försök igen.",
    ),
    "exchange_failed": (
        "error",
        "Fortnox svarade inte som väntat, så den nya token kunde inte skapas. "
        "Ingenting har ändrats. Försök igen om en stund.",
    ),
}
# exchange_failed by the class of what Fortnox answered: it did answer, and refused
EXCHANGE_REFUSED = {
    "reauthorize": "Fortnox tog inte emot inloggningen (den hann gå ut eller användes redan), "
    "så ingen ny token skapades. Ingenting har ändrats. Klicka på Ny Token och försök igen.",
    "misconfigured": "Fortnox nekade vår tjänst, så ingen ny token skapades. Felet ligger hos "
    "oss och vi har fått larm om det. Ingenting har ändrats hos er.",
}
# state_missing, state_invalid, state_reused: the answer cannot be tied to this log-in.
UNMATCHED = (
    "error",
    "Svaret från Fortnox kunde inte kopplas till din inloggning här (kanske en gammal eller "
    "redan använd länk). Ingenting har ändrats. Klicka på Ny Token och försök igen.",
)
TOKENS_DOWN = (
    "error",
    "Kopplingen till Fortnox kunde inte slutföras just nu eftersom vår tjänst för "
    "Fortnox-kopplingen inte svarar. Försök igen om en stund.",
)
SESSION_GONE = (
    "Din inloggning hade gått ut innan Fortnox svarade. Logga in och klicka på Ny Token igen."
)


def outcome_message(answer: dict, org_name: str, org_number: str | None = None) -> tuple[str, str]:
    outcome = answer.get("outcome")
    category, text = OUTCOMES.get(outcome, UNMATCHED)
    company = answer.get("company") or {}
    name = company.get("company_name") or "okänt företag"
    if outcome == "company_mismatch":
        number = company.get("database_number")
        text = text.format(company=f"{name}, databas {number}" if number else name, org=org_name)
    elif outcome == "organisation_mismatch":
        theirs = company.get("organisation_number")
        shown = f"{name}, organisationsnummer {theirs}" if theirs else name
        text = text.format(company=shown, org=org_name, own=org_number or "okänt")
    elif outcome == "exchange_failed":
        text = EXCHANGE_REFUSED.get(_class_of(answer.get("reason_code")), text)
    return category, text


def _class_of(reason_code: str | None) -> str | None:
    """The class of a tokens reason code, as far as the texts tell them apart."""
    if reason_code in ("client_rejected", "request_rejected"):
        return "misconfigured"
    temporary = ("rate_limited", "unavailable", "timeout", "unreachable", "malformed_answer")
    return None if reason_code in (None, *temporary) else "reauthorize"


_UNCHANGED = "Kopplingen är kvar som den var. Försök igen om en stund."
_AGAIN = "Klicka på Ny Token och logga in i Fortnox igen."
# What "Kontrollera koppling till Fortnox" found, per reason code of the tokens service
# (tokens/domain/answers.py): each says what Fortnox did and what the customer can do.
CHECK_MESSAGES = {
    "not_connected": "Resultat Finans är inte kopplat till Fortnox. Klicka på Ny Token för att "
    "koppla.",
    # temporary: Fortnox (or the way there) could not answer now; nothing is wrong with the grant
    "rate_limited": "Fortnox tog inte emot fler anrop just nu (för många anrop på kort tid). "
    + _UNCHANGED,
    "unavailable": "Fortnox hade ett tillfälligt fel och kunde inte svara på kontrollen. "
    + _UNCHANGED,
    "timeout": "Fortnox svarade inte i tid på kontrollen. " + _UNCHANGED,
    "unreachable": "Vi fick ingen kontakt med Fortnox. " + _UNCHANGED,
    "malformed_answer": "Fortnox svarade, men med något vi inte kunde läsa. " + _UNCHANGED,
    # reauthorize: Fortnox answered and refused; only the customer can set it right
    "grant_invalid": "Fortnox tar inte längre emot kopplingens behörighet: den har återkallats "
    "eller gått ut. " + _AGAIN,
    "consent_withdrawn": "Godkännandet för Resultat Finans har tagits bort i Fortnox. "
    "Klicka på Ny Token och godkänn behörigheterna igen.",
    "authentication_failed": "Fortnox nekade åtkomst med vår token. " + _AGAIN,
    "license_missing": "Fortnox nekade åtkomst eftersom ert Fortnox-konto saknar licens för "
    "integrationer. Ordna licensen hos Fortnox och klicka sedan på Ny Token.",
    "migration_refused": "Fortnox kunde inte flytta er gamla token till den nya "
    "autentiseringsmetoden. " + _AGAIN,
    "refused": "Fortnox nekade kopplingen. " + _AGAIN,
    "refresh_interrupted": "Kopplingens token kunde inte förnyas hos Fortnox och måste skapas "
    "på nytt. " + _AGAIN,
    "refresh_unanswered": "Kopplingens token kunde inte förnyas hos Fortnox och måste skapas "
    "på nytt. " + _AGAIN,
    # misconfigured: Fortnox refuses us, not the customer
    "client_rejected": "Fortnox nekade vår tjänst, inte er koppling: felet ligger hos oss och "
    "vi har fått larm om det. Er koppling är kvar som den var; ni behöver inte göra något.",
    "request_rejected": "Fortnox kunde inte ta emot vår fråga: felet ligger hos oss och vi har "
    "fått larm om det. Er koppling är kvar som den var; ni behöver inte göra något.",
}
_BY_CLASS = {
    "temporary": CHECK_MESSAGES["unavailable"],
    "reauthorize": CHECK_MESSAGES["refused"],
    "misconfigured": CHECK_MESSAGES["client_rejected"],
}


def check_message(result: dict) -> tuple[str, str]:
    if result.get("ok"):
        company = result.get("company") or {}
        name = company.get("company_name") or "företaget"
        return "ok", f"Kopplingen till Fortnox fungerar. Fortnox svarade för {name}."
    text = CHECK_MESSAGES.get(result.get("reason_code")) or _BY_CLASS.get(
        result.get("class"), "Kontrollen kunde inte göras just nu. Försök igen om en stund."
    )
    return "error", text
