"""Rendering in worker processes gives exactly the pages rendering in one process gives."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from politiradet import parallel
from politiradet.pipeline import Paths, build
from tests.test_incremental import assert_same

needs_single_thread = pytest.mark.skipif(
    threading.active_count() > 1, reason="ordered_map stays in one process when threads run")


@pytest.fixture
def eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use two workers even for the handful of documents in a fixture."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "CHUNK", 1)
    monkeypatch.setenv("POLITIRADET_JOBS", "2")


@needs_single_thread
def test_ordered_map_uses_workers_and_keeps_order(eager: None) -> None:
    results = list(parallel.ordered_map(lambda i: (i, os.getpid()), list(range(64))))
    assert [i for i, _ in results] == list(range(64))
    assert {pid for _, pid in results} - {os.getpid()}


def test_one_job_stays_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setenv("POLITIRADET_JOBS", "1")
    assert {pid for pid in parallel.ordered_map(lambda _: os.getpid(), range(40))} == {
        os.getpid()}


def test_worker_errors_reach_the_build(eager: None) -> None:
    def fail(item: int) -> int:
        raise ValueError(f"feil i {item}")
    with pytest.raises(ValueError, match="feil i"):
        list(parallel.ordered_map(fail, list(range(8))))


@needs_single_thread
def test_parallel_build_equals_serial_build(valid_content: Path, tmp_path: Path,
                                            eager: None, monkeypatch: pytest.MonkeyPatch) -> None:
    build(Paths(content=valid_content, out=tmp_path / "parallell"), use_cache=False)
    monkeypatch.setenv("POLITIRADET_JOBS", "1")
    build(Paths(content=valid_content, out=tmp_path / "seriell"), use_cache=False)
    assert_same(tmp_path / "parallell", tmp_path / "seriell")
