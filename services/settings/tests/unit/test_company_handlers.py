"""Company info from the tokens service's events and its status API, on fakes of both."""

from datetime import UTC, datetime

import pytest
from settings.domain.errors import TokensUnavailable
from settings.handlers import company

ORG = "5d0c4f0e-8a3e-4d7b-9a57-0d3c9f1e2a10"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
FACTS = {"company_name": "Jlmdata AB", "organisation_number": "559192-5788"}


def company_updated(version: int, name: str, minutes: int) -> dict:
    data = FACTS | {"company_name": name, "database_number": "900232", "version": version}
    return {
        "type": "company.updated",
        "org_id": ORG,
        "occurred_at": T0,
        "data": data | {"observed_at": T0.replace(minute=minutes)},
    }


def test_an_older_company_updated_never_sets_back_a_newer_one(svc, deliver):
    deliver(company_updated(2, "Nya namnet AB", minutes=5))
    deliver(company_updated(1, "Gamla namnet AB", minutes=1))
    info = company.current(svc, ORG)
    assert (info.company_name, info.version) == ("Nya namnet AB", 2)


def test_a_connection_event_without_company_facts_keeps_nothing(svc, deliver):
    envelope = {"type": "token.connected", "org_id": ORG, "occurred_at": T0, "data": {}}
    deliver(envelope)
    assert company.current(svc, ORG) is None


def test_a_connection_event_with_facts_keeps_them_as_of_the_event(svc, deliver):
    data = FACTS | {"database_number": "900232"}
    deliver({"type": "token.upgraded", "org_id": ORG, "occurred_at": T0, "data": data})
    info = company.current(svc, ORG)
    assert (info.company_name, info.as_of, info.source) == ("Jlmdata AB", T0, "token.upgraded")


def test_a_rebuild_keeps_the_answer_as_of_when_it_asked(svc):
    svc.tokens.answer = FACTS | {"state": "connected", "database_number": "900232"}
    info = company.rebuild(svc, ORG)
    assert (info.company_name, info.as_of, info.source) == ("Jlmdata AB", svc.clock(), "rebuild")
    assert company.current(svc, ORG) == info


def test_a_rebuild_of_an_organisation_without_fortnox_keeps_what_is_known(svc, deliver):
    deliver(company_updated(1, "Jlmdata AB", minutes=1))
    known = company.current(svc, ORG)
    assert company.rebuild(svc, ORG) == known


def test_a_rebuild_while_the_tokens_service_is_down_changes_nothing(svc):
    svc.tokens.down = True
    with pytest.raises(TokensUnavailable):
        company.rebuild(svc, ORG)
    assert company.current(svc, ORG) is None


def test_a_rebuild_without_settings_own_key_is_tokens_unavailable(svc):
    svc.tokens = None
    with pytest.raises(TokensUnavailable):
        company.rebuild(svc, ORG)
