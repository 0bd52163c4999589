"""The relay's send order: confirms overlap, yet no row overtakes an earlier one of its partition."""

from servicekit.events.ordering import SendOrder
from servicekit.events.pending import PendingEvent


def row(seq: int, partition: str, event_type: str = "probe.recorded") -> PendingEvent:
    return PendingEvent(seq, f"id-{seq}", event_type, 1, partition, "", {}, 0)


def seqs(events: list[PendingEvent]) -> list[int]:
    return [e.seq for e in events]


def test_rows_of_one_partition_and_type_go_out_one_at_a_time_in_seq_order():
    rows = [row(1, "a"), row(2, "a"), row(3, "a")]
    order = SendOrder(rows)
    assert seqs(order.ready()) == [1]
    assert order.ready() == []
    assert seqs(order.settled(rows[0], refused=False)) == [2]
    assert seqs(order.settled(rows[1], refused=False)) == [3]
    assert order.settled(rows[2], refused=False) == []
    assert order.finished()


def test_partitions_go_out_together():
    order = SendOrder([row(3, "b"), row(1, "a"), row(2, "c"), row(4, "a")])
    assert sorted(seqs(order.ready())) == [1, 2, 3]


def test_other_types_of_a_partition_overlap_but_never_pass_an_earlier_row():
    rows = [row(1, "a", "x.one"), row(2, "a", "x.two"), row(3, "a", "x.one"), row(4, "a", "x.two")]
    order = SendOrder(rows)
    assert seqs(order.ready()) == [1, 2]
    # Row 3 waits for row 1 (its type), and row 4 waits behind row 3.
    assert seqs(order.settled(rows[1], refused=False)) == []
    assert seqs(order.settled(rows[0], refused=False)) == [3, 4]


def test_a_refused_row_holds_back_the_later_rows_of_its_type_in_its_partition_only():
    rows = [
        row(1, "a", "x.one"),
        row(2, "b", "x.one"),
        row(3, "a", "x.one"),
        row(4, "a", "x.two"),
        row(5, "b", "x.one"),
    ]
    order = SendOrder(rows)
    assert seqs(order.ready()) == [1, 2]
    assert seqs(order.settled(rows[0], refused=True)) == [4]  # 3 stays pending
    assert seqs(order.settled(rows[1], refused=False)) == [5]
    order.settled(rows[3], refused=False)
    order.settled(rows[4], refused=False)
    assert order.finished()


def test_an_empty_batch_is_finished_at_once():
    order = SendOrder([])
    assert order.ready() == [] and order.finished()


def test_a_batch_is_not_finished_while_a_row_awaits_its_confirm():
    rows = [row(1, "a")]
    order = SendOrder(rows)
    order.ready()
    assert not order.finished()
    order.settled(rows[0], refused=False)
    assert order.finished()
