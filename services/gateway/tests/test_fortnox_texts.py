"""The customer's words for how "Ny Token" ended and what a check found: each says what
Fortnox did, and who can set it right."""

import pytest
from gateway.apps.resultat_finans import texts

TOKENS_REASON_CODES = (
    "not_connected",
    "rate_limited",
    "unavailable",
    "timeout",
    "unreachable",
    "malformed_answer",
    "grant_invalid",
    "consent_withdrawn",
    "authentication_failed",
    "license_missing",
    "migration_refused",
    "refused",
    "refresh_interrupted",
    "refresh_unanswered",
    "client_rejected",
    "request_rejected",
)


@pytest.mark.parametrize("code", TOKENS_REASON_CODES)
def test_every_reason_code_of_the_tokens_service_has_its_own_check_message(code):
    category, text = texts.check_message({"ok": False, "reason_code": code})
    assert category == "error" and text == texts.CHECK_MESSAGES[code]
    assert "svarade inte på kontrollen" not in text


def test_the_codes_here_are_the_tokens_services_own():
    from tokens.domain import answers

    known = {code for group in answers.REASONS.values() for code in group} | {"not_connected"}
    assert set(TOKENS_REASON_CODES) == known == set(texts.CHECK_MESSAGES)


def test_an_organisation_number_mismatch_names_both_numbers():
    answer = {
        "outcome": "organisation_mismatch",
        "company": {"company_name": "Annat AB", "organisation_number": "556677-8899"},
    }
    category, text = texts.outcome_message(answer, "Jlmdata AB", "559192-5788")
    assert category == "error"
    assert "Annat AB, organisationsnummer 556677-8899" in text
    assert "Jlmdata AB (559192-5788)" in text and "återkallats" in text


@pytest.mark.parametrize(
    ("reason_code", "says"),
    [
        ("grant_invalid", "Fortnox tog inte emot inloggningen"),
        ("client_rejected", "Felet ligger hos oss"),
        ("unavailable", "Fortnox svarade inte som väntat"),
    ],
)
def test_a_failed_exchange_says_whether_fortnox_refused_and_whom(reason_code, says):
    answer = {"outcome": "exchange_failed", "reason_code": reason_code}
    assert says in texts.outcome_message(answer, "Jlmdata AB")[1]
