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
