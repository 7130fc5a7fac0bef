"""Freezing the heap for a build: nested blocks do not give it back to the collector early,
and the process that ends after a command leaves what it holds out of the shutdown's
collections."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

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


class _Node:
    """An object that can be in a reference cycle and be watched by a weak reference."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def test_leave_keeps_garbage_made_before_out_of_later_collections() -> None:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    watched = weakref.ref(first)
    del first, second  # garbage in a cycle: only a collection frees it
    try:
        heap.leave()
        gc.collect()
        assert watched() is not None  # the shutdown's collections pass it by as well
    finally:
        gc.unfreeze()
    gc.collect()
    assert watched() is None


def test_collect_frees_frozen_cycles_and_leaves_the_rest_out_again() -> None:
    """The preview stays inside one block between builds; :func:`heap.collect` now and then
    frees the cycles of garbage that were frozen with the rest."""
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    watched = weakref.ref(first)
    held = [[] for _ in range(100)]
    with heap.frozen():
        del first, second
        gc.collect()
        assert watched() is not None
        heap.collect()
        assert watched() is None
        assert gc.get_freeze_count() >= 100, "what is held is left out again"
    assert gc.get_freeze_count() == 0
    del held


AFTER_BUILD = """
import gc, runpy, sys
build_py, *args = sys.argv[1:]
sys.argv = [build_py, *args]
try:
    runpy.run_path(build_py, run_name="__main__")
except SystemExit as exc:
    print(exc.code, gc.get_freeze_count())
"""


@pytest.mark.parametrize("script", ["build.py", "bench/_timed_build.py"])
def test_build_py_leaves_the_heap_to_the_end_of_the_process(script: str, tmp_path: Path) -> None:
    """``python build.py build`` ends without a collection walking what the build left (the
    pipeline's own freeze ends with the build): 0.55 s at 10,000 documents. The benchmark's
    build ends the same way, so it measures what an editor waits for."""
    env = {**os.environ, "POLITIRADET_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-c", AFTER_BUILD, str(ROOT / script), "build",
                          "--content", str(FIXTURES / "gyldig"), "--out", str(tmp_path / "site")],
                         capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    code, frozen = run.stdout.split()[-2:]
    assert code == "0", run.stderr
    assert int(frozen) > 10_000


def test_the_documents_are_loaded_without_a_collection(tmp_path: Path) -> None:
    """Loading makes many long-lived objects and no cycles: a collection meanwhile would find
    nothing and walk them all (at 10,000 documents 4 full collections and ~580 others)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    from politiradet.stages.load import load_content

    content = generate.generate(300, tmp_path / "innhold")
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    with heap.frozen():  # as in a build: what the load made is then kept out of collections
        gc.callbacks.append(count)
        try:
            raw, problems = load_content(content)
        finally:
            gc.callbacks.remove(count)
    assert len(raw.documents) == 300 and not problems
    # at most the young collection the collector owes when it is enabled again at the end
    # (it walks none of the documents: they are frozen by then); without the pause, 32
    assert collections in ([], [0])
    assert gc.isenabled()
