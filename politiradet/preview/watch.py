"""Watch the source folders and call back once per burst of saves (debounced); run the
preview's builds one after another in a thread of their own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

QUIET_SECONDS = 0.05
"""A burst of file events ends after this long without a new one."""
SETTLED_SECONDS = 0.01
"""… or after this long when its last event finished a file (closed after writing, or renamed
into place): the file is complete, only a second file saved at the same moment is waited for."""
FINISHING_EVENTS = frozenset({"closed", "moved"})

WRITE_EVENTS = frozenset({"created", "deleted", "modified", "moved", "closed"})
"""Event types that change a file; reads (``opened``, ``closed_no_write``) are ignored, or the
build's own reading of the templates would trigger the next build."""

SCRATCH_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", "~", ".part", ".crdownload")


def is_scratch(path: Path) -> bool:
    """Editor swap and backup files, hidden files and vim's «4913» probe: never worth a build."""
    name = path.name
    return name.startswith((".", "#")) or name.endswith(SCRATCH_SUFFIXES) or name == "4913"


class _Background:
    """A daemon thread running :meth:`_run`, woken through the condition ``_wake``; stopping
    sets ``_stopped`` and wakes it."""

    def __init__(self, name: str) -> None:
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: float | None = 5) -> None:
        """Stop, and wait for the thread to end (at most *wait* seconds; None: until it does)."""
        with self._wake:
            self._stopped = True
            self._wake.notify_all()
        self._thread.join(timeout=wait)

    @property
    def alive(self) -> bool:
        """Whether the thread still runs (after :meth:`stop`: whether its last run goes on)."""
        return self._thread.is_alive()

    def _run(self) -> None:
        raise NotImplementedError


class Debouncer(_Background):
    """Collect changed paths and hand them to *action* once they have been quiet for a while.

    *action* runs in a single background thread, so builds never overlap.
    """

    def __init__(self, action: Callable[[set[Path]], None], quiet: float = QUIET_SECONDS,
                 settled: float = SETTLED_SECONDS) -> None:
        super().__init__("ombygging")
        self._action, self._quiet, self._settled = action, quiet, settled
        self._pending: set[Path] = set()
        self._deadline = 0.0

    def add(self, path: Path, finished: bool = False) -> None:
        """Note a change of *path*; *finished* when the event completed the file."""
        with self._wake:
            self._pending.add(path)
            self._deadline = time.monotonic() + (self._settled if finished else self._quiet)
            self._wake.notify_all()

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            self._action(batch)

    def _next_batch(self) -> set[Path] | None:
        """Wait for a change, then for the burst to go quiet; None when stopped."""
        with self._wake:
            self._wake.wait_for(lambda: self._stopped or bool(self._pending))
            while not self._stopped:
                remaining = self._deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._wake.wait(remaining)
            if self._stopped:
                return None
            batch, self._pending = self._pending, set()
            return batch


class _Handler(FileSystemEventHandler):
    def __init__(self, relevant: Callable[[Path], bool],
                 changed: Callable[[Path, bool], None]) -> None:
        self._relevant, self._changed = relevant, changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in WRITE_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(_text(raw)) if raw else None
            if path is not None and not is_scratch(path) and self._relevant(path):
                self._changed(path, event.event_type in FINISHING_EVENTS)


def _text(raw: str | bytes) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class Watcher:
    """Watch *folders* recursively; report each relevant changed path to *changed*, with
    whether the event finished the file (see :data:`SETTLED_SECONDS`)."""

    def __init__(self, folders: Iterable[Path], relevant: Callable[[Path], bool],
                 changed: Callable[[Path, bool], None]) -> None:
        self._observer = Observer()
        handler = _Handler(relevant, changed)
        for folder in folders:
            if folder.is_dir():
                self._observer.schedule(handler, str(folder), recursive=True)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)


class Worker(_Background):
    """Runs *action* in a background thread when asked; any number of requests made while it
    runs lead to one more run after it, so runs never overlap and none is left out."""

    def __init__(self, action: Callable[[], None]) -> None:
        super().__init__("bygging")
        self._action = action
        self._asked = self._running = False

    def request(self) -> None:
        with self._wake:
            self._asked = True
            self._wake.notify_all()

    @property
    def busy(self) -> bool:
        """Whether a run is under way or asked for."""
        with self._wake:
            return self._running or self._asked

    def _run(self) -> None:
        while True:
            with self._wake:
                self._running = False
                self._wake.wait_for(lambda: self._stopped or self._asked)
                if self._stopped:
                    return
                self._asked, self._running = False, True
            self._action()
