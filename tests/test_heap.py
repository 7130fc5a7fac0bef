"""Freezing the heap for a build: nested blocks do not give it back to the collector early."""

from __future__ import annotations

import gc

from politiradet.common import heap


def test_only_the_outermost_block_unfreezes() -> None:
    with heap.frozen():
        with heap.frozen():  # a stage's own block (the plan, the link stage, a worker pool)
            pass
        assert gc.get_freeze_count() > 0
        held = [[] for _ in range(100)]
        heap.keep()
        assert gc.get_freeze_count() >= 100
        del held
    assert gc.get_freeze_count() == 0


def test_keep_outside_a_block_changes_nothing_and_paused_restores_the_collector() -> None:
    heap.keep()
    assert gc.get_freeze_count() == 0
    with heap.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
