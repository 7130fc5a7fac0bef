"""Rendering in worker processes gives exactly the pages rendering in one process gives."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_incremental import assert_same

from politiradet.common import parallel

ROOT = Path(__file__).resolve().parent.parent


def _in_fresh_process(script: str, *args: str) -> str:
    """Run *script* in a new Python process: this test process may already run threads (the
    browser, servers, pytest-xdist's own), and ordered_map rightly refuses to fork a threaded
    process, so in here every map would stay in one process."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


EAGER = """
    import os
    from politiradet.common import parallel
    parallel.MIN_ITEMS = 1
    parallel.CHUNK = 3  # 64 items: a short last chunk
    os.environ['POLITIRADET_JOBS'] = '2'
"""


def test_ordered_map_uses_workers_and_keeps_order() -> None:
    out = _in_fresh_process(EAGER + """
    results = list(parallel.ordered_map(lambda i: (i, os.getpid()), list(range(64))))
    assert [i for i, _ in results] == list(range(64)), results
    print(len({pid for _, pid in results} - {os.getpid()}), parallel.forked_maps)
    """)
    workers, forked = map(int, out.split())
    assert workers >= 1, "no worker process did any of the work"
    assert forked == 1


def test_one_job_stays_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setenv("POLITIRADET_JOBS", "1")
    before = parallel.forked_maps
    assert {pid for pid in parallel.ordered_map(lambda _: os.getpid(), range(40))} == {
        os.getpid()}
    assert parallel.forked_maps == before


def test_worker_errors_reach_the_build() -> None:
    """Many times over: winding the pool down after an error once hung in about one map of
    500 under load (``Pool.terminate`` killed a worker holding the result queue's lock)."""
    out = _in_fresh_process(EAGER + """
    def fail(item):
        if os.getpid() != parent:
            raise ValueError(f"feil i {item}")
        return item
    parent = os.getpid()
    for _ in range(100):
        try:
            list(parallel.ordered_map(fail, list(range(8))))
        except ValueError as error:
            print(error, parallel.forked_maps)
    """)
    lines = out.splitlines()
    assert len(lines) == 100 and all(line.startswith("feil i ") for line in lines), out
    assert lines[-1].split()[-1] == "100", out


def test_a_map_left_unread_skips_what_is_left(tmp_path: Path) -> None:
    """A caller that stops reading (an error in the stage that takes the results) does not
    wait for the workers to do every item."""
    out = _in_fresh_process(EAGER + """
    import sys, time
    from pathlib import Path
    done = Path(sys.argv[1])
    def work(item):
        (done / str(item)).touch()
        time.sleep(0.2)
        return item
    results = parallel.ordered_map(work, list(range(64)))
    print(next(results))
    results.close()
    print(len(list(done.iterdir())))
    """, str(tmp_path))
    first, done = map(int, out.split())
    assert first == 0 and done < 64, out


def test_a_map_stopped_by_a_signal_ends_its_workers_without_a_word() -> None:
    """The preview stops on SIGTERM by raising KeyboardInterrupt from its handler; the map
    then ends its pool, whose workers had inherited that handler: each raised
    KeyboardInterrupt too and printed its traceback. Many times over, as the signal can come
    at any moment of the map. A signal raised inside the pool's own code left a lock held, and
    winding the pool down then waited for ever (one map in some hundreds under load)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(EAGER + """
    import signal, time
    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    parent = os.getpid()
    def work(item):
        if item == 3:  # the parent is waiting for results: the signal comes inside the map
            os.kill(parent, signal.SIGTERM)
        time.sleep(0.01)
        return item
    for _ in range(200):
        try:
            list(parallel.ordered_map(work, list(range(64))))
        except KeyboardInterrupt:
            print("avbrutt")
    """)], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.stdout.split() == ["avbrutt"] * 200, (done.returncode, done.stderr)
    assert done.stderr == ""


def test_parallel_build_equals_serial_build(valid_content: Path, tmp_path: Path) -> None:
    out = _in_fresh_process(EAGER + """
    import sys
    from pathlib import Path
    from politiradet.pipeline import Paths, build
    content, out = Path(sys.argv[1]), Path(sys.argv[2])
    build(Paths(content=content, out=out / 'parallell'), use_cache=False)
    forked = parallel.forked_maps
    os.environ['POLITIRADET_JOBS'] = '1'
    build(Paths(content=content, out=out / 'seriell'), use_cache=False)
    print(forked, parallel.forked_maps - forked)
    """, str(valid_content), str(tmp_path))
    in_workers, serial = map(int, out.split())
    assert in_workers >= 2 and serial == 0, "compile and render in workers, then neither"
    assert_same(tmp_path / "parallell", tmp_path / "seriell")


def test_search_records_made_in_workers_are_those_made_in_one_process(
        valid_content: Path) -> None:
    out = _in_fresh_process(EAGER + """
    import json, sys
    from pathlib import Path
    from politiradet.pipeline import Paths, check
    from politiradet.stages import search
    archive, problems = check(Paths(content=Path(sys.argv[1])), use_cache=False)
    assert not problems, problems
    before = parallel.forked_maps
    def fragments():
        return sorted(json.dumps(search.read_fragment(data), sort_keys=True)
                      for path, data, _entry in search.bundle(archive, search.BASE,
                                                              search.entries(archive))
                      if path.endswith('.pf_fragment'))
    forked = fragments()
    in_workers = parallel.forked_maps
    os.environ['POLITIRADET_JOBS'] = '1'
    assert forked == fragments()
    print(in_workers - before, parallel.forked_maps - in_workers, len(forked))
    """, str(valid_content))
    in_workers, serial, records = map(int, out.split())
    assert (in_workers, serial) == (1, 0) and records > 1, out
