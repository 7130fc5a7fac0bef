"""Memory of a build, by stage: ``python bench/memory.py --content CORPUS --out SITE``.

Runs ``build`` as a child process (``bench/_timed_build.py``) and samples, every 20 ms, the
resident set (RSS) of every process in its tree. The build tells at each stage's start and end
(:class:`politiradet.pipeline.Timings`) what stage it is in, its own RSS, and its peak RSS since
the stage began (``VmHWM``, reset at each stage start through ``/proc/self/clear_refs``), so the
main process's peak per stage is exact and the workers' and Pagefind's are sampled. No thread
runs in the build itself (the parallel map stays in one process when another thread runs).

``--trace N`` also takes a :mod:`tracemalloc` snapshot at each stage's end in the build and
prints the N lines that hold the most memory then (tracing slows the build two to three times
and adds its own memory, so the RSS figures of a traced run are not the ones to quote).
``--json FILE`` writes the figures. Compare two sizes with ``--compare A.json B.json``: MB per
1,000 documents for each stage, and the stage's peak extrapolated to 100,000 documents.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from run import _memory_kb, _name, _tree  # noqa: E402

# --- in the build ----------------------------------------------------------------------------

def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _install_hooks(events: str, trace: int) -> None:
    """Wrap Timings.stage so each stage's start and end are written to *events* as JSON."""
    import tracemalloc
    from contextlib import contextmanager

    from politiradet import pipeline
    from politiradet.common.parallel import release_memory

    if trace:
        tracemalloc.start()
    sink = open(events, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (lives with the build)
    original = pipeline.Timings.stage

    def emit(**event: Any) -> None:
        sink.write(json.dumps({"t": time.time(), "rss": _status_kb("VmRSS"),
                               "hwm": _status_kb("VmHWM"), **event}) + "\n")

    @contextmanager
    def stage(self: Any, name: str) -> Any:
        emit(event="start", stage=name)
        _reset_peak()
        with original(self, name):
            yield
        trimmed = {}
        if os.environ.get("MEMORY_TRIM"):
            release_memory()
            trimmed = {"trimmed": _status_kb("VmRSS")}
        emit(event="end", stage=name, **trimmed, **_traced(trace))

    pipeline.Timings.stage = stage  # type: ignore[method-assign]


def _traced(trace: int) -> dict[str, Any]:
    import tracemalloc

    if not trace or not tracemalloc.is_tracing():
        return {}
    snapshot = tracemalloc.take_snapshot()
    stats = snapshot.statistics("lineno")
    top = [{"where": f"{s.traceback[0].filename.split('/politiradet/')[-1]}:"
                     f"{s.traceback[0].lineno}", "mb": s.size / 2**20, "count": s.count}
           for s in stats[:trace]]
    return {"traced_mb": sum(s.size for s in stats) / 2**20, "top": top}


def child(argv: list[str]) -> int:
    _install_hooks(os.environ["MEMORY_EVENTS"], int(os.environ.get("MEMORY_TRACE", "0")))
    sys.argv = [str(BENCH / "_timed_build.py"), *argv]
    import runpy
    try:
        runpy.run_path(str(BENCH / "_timed_build.py"), run_name="__main__")
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


# --- around the build ------------------------------------------------------------------------

class Stages:
    """What was measured, stage by stage (a stage entered twice is one stage)."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.main: dict[str, dict[str, float]] = {}
        self.others: dict[str, dict[str, float]] = {}
        self.top: dict[str, list[dict[str, Any]]] = {}
        self.current = "start"
        self.seconds: dict[str, float] = {}
        self._began = 0.0

    def event(self, event: dict[str, Any]) -> None:
        name = event["stage"]
        if name not in self.order:
            self.order.append(name)
        main = self.main.setdefault(name, {"start": event["rss"] / 1024, "end": 0.0, "peak": 0.0})
        if event["event"] == "start":
            self.current, self._began = name, event["t"]
            return
        self.seconds[name] = self.seconds.get(name, 0.0) + event["t"] - self._began
        main["end"] = event["rss"] / 1024
        main["peak"] = max(main["peak"], event["hwm"] / 1024)
        if "trimmed" in event:
            main["trimmed"] = event["trimmed"] / 1024
        if "traced_mb" in event:
            main["traced"] = event["traced_mb"]
            self.top[name] = event["top"]
        self.current = "between"

    def sample(self, root: int) -> None:
        """The RSS of every process under the build's (not the build's own: its VmHWM is exact)."""
        found = self.others.setdefault(self.current, {})
        for pid in _tree(root)[1:]:
            name = _name(pid)
            kind = "worker" if name.startswith("python") else name
            found[kind] = max(found.get(kind, 0.0), _memory_kb(pid) / 1024)


def measure(argv: list[str], trace: int, env: dict[str, str]) -> tuple[Stages, float, int]:
    stages = Stages()
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        events = Path(handle.name)
    full_env = {**os.environ, **env, "MEMORY_EVENTS": str(events), "MEMORY_TRACE": str(trace)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", *argv], env=full_env, cwd=ROOT)
    seen = 0
    while True:
        done = proc.poll() is not None
        lines = events.read_text(encoding="utf-8").splitlines()
        complete = [line for line in lines[seen:] if line.endswith("}")]
        for line in complete:
            stages.event(json.loads(line))
        seen += len(complete)
        if done:
            break
        stages.sample(proc.pid)
        time.sleep(0.02)
    events.unlink()
    return stages, time.perf_counter() - start, proc.returncode


def report(stages: Stages, seconds: float, documents: int) -> dict[str, Any]:
    rows = {}
    for name in stages.order:
        main = stages.main[name]
        rows[name] = {**{k: round(v, 1) for k, v in main.items()},
                      "seconds": round(stages.seconds.get(name, 0.0), 1),
                      **{k: round(v, 1) for k, v in stages.others.get(name, {}).items()}}
    return {"documents": documents, "seconds": round(seconds, 1), "stages": rows,
            "top": stages.top, "load": os.getloadavg()}


def show(result: dict[str, Any]) -> None:
    print(f"\n{result['documents']} documents, {result['seconds']} s, "
          f"load {' '.join(f'{x:.1f}' for x in result['load'])}")
    print(f"{'stage':10} {'s':>6} {'start':>7} {'peak':>7} {'end':>7} {'traced':>7} "
          f"{'trimmed':>7}  others (MB)")
    for name, row in result["stages"].items():
        others = ", ".join(f"{k} {v:.0f}" for k, v in row.items()
                           if k not in ("start", "peak", "end", "traced", "trimmed", "seconds"))
        print(f"{name:10} {row['seconds']:6.1f} {row['start']:7.0f} {row['peak']:7.0f} "
              f"{row['end']:7.0f} {row.get('traced', 0):7.0f} {row.get('trimmed', 0):7.0f}  "
              f"{others}")
    for name, top in result["top"].items():
        print(f"\n-- held at the end of {name}")
        for entry in top:
            print(f"  {entry['mb']:8.1f} MB {entry['count']:9d}  {entry['where']}")


def compare(small: dict[str, Any], large: dict[str, Any], target: int = 100_000) -> None:
    """MB per 1,000 documents between two sizes, and each stage's peak extrapolated."""
    n1, n2 = small["documents"], large["documents"]
    print(f"\n{'stage':10} {'peak ' + str(n1):>11} {'peak ' + str(n2):>11} {'MB/1000':>8} "
          f"{'at ' + str(target):>11}  (main process; workers at {n2})")
    for name, row in large["stages"].items():
        if name not in small["stages"]:
            continue
        a, b = small["stages"][name]["peak"], row["peak"]
        slope = (b - a) / (n2 - n1) * 1000
        worker = row.get("worker", 0)
        print(f"{name:10} {a:11.0f} {b:11.0f} {slope:8.1f} {b + slope * (target - n2) / 1000:11.0f}"
              f"  {worker:.0f}")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--documents", type=int, default=0,
                        help="how many documents the corpus has (for --compare)")
    parser.add_argument("--trace", type=int, default=0, metavar="N")
    parser.add_argument("--trim", action="store_true",
                        help="give freed memory back to the system (malloc_trim) at each stage's "
                             "end, and show the RSS after it: what is held, not what was freed")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    if args.compare:
        small, large = (json.loads(p.read_text()) for p in args.compare)
        compare(small, large)
        return 0
    documents = args.documents or sum(1 for _ in args.content.rglob("*.md"))
    stages, seconds, code = measure(["build", "--content", str(args.content), "--out",
                                     str(args.out)], args.trace,
                                    {"MEMORY_TRIM": "1"} if args.trim else {})
    result = report(stages, seconds, documents)
    show(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
