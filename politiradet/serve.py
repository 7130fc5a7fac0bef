"""Preview server: build into a temporary folder, serve it on loopback, rebuild on save.

``python build.py serve`` builds the site with base URL ``/``, serves it on 127.0.0.1 only, and
watches the content, the templates and the schemas. Each burst of saves leads to one rebuild;
a good rebuild makes the open page reload, a bad one keeps the last good site online and shows
the problems in the page and in the terminal until they are fixed. With ``--utkast`` drafts are
built too, each page marked as a draft; this preview folder is never published.

A save that only changes a document's text is shown first: its page is rendered alone from the
last build (:mod:`politiradet.quickpage`) and the open page reloads; the full rebuild follows
and publishes the rest (lists, feeds), then the search index.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType

from . import livereload, norsk
from .editor.admin import Admin
from .errors import ContentError, Problem, UsageError, os_error_reason
from .load import display
from .pipeline import Paths, Report, build
from .preview_http import PreviewServer
from .progress import progress_line
from .quickpage import QuickPages
from .render import assets
from .watch import Debouncer, Watcher

HOST = "127.0.0.1"
CONTENT_SUFFIXES = frozenset({".md", ".yaml"})
"""Files in the content folder the build reads; other files there cannot change the site."""


class Rebuilder:
    """Runs the pipeline into the preview folder and records the outcome for the browser."""

    def __init__(self, paths: Paths, state: livereload.BuildState, drafts: bool = False) -> None:
        self.paths, self.state, self.drafts = paths, state, drafts
        self.quick = QuickPages(paths.content, paths.templates, paths.schema)

    def relevant(self, path: Path) -> bool:
        """Whether a changed path can affect the site (content files the loader reads, all else)."""
        content = self.paths.content.resolve()
        return (not path.is_relative_to(content) or path.suffix in CONTENT_SUFFIXES
                or path.is_dir())

    def rebuild(self, changed: set[Path]) -> None:
        """Bring the preview up to date with *changed*: copy static files, or build again."""
        names = ", ".join(sorted(display(path) for path in changed)[:3])
        more = f" og {len(changed) - 3} til" if len(changed) > 3 else ""
        if self._only_assets(changed):
            self._copy_assets(changed)
            _say(f"Endret: {names}{more}. Kopiert inn; åpne sider lastes på nytt.")
            return
        seconds = self._show_quickly(changed)
        if seconds is not None:
            _say(f"Endret: {names}. Siden er oppdatert ({seconds * 1000:.0f} ms); bygger resten …")
        else:
            _say(f"Endret: {names}{more}. Bygger på nytt …")
        self.build(styles=any(self._is_asset(path) for path in changed))

    def _show_quickly(self, changed: set[Path]) -> float | None:
        """Publish the saved document's page ahead of the full build, when only its text
        changed and the preview shows no problems; the seconds it took, or None."""
        start = time.perf_counter()
        if self.state.snapshot().problems:
            return None
        try:
            page = self.quick.render(changed)
        except Exception:  # the full build that follows finds and reports the same mistake
            page = None
        if page is None:
            return None
        _replace(self.paths.out / page.path, page.content)
        self.state.succeeded()
        return time.perf_counter() - start

    def _is_asset(self, path: Path) -> bool:
        return path.is_relative_to(self.paths.templates.resolve() / "assets")

    def _only_assets(self, changed: set[Path]) -> bool:
        """Whether every change is an edited static file, so copying it is all a build would do.

        Only after a good build (the site exists and shows no problems); deletions and new files
        go through the full build.
        """
        root = self.paths.templates.resolve() / "assets"
        served = self.paths.out / "assets"
        return (self.state.snapshot().generation > 0 and not self.state.snapshot().problems
                and all(self._is_asset(path) and path.is_file()
                        and (served / path.relative_to(root)).is_file() for path in changed))

    def _copy_assets(self, changed: set[Path]) -> None:
        """Write the changed static files exactly as :func:`render.assets` would, then reload."""
        wanted = {"assets/" + path.relative_to(self.paths.templates.resolve() / "assets")
                  .as_posix() for path in changed}
        for page in assets(self.paths.templates):
            if page.path in wanted:
                _replace(self.paths.out / page.path, page.content)
        self.state.succeeded(styles=True)

    def build(self, styles: bool = False) -> None:
        """Build once; never raise, so a mistake in a file cannot stop the server.

        Pages whose content changed reload as soon as the pages are published (every open page
        with *styles*, when static files changed); the search index follows.
        """
        start = time.perf_counter()
        before = self.state.snapshot()
        self.quick.forget()  # one archive in memory at a time
        try:
            with progress_line() as progress:
                report = build(self.paths, "/", progress, drafts=self.drafts,
                               pages_ready=lambda: self.state.succeeded(styles))
        except ContentError as exc:
            self._failed(exc.problems)
        except Exception as exc:  # a broken template must not stop the server
            self._failed([unexpected_problem(exc, self.paths.templates)])
        else:
            self._succeeded(report, time.perf_counter() - start, before, styles)

    def _succeeded(self, report: Report, seconds: float, before: livereload.Snapshot,
                   styles: bool) -> None:
        if self.state.snapshot().generation == before.generation:  # not yet at pages_ready
            self.state.succeeded(styles)
        fixed = "Feilene er rettet. " if before.problems else ""
        reload = " Endrede sider lastes på nytt." if before.version else ""
        pages = norsk.count(report.pages, "side", "sider")
        _say(f"{fixed}Bygget {pages} på {seconds:.2f} s.{reload}")
        if report.archive is not None:
            try:
                self.quick.update(report.archive)
            except Exception:  # no shortcut then: each save waits for the full build
                self.quick.forget()

    def _failed(self, problems: Sequence[Problem]) -> None:
        self.state.failed(problems)
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} feil. Forhåndsvisningen viser siste vellykkede bygging og "
              f"feilmeldingene, til feilene er rettet.", file=sys.stderr, flush=True)


def _replace(target: Path, content: bytes) -> None:
    """Write *content* to *target* in one step, so a request never sees half a file."""
    staging = target.with_name(f".{target.name}.ny")
    staging.write_bytes(content)
    os.replace(staging, target)


def unexpected_problem(exc: Exception, templates: Path) -> Problem:
    """Turn an error outside the content checks (a template, a schema) into a located problem.

    Jinja puts the template's file and line into the traceback; the innermost one is the spot.
    """
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if Path(frame.filename).is_relative_to(templates.resolve())]
    filename = getattr(exc, "filename", None)
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    if frames:
        filename, line = frames[-1].filename, frames[-1].lineno
    where = display(Path(filename)) if isinstance(filename, str) else "(byggingen)"
    return Problem(where, int(line or 1), int(col or 1),
                   f"byggingen stoppet: {type(exc).__name__}: {exc}")


def serve(paths: Paths, port: int, drafts: bool = False) -> None:
    """Preview the site at http://127.0.0.1:PORT/ until interrupted (Ctrl+C or SIGTERM).

    *drafts* shows drafts as they will look, each page marked as a draft.
    """
    signal.signal(signal.SIGTERM, _interrupt)  # so the temporary folder is always removed
    with tempfile.TemporaryDirectory(prefix="politiradet-forhandsvisning-") as folder:
        state = livereload.BuildState()
        rebuilder = Rebuilder(replace(paths, out=Path(folder) / "site"), state, drafts)
        server = _server(port, rebuilder.paths.out, state, Admin(paths.content, paths.schema))
        rebuilder.build()
        debouncer = Debouncer(rebuilder.rebuild)
        watcher = Watcher(_watched(paths), rebuilder.relevant, debouncer.add)
        _run(server, debouncer, watcher, drafts)


def _server(port: int, site: Path, state: livereload.BuildState, admin: Admin) -> PreviewServer:
    try:
        return PreviewServer((HOST, port), site, state, admin)
    except OSError as exc:
        raise UsageError(f"kan ikke lytte på {HOST}:{port} ({os_error_reason(exc)}). Er "
                         f"forhåndsvisningen alt i gang? Velg en annen port med --port.") from None


def _watched(paths: Paths) -> list[Path]:
    return [paths.content.resolve(), paths.templates.resolve(), paths.schema.resolve()]


def _run(server: PreviewServer, debouncer: Debouncer, watcher: Watcher, drafts: bool) -> None:
    debouncer.start()
    watcher.start()
    _say(f"Forhåndsvisning på http://{HOST}:{server.port}/ – avslutt med Ctrl+C.")
    hint = "" if drafts else " (nye dokumenter er utkast; start med --utkast for å se dem)"
    _say(f"Webredigering på http://{HOST}:{server.port}/admin/{hint}")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        _say("Avslutter forhåndsvisningen.")
    finally:
        watcher.stop()
        debouncer.stop()
        server.state.close()
        server.server_close()


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _say(text: str) -> None:
    print(text, flush=True)
