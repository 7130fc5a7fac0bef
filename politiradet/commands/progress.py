"""Show which build stage runs, as a count on one terminal line; silent when output is piped."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from ..uptodate import Progress

STAGE_LABELS = {
    "load": "leser innholdet",
    "validate": "kontrollerer innholdet",
    "compile": "gjør teksten om til HTML",
    "link": "kontrollerer lenkene",
    "render": "lager sidene",
    "feeds": "lager strømmer og åpne data",
    "index": "lager søkeindeksen",
    "write": "skriver nettstedet",
}


@contextmanager
def progress_line(stream: TextIO | None = None) -> Iterator[Progress | None]:
    """Yield a callback that rewrites one line of *stream* (stderr), or None when not a terminal.

    The line is wiped on leaving, so messages printed afterwards start on a clean line.
    """
    out = stream or sys.stderr
    if not out.isatty():
        yield None
        return

    def show(stage: str, step: int, steps: int) -> None:
        out.write(f"\r\033[K[{step}/{steps}] {STAGE_LABELS.get(stage, stage)} …")
        out.flush()

    try:
        yield show
    finally:
        out.write("\r\033[K")
        out.flush()
