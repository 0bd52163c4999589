"""Members, roles and the last administrator: the organisation handlers on a fake directory."""

import pytest
from auth.domain import members
from auth.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from auth.handlers.organisation import change_role, remove_member

from .conftest import DEMO_ORG, actor

KAISA = actor("kaisa", "administrator")


def test_an_administrator_removes_a_member_and_the_change_is_published(fake_svc):
    remove_member(fake_svc, KAISA, DEMO_ORG, "olle")
    assert fake_svc.directory.roles[DEMO_ORG] == {"kaisa": "administrator"}
    assert fake_svc.directory.events == [
        (
            "membership.changed",
            DEMO_ORG,
            {"user_id": "olle", "org_id": DEMO_ORG, "change": "removed", "role": None},
        )
    ]


def test_nobody_removes_themselves(fake_svc):
    fake_svc.directory.roles[DEMO_ORG]["olle"] = "administrator"
    with pytest.raises(Conflict):
        remove_member(fake_svc, KAISA, DEMO_ORG, "kaisa")
    assert fake_svc.directory.removed == []


def test_the_last_administrator_cannot_be_removed_or_demoted(fake_svc):
    olle_as_admin = actor("olle", "administrator")  # a session older than his demotion
    with pytest.raises(Conflict):
        remove_member(fake_svc, olle_as_admin, DEMO_ORG, "kaisa")
    with pytest.raises(Conflict):
        change_role(fake_svc, olle_as_admin, DEMO_ORG, "kaisa", "user")
    assert fake_svc.directory.roles[DEMO_ORG]["kaisa"] == "administrator"
    assert fake_svc.directory.events == []


def test_with_two_administrators_either_may_be_demoted(fake_svc):
    change_role(fake_svc, KAISA, DEMO_ORG, "olle", "administrator")
    change_role(fake_svc, KAISA, DEMO_ORG, "kaisa", "user")
    assert fake_svc.directory.roles[DEMO_ORG] == {"kaisa": "user", "olle": "administrator"}
    assert [e[2]["role"] for e in fake_svc.directory.events] == ["administrator", "user"]


def test_giving_a_member_the_role_they_have_changes_and_publishes_nothing(fake_svc):
    change_role(fake_svc, KAISA, DEMO_ORG, "olle", "user")
    assert fake_svc.directory.events == []


def test_a_plain_user_and_another_organisation_are_forbidden(fake_svc):
    with pytest.raises(Forbidden):
        remove_member(fake_svc, actor("olle", "user"), DEMO_ORG, "kaisa")
    with pytest.raises(Forbidden):
        change_role(fake_svc, actor("eve", "administrator", "org-2"), DEMO_ORG, "olle", "user")
    assert fake_svc.directory.roles[DEMO_ORG] == {"kaisa": "administrator", "olle": "user"}


def test_an_unknown_member_is_not_found_and_an_unknown_role_refused(fake_svc):
    with pytest.raises(NotFound):
        remove_member(fake_svc, KAISA, DEMO_ORG, "nobody")
    with pytest.raises(InvalidInput) as refused:
        change_role(fake_svc, KAISA, DEMO_ORG, "olle", "owner")
    assert "role" in refused.value.fields


def test_the_last_administrator_rule_counts_only_administrators():
    assert members.is_last_admin("administrator", ["administrator", "user", "user"])
    assert not members.is_last_admin("administrator", ["administrator", "administrator"])
    assert not members.is_last_admin("user", ["administrator", "user"])
