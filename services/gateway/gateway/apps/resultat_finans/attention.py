"""The customer's words for a connection that needs them ("Åtgärd krävs") and for its history
(Händelser on the Applikation tab)."""

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
    "token_refused": "Fortnox nekade åtkomst med vår token",
    "check_failed": "kontrollen kunde inte göras",
    "migration_refused": "Fortnox vägrade flytta den gamla token till den nya metoden",
    "consent_refused": "behörigheterna godkändes inte hos Fortnox",
    "exchange_failed": "Fortnox svarade inte som väntat när den nya token skulle skapas",
    "company_mismatch": "inloggningen hos Fortnox gällde ett annat företag",
    "link_invalid": "svaret från Fortnox kunde inte kopplas till inloggningen",
    "not_connected": "det finns ingen koppling till Fortnox",
    # the tokens service's reason codes (the one table of Fortnox's answers)
    "rate_limited": "Fortnox bad oss vänta en stund; vi försöker igen automatiskt",
    "unavailable": "Fortnox svarade inte just då; vi försöker igen automatiskt",
    "timeout": "Fortnox svarade inte i tid; vi försöker igen automatiskt",
    "unreachable": "Fortnox gick inte att nå; vi försöker igen automatiskt",
    "malformed_answer": "Fortnox svar var ofullständigt; vi försöker igen automatiskt",
    "grant_invalid": "Fortnox tar inte längre emot kopplingen",
    "consent_withdrawn": "behörigheten har tagits bort hos Fortnox",
    "authentication_failed": "Fortnox nekade åtkomst med vår token",
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
