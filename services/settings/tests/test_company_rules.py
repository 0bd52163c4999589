"""Company info: an older company.updated never overwrites a newer one."""

from datetime import UTC, datetime, timedelta

from settings.domain.company import CompanyInfo, Observation, merge

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _updated(version: int, name: str, minutes: int) -> Observation:
    return Observation(
        name, "559192-5788", "900232", T0 + timedelta(minutes=minutes), "company.updated", version
    )


def _token(name: str, minutes: int, source: str = "token.upgraded") -> Observation:
    return Observation(name, "559192-5788", "900232", T0 + timedelta(minutes=minutes), source)


def _apply(*observations: Observation) -> CompanyInfo | None:
    info = None
    for seen in observations:
        info = merge(info, seen) or info
    return info


def test_versions_in_order_end_with_the_newest():
    assert _apply(_updated(1, "A", 0), _updated(2, "B", 1)).company_name == "B"


def test_an_older_version_arriving_late_is_ignored():
    info = _apply(_updated(2, "B", 1), _updated(1, "A", 0))
    assert (info.company_name, info.version) == ("B", 2)


def test_the_same_version_twice_changes_nothing():
    info = _apply(_updated(1, "A", 0))
    assert merge(info, _updated(1, "A", 0)) is None


def test_token_events_fill_in_and_confirm_but_never_undo_a_newer_version():
    info = _apply(_token("A", 0, "token.connected"), _updated(3, "B", 5))
    assert (info.company_name, info.version, info.source) == ("B", 3, "company.updated")
    late = merge(info, _token("A", 1))
    assert late is None


def test_a_newer_token_event_wins_over_an_older_version_that_arrives_after_it():
    info = _apply(_updated(1, "A", 0), _token("C", 10), _updated(2, "B", 5))
    assert (info.company_name, info.version, info.source) == ("C", 2, "token.upgraded")
    assert merge(info, _updated(2, "B", 5)) is None


def test_a_rebuild_with_the_same_facts_later_only_moves_as_of():
    info = _apply(_updated(1, "A", 0))
    rebuilt = merge(
        info, Observation("A", "559192-5788", "900232", T0 + timedelta(hours=1), "rebuild")
    )
    assert (rebuilt.company_name, rebuilt.version, rebuilt.source) == ("A", 1, "rebuild")
