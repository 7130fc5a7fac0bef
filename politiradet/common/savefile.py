"""Writing one file in one step: whole, never through a link, never over another file by
accident. The web editor's save and ``new`` write documents with it, the preview its copied
static files.

Both writers stage the bytes in a file beside the target and then publish it in one step, so
the watcher, the loader and a reader see the old file or the new one, never half of one:

- the staging file gets a fresh hidden name (the loader and the watcher skip hidden files),
  is created exclusively without following links (``O_CREAT | O_EXCL | O_NOFOLLOW``), written
  and flushed to the disk;
- :func:`replace_atomically` renames it over the target (an existing document, whose file
  mode it keeps); :func:`write_new` links it to the target's name, which fails if that name
  exists, so of two editors creating the same document at once exactly one wins;
- the folder is opened once without following links and every step works relative to it,
  so swapping the folder for a link meanwhile leads nowhere;
- on any failure the staging file is removed and the target is as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

NEW_FILE_MODE = 0o644
"""A new document's mode: readable by all, like a file an editor saves from a text editor."""
STAGING_SUFFIX = ".lagres"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_CANNOT_LINK = frozenset({errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP,
                          errno.EOPNOTSUPP})
"""What ``link`` answers on a file system without hard links (FAT, some network shares)."""


def replace_atomically(target: Path, data: bytes) -> None:
    """Put *data* in *target* in one step, keeping the mode of the file it replaces."""
    with _folder(target.parent) as folder:
        staging = _stage(folder, target.name, data, _mode(folder, target.name))
        try:
            os.replace(staging, target.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            _remove(folder, staging)
            raise
        _sync(folder)


def write_new(target: Path, data: bytes) -> None:
    """Create *target* holding *data*; :class:`FileExistsError` if the name is taken (also
    by a link), and then nothing is changed."""
    with _folder(target.parent) as folder:
        staging = _stage(folder, target.name, data, NEW_FILE_MODE)
        try:
            _publish_new(folder, staging, target.name, data)
        finally:
            _remove(folder, staging)
        _sync(folder)


@contextlib.contextmanager
def _folder(path: Path) -> Iterator[int]:
    """The folder, made if missing, opened without following a link in its last part."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file has the folder's name: not «the document exists»
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path)) from None
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        yield descriptor
    finally:
        os.close(descriptor)


def _stage(folder: int, name: str, data: bytes, mode: int) -> str:
    """A new hidden file beside *name* holding *data* on the disk; its name."""
    for _ in range(100):
        staging = f".{name}.{secrets.token_hex(8)}{STAGING_SUFFIX}"
        try:
            descriptor = os.open(staging, _CREATE, 0o600, dir_fd=folder)
        except FileExistsError:
            continue
        try:
            os.fchmod(descriptor, mode)
            _write_all(descriptor, data)
        except BaseException:
            _remove(folder, staging)
            raise
        finally:
            os.close(descriptor)
        return staging
    raise FileExistsError(errno.EEXIST, "ingen ledig midlertidig filnavn", name)


def _publish_new(folder: int, staging: str, name: str, data: bytes) -> None:
    """Give the staged file the name *name*, unless that name exists."""
    try:
        os.link(staging, name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        return
    except OSError as exc:
        if exc.errno not in _CANNOT_LINK:
            raise
    descriptor = os.open(name, _CREATE, 0o600, dir_fd=folder)  # no hard links: create it
    try:
        os.fchmod(descriptor, NEW_FILE_MODE)
        _write_all(descriptor, data)
    except BaseException:
        _remove(folder, name)  # only ever a file this call created
        raise
    finally:
        os.close(descriptor)


def _mode(folder: int, name: str) -> int:
    """The permission bits of the file *name* replaces, or those of a new file."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return NEW_FILE_MODE
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else NEW_FILE_MODE


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]
    os.fsync(descriptor)


def _sync(folder: int) -> None:
    """Make the new name durable too. The text is in place already: a file system that
    cannot sync a folder does not turn the save into a failure."""
    with contextlib.suppress(OSError):
        os.fsync(folder)


def _remove(folder: int, name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name, dir_fd=folder)
