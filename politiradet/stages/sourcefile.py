"""What a source file may be: the one policy applied before anything reads or hashes a file.

A source file is a regular file of at most :data:`MAX_FILE_BYTES`, reached either directly or
through a symbolic link that stays inside its folder. A FIFO, socket or device is never opened
(reading one can block for ever or never end), a link out of the folder is never followed,
and a file too large is never read. The loader, the build cache and so the preview's rebuilds
all go through :func:`admit` and :func:`read`, so ``check`` and ``build`` agree on every file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import os_error_reason

MAX_FILE_BYTES = 1024 * 1024
"""Larger files are refused before they are read: no archive document comes near 1 MB."""


class RefusedFile(Exception):
    """A path that is not a source file; the message says why and what to do (Norwegian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooLarge(RefusedFile):
    """A file above the size limit it was read with; a caller with its own limit (a PDF) may
    explain that limit instead of the message for text files."""


def too_large(size: int) -> TooLarge:
    """The refusal for a file of *size* bytes above :data:`MAX_FILE_BYTES`."""
    return TooLarge(too_large_message(size))


def too_large_message(size: int) -> str:
    """Why a file of *size* bytes is not read, and what to do."""
    return (f"filen er for stor ({size / 1048576:.1f} MB); grensen er "
            f"{MAX_FILE_BYTES / 1048576:g} MB. Del opp dokumentet.")


def inside(root: Path, path: Path) -> bool:
    """Whether *path*, after following every symbolic link, lies within *root* (or is it)."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def admit(root: Path, path: Path, limit: int | None = MAX_FILE_BYTES) -> os.stat_result:
    """The ``stat`` of *path* if it may be read as a source file below *root*; else raise
    :class:`RefusedFile`. Never opens the file."""
    try:
        if path.is_symlink():
            _check_link(root, path)
        info = path.stat()
    except OSError as exc:
        raise _unreadable(exc) from None
    _check_kind(info, limit)
    return info


def admit_entry(root: Path, entry: os.DirEntry[str], limit: int | None = MAX_FILE_BYTES
                ) -> os.stat_result:
    """:func:`admit` for a file found by :func:`os.scandir`: the same checks, with the
    ``lstat`` the entry already has when it is not a link (a file's own ``stat`` then)."""
    if entry.is_symlink():
        return admit(root, Path(entry.path), limit)
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError as exc:
        raise _unreadable(exc) from None
    _check_kind(info, limit)
    return info


def read(root: Path, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the source file *path* below *root*, or :class:`RefusedFile`.

    The file is opened without blocking and checked again through the open descriptor, so
    a file swapped for a FIFO between the check and the read is still refused.
    """
    admit(root, path, limit)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            info = os.fstat(descriptor)
            _check_kind(info, limit)
            data = _read_up_to(descriptor, info.st_size, limit)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise _unreadable(exc) from None
    if len(data) > limit:  # the file grew after the check
        raise too_large(len(data))
    return data


def _read_up_to(descriptor: int, size: int, limit: int) -> bytes:
    """At most *limit* + 1 bytes: first the *size* ``fstat`` gave and one more (so growth is
    noticed), then the rest, if any. Asking for the size, not the limit, matters: a read of
    1 MB allocates 1 MB, which made reading 10 000 files of 12 KB five times slower."""
    chunks = []
    wanted, total = min(size, limit) + 1, 0
    while total <= limit:
        chunk = os.read(descriptor, min(wanted, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        wanted = 1 << 16
    return b"".join(chunks)


def _check_link(root: Path, path: Path) -> None:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        raise RefusedFile("filen er en snarvei (symbolsk lenke) til noe som ikke finnes. "
                          "Slett snarveien, eller legg selve filen her.") from None
    except RuntimeError:  # a loop of links (Python 3.11 and 3.12)
        raise _unreadable(OSError(errno.ELOOP, "")) from None
    if not inside(root, target):
        raise RefusedFile("filen er en snarvei (symbolsk lenke) som peker ut av innholdsmappen. "
                          "Kopier innholdet inn i filen i stedet.")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "et navngitt rør (FIFO)"
    if stat.S_ISSOCK(mode):
        return "en sokkel (socket)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "en enhet (device)"
    return "en mappe" if stat.S_ISDIR(mode) else "en spesialfil"


def _unreadable(exc: OSError) -> RefusedFile:
    return RefusedFile(f"kan ikke lese filen: {os_error_reason(exc)}. Sjekk at den finnes og at "
                       f"du har lesetilgang.")


def _check_kind(info: os.stat_result, limit: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise RefusedFile(f"dette er ikke en vanlig fil, men {_kind(info.st_mode)}. Erstatt den "
                          f"med en tekstfil.")
    if limit is not None and info.st_size > limit:
        raise too_large(info.st_size)
