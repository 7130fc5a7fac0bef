"""Rendering in worker processes gives exactly the pages rendering in one process gives."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_incremental import assert_same

from politiradet.common import parallel

ROOT = Path(__file__).resolve().parent.parent



@pytest.fixture
def eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use two workers even for the handful of documents in a fixture."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "CHUNK", 1)
    monkeypatch.setenv("POLITIRADET_JOBS", "2")


def test_ordered_map_uses_workers_and_keeps_order() -> None:
    # In a fresh process: this test process may already run threads (browser, servers),
    # and ordered_map rightly refuses to fork a threaded process.
    script = (
        "import os\n"
        "from politiradet.common import parallel\n"
        "parallel.MIN_ITEMS = 1\n"
        "parallel.CHUNK = 1\n"
        "os.environ['POLITIRADET_JOBS'] = '2'\n"
        "results = list(parallel.ordered_map(lambda i: (i, os.getpid()), list(range(64))))\n"
        "assert [i for i, _ in results] == list(range(64)), results\n"
        "print(len({pid for _, pid in results} - {os.getpid()}))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 1, "no worker process did any of the work"


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


def test_parallel_build_equals_serial_build(valid_content: Path, tmp_path: Path) -> None:
    # In a fresh process, so the forked workers really run (see above).
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from politiradet.common import parallel\n"
        "from politiradet.pipeline import Paths, build\n"
        "parallel.MIN_ITEMS = 1\n"
        "parallel.CHUNK = 1\n"
        "content, out = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "os.environ['POLITIRADET_JOBS'] = '2'\n"
        "build(Paths(content=content, out=out / 'parallell'), use_cache=False)\n"
        "os.environ['POLITIRADET_JOBS'] = '1'\n"
        "build(Paths(content=content, out=out / 'seriell'), use_cache=False)\n")
    done = subprocess.run([sys.executable, "-c", script, str(valid_content), str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_same(tmp_path / "parallell", tmp_path / "seriell")
