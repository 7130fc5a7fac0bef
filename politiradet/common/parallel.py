"""Spread independent work over the machine's cores with forked worker processes.

Forked workers inherit the parsed archive and the template environment as they are, so
nothing large is sent to them; only each result (a page's bytes) comes back. Results come
back in input order, so output never depends on scheduling. Small jobs, machines with one
core, and processes that already run other threads (the preview server: forking a threaded
process can deadlock) stay in one process. ``POLITIRADET_JOBS=1`` forces one process.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from .heap import frozen

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 200
"""Below this many items, starting workers costs more than it saves."""
CHUNK = 16

_work: tuple[Callable[[Any], Any], Sequence[Any], Any] | None = None
"""The function and items of the running map and its cancel event, set before forking so
workers inherit them."""
forked_maps = 0
"""How many maps of this process ran in worker processes: a map in one process gives the same
results, so this is how a test (or a profile) knows that the workers really ran."""


def jobs() -> int:
    """How many processes to use: ``POLITIRADET_JOBS``, else the cores this process may use."""
    configured = os.environ.get("POLITIRADET_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def ordered_map(function: Callable[[Item], Result], items: Sequence[Item]) -> Iterator[Result]:
    """``map(function, items)``, in worker processes when that pays off."""
    workers = min(jobs(), max(1, len(items) // CHUNK))
    if (workers < 2 or len(items) < MIN_ITEMS or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        yield from map(function, items)
        return
    global _work, forked_maps
    context = multiprocessing.get_context("fork")
    cancel = context.Event()
    _work = (function, items, cancel)
    _one_heap()
    pool = chunks = None
    with frozen():  # workers' garbage collector then leaves the inherited objects' pages shared
        try:
            # the pool's threads and workers start with the stops held, so only this thread
            # takes them, and only where _held lets them through
            mask = _signal_mask()
            try:
                signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
                pool = context.Pool(workers, initializer=_worker_signals)
                # chunked here, not by imap: with a chunksize it returns a plain generator,
                # which cannot wait with a timeout
                chunks = pool.imap(_call, range(0, len(items), CHUNK))
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            forked_maps += 1
            for _ in range(0, len(items), CHUNK):
                yield from _next(chunks)
        except BaseException:  # a worker's error, the caller stopped reading, or Ctrl-C
            if pool is not None:
                _wind_down(pool, cancel)
            raise
        else:
            _held(pool.close)
            pool.join()
        finally:
            _work = None
            mask = _signal_mask()
            try:
                signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
                pool = chunks = None  # Pool.__del__ interrupted swallowed the stop
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            release_memory()


STOPS = frozenset({signal.SIGINT, signal.SIGTERM})
"""The signals that stop a build: Ctrl-C, and the preview's SIGTERM (its handler raises
KeyboardInterrupt)."""
POLL = 0.1
"""Seconds the parent waits for a result with the stops held before it lets them through."""


def _next(results: Any) -> Any:
    """The next result of *results* (a pool's ``imap`` iterator), waited for with the stops
    held (:func:`_held`), ``POLL`` seconds at a time."""
    while True:
        try:
            return _held(functools.partial(results.next, POLL))
        except multiprocessing.TimeoutError:
            pass


def _held(work: Callable[[], Result]) -> Result:
    """``work()`` (the pool's own code) with Ctrl-C and SIGTERM held; a stop that came
    meanwhile is raised as they are let through again, in our code.

    A KeyboardInterrupt raised inside the pool's code can leave a lock held: raised in
    ``IMapIterator.next``, the result handler thread then waited for it for ever, and so did
    winding the pool down (one map in some hundreds, stopped by a signal under load); raised
    in ``Event.set``, the workers waited for ever in ``Event.is_set``. The mask is taken
    before and put back in ``finally``: holding raises a stop that came just before it, with
    the stops already held, and they must not stay held for good (every later map then ran to
    its end)."""
    mask = _signal_mask()
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
        return work()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _signal_mask() -> set[signal.Signals | int]:
    """This thread's signal mask, unchanged."""
    return signal.pthread_sigmask(signal.SIG_BLOCK, ())


def _worker_signals() -> None:
    """In a worker: Ctrl-C is ignored (the parent has it too, and winds the pool down) and
    SIGTERM ends the worker at once. A handler inherited from the parent (the preview's, which
    raises KeyboardInterrupt) printed a traceback from each worker. The worker was forked with
    the stops held (``ordered_map``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)


def _wind_down(pool: Any, cancel: Any) -> None:
    """Stop *pool* after a worker's error: the items not yet done are skipped (*cancel*) and
    the workers leave when the queue is empty. Not ``Pool.terminate``: it kills workers that may
    be sending a result, holding the queue's lock, and then waits for that lock for ever (one
    map in about 500 under load hung so)."""
    def stop() -> None:
        cancel.set()
        pool.close()
    _held(stop)
    pool.join()  # interrupted, a join leaves no lock held (Thread.join releases its own)


M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the number of heaps (arenas) threads may allocate from."""


@functools.cache
def _one_heap() -> None:
    """Let the pool's threads allocate from the main thread's heap (glibc's arenas): a
    result is taken in by such a thread and freed by the main one, and memory freed in a
    thread's own heap is never reused by the main thread (at 2,000 documents the feeds'
    peak fell from 253 to 208 MB with one heap). The threads spend their time in Python,
    under the GIL, so sharing one heap costs them no waiting."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, 1)


def release_memory() -> None:
    """Give the memory freed so far back to the system, where the C library can (glibc's
    ``malloc_trim``). A map's results pass through the process on their way to the stage that
    writes them; freed, their pages stay counted in the process's size until trimmed (at
    2,000 documents some 60 MB after the render and feeds maps; ``bench/memory.py --trim``)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, when it is glibc (which has ``mallopt`` and ``malloc_trim``)."""
    try:
        libc = ctypes.CDLL(None)  # the symbols the interpreter is linked with
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def _call(start: int) -> list[Any]:
    """In a worker: the results of the ``CHUNK`` items from *start* on (those before the map
    was cancelled)."""
    assert _work is not None, "ordered_map's work is set before the workers fork"
    function, items, cancel = _work
    results = []
    for item in items[start:start + CHUNK]:
        if cancel.is_set():
            break
        results.append(function(item))
    return results
