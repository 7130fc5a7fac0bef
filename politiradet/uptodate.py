"""The start of every build: where it reads and writes, its timings and report, and whether
the published site is already up to date (:func:`start`).

Light to import on purpose: a build that finds nothing changed is done here, without the
stages and their libraries (YAML, JSON Schema, Markdown, Jinja2, Pagefind), which
:mod:`politiradet.pipeline` imports. ``pipeline`` re-exports everything here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .common import norsk
from .stages import githistory
from .stages.write import guard_out, wait_for_sweep
from .store.database import Store
from .store.site import Site, Summary

if TYPE_CHECKING:
    from .model.archive import Archive

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, step, steps)`` when a build stage starts (step counts from 1)."""

STAGES = ("load", "validate", "compile", "link", "render", "feeds", "index", "write")
"""The stages of a build, in order; ``check`` runs the first four."""


@dataclass(frozen=True, slots=True)
class Paths:
    """Where the pipeline reads and writes."""

    content: Path = Path("content")
    out: Path = Path("site")
    templates: Path = PROJECT_ROOT / "templates"
    schema: Path = PROJECT_ROOT / "schema"


@dataclass(slots=True)
class Timings:
    """Seconds spent in each stage, in pipeline order (a stage may run in parts, as the
    search index's, begun before the pages and collected after the feeds); tells *progress*
    when a stage starts."""

    stages: dict[str, float] = field(default_factory=dict)
    progress: Progress | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress is not None and name not in self.stages:
            self.progress(name, STAGES.index(name) + 1, len(STAGES))
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start
            self.stages = dict(sorted(self.stages.items(), key=lambda item: STAGES.index(item[0])))

    @property
    def total(self) -> float:
        return sum(self.stages.values())


@dataclass(frozen=True, slots=True)
class Report(Summary):
    """What a successful build did: the numbers of :class:`Summary`, and how long it took."""

    timings: Timings = field(default_factory=Timings)
    cached: bool = False
    """True when the output was already up to date and nothing was rebuilt."""
    archive: Archive | None = None
    """The linked archive the site was made from (None when cached): the preview keeps it to
    show a saved document's page before the next full build
    (:mod:`politiradet.preview.quickpage`)."""


@dataclass(frozen=True, slots=True)
class Start:
    """What the start of a build found (see :func:`start`)."""

    timings: Timings
    store: Store | None
    site: Site | None
    """The record of the last build into the output folder (None without the store)."""
    changed: Mapping[str, dt.datetime]
    """The content's git dates."""
    key: str
    """The key of everything the site is made from ("" without the store)."""
    done: Report | None
    """The report of a build that found the published site up to date: nothing to do."""


def start(paths: Paths, base_url: str, progress: Progress | None = None,
          use_cache: bool = True, drafts: bool = False, overwrite: bool = False) -> Start:
    """Refuse an output folder this tool did not make (unless *overwrite*), hash what the
    site is made from, and when the last build into ``paths.out`` had that key and left the
    folder untouched, record what was learnt and report the build done (``Start.done``)."""
    guard_out(paths.out, overwrite)
    timings = Timings(progress=progress)
    store = Store(paths.content) if use_cache else None
    with timings.stage("load"):
        wait_for_sweep(paths.out)
        site = Site(store, paths.out, base_url + ("\0utkast" if drafts else "")) \
            if store else None
        changed = githistory.last_changed(paths.content)
        key = site.inputs.key(inputs(paths), variant(base_url, drafts, changed)) \
            if site else ""
        unchanged = site.hit(key) if site else None
    done = None
    if unchanged is not None and site and store:
        site.refresh()
        store.commit()
        done = Report(unchanged.documents, unchanged.drafts, unchanged.files, unchanged.pages,
                      timings, cached=True)
    return Start(timings, store, site, changed, key, done)


def variant(base_url: str, drafts: bool, changed: Mapping[str, dt.datetime]) -> str:
    """What else the output depends on besides the files: base URL, drafts, git dates and
    the build date (upcoming meetings)."""
    dates = sorted((path, when.isoformat()) for path, when in changed.items())
    return "\0".join((base_url, "utkast" if drafts else "", repr(dates),
                      norsk.build_date().isoformat()))


def inputs(paths: Paths) -> tuple[Path, ...]:
    """Every file the site is made from besides the generator, for the build's key."""
    return (paths.content, paths.templates, paths.schema)
