"""``python build.py build …`` as an editor runs it, also saving the stage times as JSON.

bench/run.py starts this as a whole process. ``BENCH_TIMINGS=file`` receives the per-stage
seconds of the build; ``BENCH_PROFILE=file`` profiles the whole process with pyinstrument
and writes its text report (``file``) and an HTML report (``file.html``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _record_timings(target: str) -> None:
    """Wrap the command line's report of a build so its Timings land in *target* as JSON
    (without importing the pipeline: a build that finds nothing changed does not)."""
    from politiradet.commands import cli

    original = cli._print_report

    def print_report(report: Any, paths: Any) -> None:
        Path(target).write_text(json.dumps(report.timings.stages), encoding="utf-8")
        original(report, paths)

    cli._print_report = print_report  # type: ignore[assignment]


def main() -> int:
    profile_to = os.environ.get("BENCH_PROFILE")
    profiler = None
    if profile_to:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.001)
        profiler.start()
    if os.environ.get("BENCH_TIMINGS"):
        _record_timings(os.environ["BENCH_TIMINGS"])
    from politiradet.commands.cli import main as cli_main
    code = cli_main(sys.argv[1:])
    if profiler is not None and profile_to:
        profiler.stop()
        Path(profile_to).write_text(profiler.output_text(unicode=True, color=False),
                                    encoding="utf-8")
        Path(profile_to + ".html").write_text(profiler.output_html(), encoding="utf-8")
    from politiradet.common.heap import leave

    leave()  # as build.py ends: the shutdown does not walk what the build left
    return code


if __name__ == "__main__":
    sys.exit(main())
