"""Preview server: build into a temporary folder, serve it on loopback, rebuild on save.

``python build.py serve`` builds the site with base URL ``/``, serves it on 127.0.0.1 only, and
watches the content, the templates and the schemas. Each burst of saves leads to one rebuild;
a good rebuild makes the open page reload, a bad one keeps the last good site online and shows
the problems in the page and in the terminal until they are fixed. With ``--utkast`` drafts are
built too, each page marked as a draft; this preview folder is never published.

A save that only changes a document's text is shown first: its page is rendered alone from the
last build
(:mod:`politiradet.preview.quickpage`), served from memory ahead of the site folder, and the
open page reloads; the full rebuild follows in a thread of its own and publishes the rest
(lists, feeds), then the search index. Saves made while it runs are shown the same way; the
builds that take them in follow one after the other.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType

from ..commands.progress import progress_line
from ..common import heap, norsk, savefile
from ..editor.admin import Admin
from ..errors import ContentError, Problem, UsageError, os_error_reason
from ..pipeline import Paths, Progress, Report, build
from ..stages.load import display
from ..stages.render import assets
from ..stages.write import forget
from ..store import database
from . import livereload
from .http import Overlay, PreviewServer
from .quickpage import QuickPages
from .watch import Debouncer, Watcher, Worker

HOST = "127.0.0.1"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_WAIT_SECONDS = 60.0
"""How long a stopping preview waits for the build under way to reach its next stage."""
CONTENT_SUFFIXES = frozenset({".md", ".yaml"})
"""Files in the content folder the build reads; other files there cannot change the site."""
COLLECT_EVERY = 50
"""Builds between two full garbage collections of the preview (:meth:`Rebuilder._keep_heap`)."""


class BuildStopped(BaseException):
    """The preview is stopping: the build ends where the next stage would begin, as Ctrl-C
    leaves a build (the site swapped in whole or not at all, the store not written). Not an
    :class:`Exception`, so no handler of a build's mistakes takes it for one."""


class Rebuilder:
    """Runs the pipeline into the preview folder and records the outcome for the browser.

    :meth:`show` is the quick part of a save (a static file copied, or the saved document's
    page shown ahead, in the *overlay*); :meth:`build` the full build, which the server runs
    in a thread of its own so that saves are shown while it works.
    """

    def __init__(self, paths: Paths, state: livereload.BuildState, drafts: bool = False,
                 overlay: Overlay | None = None, stopping: threading.Event | None = None
                 ) -> None:
        self.paths, self.state, self.drafts = paths, state, drafts
        self.overlay = overlay or Overlay()
        self.quick = QuickPages(paths.content, paths.templates, paths.schema)
        self._lock = threading.Lock()
        self._saves = 0
        """Saves seen so far; a build started after save *n* has read it."""
        self._styles = False
        """A static file changed since the last build began: all open pages reload after it."""
        self.stopping = stopping or threading.Event()
        """Set when the preview stops: a build under way ends at its next stage."""
        self._builds = 0

    def relevant(self, path: Path) -> bool:
        """Whether a changed path can affect the site (content files the loader reads, all else)."""
        content = self.paths.content.resolve()
        return (not path.is_relative_to(content) or path.suffix in CONTENT_SUFFIXES
                or path.is_dir())

    def rebuild(self, changed: set[Path]) -> None:
        """Bring the preview up to date with *changed*: :meth:`show`, then :meth:`build` if
        needed, one after the other."""
        if self.show(changed):
            self.build()

    def show(self, changed: set[Path]) -> bool:
        """Show *changed* as far as can be done at once; True when a full build must follow."""
        names = ", ".join(sorted(display(path) for path in changed)[:3])
        more = f" og {len(changed) - 3} til" if len(changed) > 3 else ""
        if self._only_assets(changed):
            self._copy_assets(changed)
            _say(f"Endret: {names}{more}. Kopiert inn; åpne sider lastes på nytt.")
            return False
        with self._lock:
            self._saves += 1
            save = self._saves
            self._styles |= any(self._is_asset(path) for path in changed)
        try:
            seconds = self._show_quickly(changed, save)
        finally:
            database.release()  # nothing of the store held open while the preview waits
        if seconds is not None:
            _say(f"Endret: {names}. Siden er oppdatert ({seconds * 1000:.0f} ms); bygger resten …")
        else:
            self.quick.forget(save)
            _say(f"Endret: {names}{more}. Bygger på nytt …")
        return True

    def _show_quickly(self, changed: set[Path], save: int) -> float | None:
        """Show the saved document's page ahead of the full build, when only its text changed
        and the preview shows no problems; the seconds it took, or None."""
        start = time.perf_counter()
        if self.state.snapshot().problems:
            return None
        try:
            page = self.quick.render(changed, save)
        except Exception:  # the full build that follows finds and reports the same mistake
            page = None
        if page is None:
            return None
        self.overlay.put(page.path, save, page.content)
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
                savefile.replace_atomically(self.paths.out / page.path, page.content)
        self.state.succeeded(styles=True)

    def build(self) -> None:
        """Build once; never raise, so a mistake in a file cannot stop the server.

        Pages whose content changed reload as soon as the pages are published (every open page
        when a static file changed); the search index follows.
        """
        start = time.perf_counter()
        before = self.state.snapshot()
        with self._lock:
            covered, styles, self._styles = self._saves, self._styles, False
        published: list[bool] = []

        def pages_ready() -> None:
            self.overlay.drop_covered(covered)  # the folder has those pages now
            self.state.succeeded(styles)
            published.append(True)
        try:
            with progress_line() as progress:
                report = build(self.paths, "/", self._stoppable(progress), drafts=self.drafts,
                               pages_ready=pages_ready)
        except BuildStopped:
            return
        except ContentError as exc:
            self._failed(exc.problems)
        except Exception as exc:  # a broken template must not stop the server
            self._failed([unexpected_problem(exc, self.paths.templates)])
        else:
            if not published:
                pages_ready()
            self._succeeded(report, time.perf_counter() - start, before, covered)
            return
        finally:
            database.release()  # nothing of the store held open while the preview waits
        # a build that failed halfway: its traceback (Jinja's in cycles of frames) held the
        # archive and the renderer until now, and would stay frozen with the rest
        heap.collect()

    def _stoppable(self, progress: Progress | None) -> Progress:
        """*progress*, which first stops the build (:class:`BuildStopped`) once the preview
        is stopping."""
        def report(stage: str, step: int, steps: int) -> None:
            if self.stopping.is_set():
                raise BuildStopped
            if progress is not None:
                progress(stage, step, steps)
        return report

    def _succeeded(self, report: Report, seconds: float, before: livereload.Snapshot,
                   covered: int) -> None:
        fixed = "Feilene er rettet. " if before.problems else ""
        reload = " Endrede sider lastes på nytt." if before.version else ""
        pages = norsk.count(report.pages, "side", "sider")
        _say(f"{fixed}Bygget {pages} på {seconds:.2f} s.{reload}")
        if report.archive is not None:
            try:
                self.quick.update(report.archive, covered)
            except Exception:  # no shortcut then: each save waits for the full build
                self.quick.forget()
        self._keep_heap()

    def _keep_heap(self) -> None:
        """Leave the archive just taken over out of the garbage collector's full collections
        (:func:`serve` runs inside one :func:`heap.frozen` block), except every
        :data:`COLLECT_EVERY` builds.

        A full collection walks every object: at 10,000 documents the archive's million, 0.6-1 s
        with the interpreter held, set off by the allocations after each build, so the next
        save's shortcut waited for it (save → page 0.9-2 s instead of 0.05-0.1). What the last
        archive held goes by refcounting when the next one is taken over
        (:meth:`Renderer.release`); only a few hundred objects in cycles per build are left to
        the rare full collection here."""
        self._builds += 1
        if self._builds % COLLECT_EVERY == 0:
            heap.collect()
        else:
            heap.keep()

    def _failed(self, problems: Sequence[Problem]) -> None:
        self.state.failed(problems)
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} feil. Forhåndsvisningen viser siste vellykkede bygging og "
              f"feilmeldingene, til feilene er rettet.", file=sys.stderr, flush=True)


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
    stopping = threading.Event()
    _stop_on_signals(stopping)  # before the temporary folder is made: it is always removed
    folder = Path(tempfile.mkdtemp(prefix="politiradet-forhandsvisning-"))
    try:
        _serve(replace(paths, out=folder / "site"), port, drafts, stopping)
    finally:
        forget(folder / "site", folder)  # deleted after the preview has ended


def _serve(paths: Paths, port: int, drafts: bool, stopping: threading.Event) -> None:
    with heap.frozen():  # the last build's archive, between builds (Rebuilder._keep_heap)
        _serve_frozen(paths, port, drafts, stopping)


def _serve_frozen(paths: Paths, port: int, drafts: bool, stopping: threading.Event) -> None:
    state, overlay = livereload.BuildState(), Overlay()
    rebuilder = Rebuilder(paths, state, drafts, overlay, stopping)
    server = _server(port, paths.out, state, Admin(paths.content, paths.schema), overlay, drafts)
    server.stopping = stopping
    rebuilder.build()
    if stopping.is_set():  # the signal's KeyboardInterrupt was lost (_stop_on_signals)
        raise KeyboardInterrupt
    builder = Worker(rebuilder.build)

    def on_change(changed: set[Path]) -> None:
        if rebuilder.show(changed) or builder.busy:  # a running build may miss a copy
            builder.request()
    debouncer = Debouncer(on_change)
    watcher = Watcher(_watched(paths), rebuilder.relevant, debouncer.add)
    _run(server, (builder, debouncer, watcher), drafts)


def _server(port: int, site: Path, state: livereload.BuildState, admin: Admin,
            overlay: Overlay, drafts: bool) -> PreviewServer:
    try:
        return PreviewServer((HOST, port), site, state, admin, overlay, drafts=drafts)
    except OSError as exc:
        raise UsageError(f"kan ikke lytte på {HOST}:{port} ({os_error_reason(exc)}). Er "
                         f"forhåndsvisningen alt i gang? Velg en annen port med --port.") from None


def _watched(paths: Paths) -> list[Path]:
    return [paths.content.resolve(), paths.templates.resolve(), paths.schema.resolve()]


def _run(server: PreviewServer, threads: tuple[Worker, Debouncer, Watcher], drafts: bool
         ) -> None:
    builder = threads[0]
    for thread in threads:
        thread.start()
    _say(f"Forhåndsvisning på http://{HOST}:{server.port}/ – avslutt med Ctrl+C.")
    hint = "" if drafts else " (nye dokumenter er utkast; start med --utkast for å se dem)"
    _say(f"Webredigering på http://{HOST}:{server.port}/admin/{hint}")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        _say("Avslutter forhåndsvisningen.")
    finally:
        server.stopping.set()
        for thread in reversed(threads):
            if thread is builder:
                _stop_builder(builder)
            else:
                thread.stop()
        server.state.close()
        server.server_close()


def _stop_builder(builder: Worker) -> None:
    """Wait for a build under way to stop (at its next stage, :class:`BuildStopped`), so
    nothing writes into the temporary folder while it is deleted; at most
    :data:`STOP_WAIT_SECONDS`, for a build that hangs."""
    builder.stop(wait=1)
    if builder.alive:
        _say("Venter på at byggingen stopper …")
        builder.stop(wait=STOP_WAIT_SECONDS)


def _stop_on_signals(stopping: threading.Event) -> None:
    """Ctrl-C and SIGTERM stop the preview: *stopping* is set, for the build under way, and
    KeyboardInterrupt raised in the main thread (the first build, or the server's loop). Once:
    a second signal must not cut the cleanup short.

    Python runs the handler between any two steps of the main thread, also in a hook where an
    exception is only printed and dropped (``Exception ignored in …``: the hook after a
    ``fork`` of the first build's worker processes), so the server's loop and the first
    build also look at *stopping*."""
    def stop(_signum: int, _frame: FrameType | None) -> None:
        for each in STOP_SIGNALS:
            signal.signal(each, signal.SIG_IGN)
        stopping.set()
        raise KeyboardInterrupt
    for each in STOP_SIGNALS:
        signal.signal(each, stop)


def _say(text: str) -> None:
    print(text, flush=True)
