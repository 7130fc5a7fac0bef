"""Publish the rendered site atomically: build beside the old site, then swap."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from .errors import UsageError

_RENAME_EXCHANGE = 2

MARKER = ".politiradet-nettsted"
"""A file in every site this tool publishes: the folder is its output and may be replaced."""
MARKER_TEXT = (b"Denne mappen er laget av politiradet-arkiv (python build.py build) og byttes ut "
               b"i sin helhet ved hver bygging. Legg ikke egne filer her.\n")


def guard_out(out: Path, overwrite: bool = False) -> None:
    """Refuse an *out* that publishing must not replace: a file, or a folder with files in it
    that this tool did not make (no :data:`MARKER`) unless *overwrite* (``--overskriv``)."""
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise UsageError(f"«{out}» er ikke en mappe (det er en fil eller en snarvei til noe som "
                         f"ikke er en mappe). Velg en mappe med --out, for eksempel --out site.")
    if overwrite or (out / MARKER).is_file() or not any(out.iterdir()):
        return
    raise UsageError(f"mappen «{out}» har filer som dette verktøyet ikke har laget (den mangler "
                     f"{MARKER}), og byggingen ville erstattet alt i den. Velg en annen mappe "
                     f"med --out, eller legg til --overskriv hvis alt i mappen kan slettes.")


def publish(files: Mapping[str, bytes], out: Path, overwrite: bool = False) -> None:
    """Write *files* into a fresh folder beside *out*, then put it in place in one step.

    If anything fails before the swap, *out* is untouched and the half-written folder removed.
    *out* must pass :func:`guard_out`.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(out.parent):
        guard_out(out, overwrite)
        _remove_stale(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.ny-", dir=out.parent))
        try:
            _write_all({**files, MARKER: MARKER_TEXT}, staging)
            _swap(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One publish at a time into *folder*, so leftovers found inside are from dead builds."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _remove_stale(out: Path) -> None:
    """Remove half-written folders of builds that were killed before they could clean up."""
    for pattern in (f".{out.name}.ny-*", f".{out.name}.gammel-*"):
        for leftover in out.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _write_all(files: Mapping[str, bytes], root: Path) -> None:
    created: set[Path] = set()
    for relative, content in files.items():
        parts = PurePosixPath(relative)
        if parts.is_absolute() or ".." in parts.parts or not parts.parts:
            raise ValueError(f"utdata-stien «{relative}» ligger utenfor nettstedet")
        target = root / relative
        if target.parent not in created:
            target.parent.mkdir(parents=True, exist_ok=True)
            created.add(target.parent)
        target.write_bytes(content)
    os.chmod(root, 0o755)


def _swap(staging: Path, out: Path) -> None:
    """Replace *out* by *staging*: an atomic exchange where the OS allows it."""
    if not out.exists():
        staging.rename(out)
        return
    if out.is_dir() and not out.is_symlink() and _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.gammel-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
