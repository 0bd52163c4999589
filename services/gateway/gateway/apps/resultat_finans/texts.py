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
    "exchange_failed": (
        "error",
        "Fortnox svarade inte som väntat, så den nya token kunde inte skapas. "
        "Ingenting har ändrats. Försök igen om en stund.",
    ),
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


def outcome_message(answer: dict, org_name: str) -> tuple[str, str]:
    category, text = OUTCOMES.get(answer.get("outcome"), UNMATCHED)
    if answer.get("outcome") == "company_mismatch":
        company = answer.get("company") or {}
        name = company.get("company_name") or "okänt företag"
        number = company.get("database_number")
        text = text.format(company=f"{name}, databas {number}" if number else name, org=org_name)
    return category, text


def check_message(result: dict) -> tuple[str, str]:
    if result.get("ok"):
        company = result.get("company") or {}
        name = company.get("company_name") or "företaget"
        return "ok", f"Kopplingen till Fortnox fungerar. Fortnox svarade för {name}."
    return (
        "error",
        "Fortnox svarade inte på kontrollen. Om det inte går över: klicka på Ny Token.",
    )


# "Åtgärd krävs" on Resultat Finans Hem, by the tokens status' `attention`.
ATTENTION = {
    "reauthorization": "Fortnox tar inte längre emot kopplingen, så Resultat Finans kan inte "
    "hämta uppgifter från Fortnox.",
    "migration_refused": "Fortnox kunde inte flytta er gamla token till den nya "
    "autentiseringsmetoden, så Resultat Finans kan inte hämta uppgifter från Fortnox.",
    "legacy": "Fortnox har ändrat autentiseringsmetod för integrationer från permanenta till "
    "tillfälliga tokens, och er koppling använder fortfarande den gamla token.",
}
ATTENTION_UNKNOWN = "Kopplingen till Fortnox behöver åtgärdas."

# Händelser on the Applikation tab: the tokens service's history, event by event.
HISTORY_EVENTS = {
    "connected": "Kopplad",
    "renewed": "Förnyad",
    "checked": "Kontrollerad",
    "failed": "Misslyckades",
    "upgraded": "Uppgraderad",
    "disconnected": "Frånkopplad",
}
HISTORY_CAUSES = {
    "fortnox_unavailable": "Fortnox svarade inte just då; vi försöker igen automatiskt",
    "grant_refused": "Fortnox tar inte längre emot kopplingen",
    "token_refused": "Fortnox tar inte längre emot vår token",
    "check_failed": "kontrollen kunde inte göras",
    "migration_refused": "Fortnox vägrade flytta den gamla token till den nya metoden",
    "consent_refused": "behörigheterna godkändes inte hos Fortnox",
    "exchange_failed": "Fortnox svarade inte som väntat när den nya token skulle skapas",
    "company_mismatch": "inloggningen hos Fortnox gällde ett annat företag",
    "link_invalid": "svaret från Fortnox kunde inte kopplas till inloggningen",
    # the tokens service's reason codes (the one table of Fortnox's answers)
    "rate_limited": "Fortnox bad oss vänta en stund; vi försöker igen automatiskt",
    "unavailable": "Fortnox svarade inte just då; vi försöker igen automatiskt",
    "timeout": "Fortnox svarade inte i tid; vi försöker igen automatiskt",
    "unreachable": "Fortnox gick inte att nå; vi försöker igen automatiskt",
    "malformed_answer": "Fortnox svar var ofullständigt; vi försöker igen automatiskt",
    "grant_invalid": "Fortnox tar inte längre emot kopplingen",
    "consent_withdrawn": "behörigheten har tagits bort hos Fortnox",
    "authentication_failed": "Fortnox tar inte längre emot vår token",
    "license_missing": "Fortnox säger att licensen för kopplingen saknas",
    "refused": "Fortnox nekade kopplingen",
    "refresh_interrupted": "en förnyelse avbröts och Fortnox tar inte längre emot kopplingen",
    "refresh_unanswered": "en förnyelse blev utan svar och Fortnox tar inte längre emot kopplingen",
    "client_rejected": "ett fel hos oss; vi har larmats och åtgärdar det",
    "request_rejected": "ett fel hos oss; vi har larmats och åtgärdar det",
}


def attention_message(reason: str) -> str:
    return ATTENTION.get(reason, ATTENTION_UNKNOWN)


def history_text(entry: dict) -> str:
    """One Händelser row: the event, and for a failure why ("Misslyckades: …")."""
    text = HISTORY_EVENTS.get(entry.get("event"), "Händelse")
    cause = HISTORY_CAUSES.get(entry.get("cause") or "")
    return f"{text}: {cause}" if cause else text
