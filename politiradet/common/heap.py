"""What a build holds to its end, kept out of the garbage collector's full collections.

A full collection walks every object in memory: at 10,000 documents some millions (the
documents, the compiled records, the link graph, the plan), sixteen times in one build after
an edit, 1.8-2.2 s in all, of which one in the link stage took half of that stage. Those
objects live until the build ends, so walking them finds nothing. :func:`frozen` moves
everything tracked into the collector's permanent generation for a block (CPython's
``gc.freeze``): later collections walk only what is newer. Blocks nest (the stages freeze
what they hold, the build the rest); only the outermost unfreezes, so a nested one cannot
give the whole heap back to the collector halfway through the build.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_depth = 0
_lock = threading.Lock()


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Every object tracked now is left out of collections until the outermost block ends;
    refcounting still frees what is dropped, only garbage in cycles waits for the end."""
    global _depth
    with _lock:
        gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


def keep() -> None:
    """Leave what is tracked now out of collections until the outermost :func:`frozen` block
    ends (outside one, nothing changes): for what a step made and the build holds on to."""
    with _lock:
        if _depth:
            gc.freeze()


def collect() -> None:
    """A full collection now, also of what the blocks left out, which is then left out again:
    for a process that stays inside one :func:`frozen` block for good (the preview between
    builds), so the few cycles of garbage frozen with the rest are freed now and then."""
    with _lock:
        gc.unfreeze()
        gc.collect()
        if _depth:
            gc.freeze()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collections during the block, for work that makes many objects and no cycles (the
    render plan: at 10,000 documents five full collections of its own objects, 1.1 s); what
    it made is then kept (:func:`keep`), so the collection its end sets off does not walk it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        keep()
        if enabled:
            gc.enable()


def leave() -> None:
    """The process ends now: what it still tracks is left out of the collections of the
    interpreter's shutdown. Those would walk every object the build left (after a one-edit
    build at 10,000 documents 393,000, 323,000 of them garbage in cycles, kept while the heap
    was frozen) and free the garbage one object at a time, only for the process to give all of
    its memory back a moment later: 0.55 s of that build. Refcounting still frees what the
    modules drop, and ``atexit`` still runs (temporary folders, worker pools); every file and
    store transaction of a command is closed before it returns."""
    gc.freeze()
