"""Publish the site atomically: assemble it beside the old site (unchanged files linked), swap."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import functools
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import UsageError
from ..store.database import cache_dir_for
from ..store.site import ABSORB, Listed

_RENAME_EXCHANGE = 2
_CANNOT_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES})
"""Why a hard link may fail where a copy works: another file system, no links allowed, too many."""

OLD_SITES = "gamle-nettsteder"
"""The folder in the build cache the replaced site is moved to: kept there as
:data:`PREVIOUS` for the next publish to assemble its site in, or deleted there by a detached
process (:func:`sweep`) instead of while the editor waits."""
PREVIOUS = "forrige"
"""The site replaced last, in :data:`OLD_SITES`: the next publish turns it into the next site
(:class:`Staging`), so publishing an edit touches the files that changed, not every file."""
SWEEP_LOCK = "gamle-nettsteder.lock"
"""Held by the process that deletes the replaced sites until it has deleted their copies of the
live site's files (:func:`wait_for_sweep`)."""

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
    with staging_for(out, overwrite) as staging:
        staging.write_all((path, data) for path, data in files.items() if path != MARKER)
        staging.swap()
    sweep(out)


@contextlib.contextmanager
def staging_for(out: Path, overwrite: bool = False,
                published: Mapping[str, str] | None = None,
                live: Mapping[str, int] | None = None,
                reuse: bool = True, replaced: Listed | None = None) -> Iterator[Staging]:
    """A staging folder beside *out*, removed again unless :meth:`Staging.swap` ran: the site
    replaced last (:data:`PREVIOUS`) when there is one and *reuse*, else a fresh folder. A
    build that knows none of the live site's files passes ``reuse=False``: it writes every
    file anew, and in a fresh folder that costs no deletion of what the old one held.

    Only one build at a time holds it, so leftovers found beside *out* are from dead builds.
    *out* must pass :func:`guard_out`; the staged site gets the :data:`MARKER`. *published*
    is the SHA-256 and *live* the inode of each file of the live site known to be untouched,
    as this build found it; *replaced* the listing of the site replaced last, as it was when
    it was live (:class:`Staging`).
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(out):
        guard_out(out, overwrite)
        _remove_stale(out)
        root = Path(tempfile.mkdtemp(prefix=f".{out.name}.ny-", dir=out.parent))
        staging = Staging(root, out, published, reused=reuse and _take_previous(out, root),
                          live=live, replaced=replaced)
        try:
            staging.write(MARKER, MARKER_TEXT)
            yield staging
        finally:
            if not staging.swapped:
                shutil.rmtree(staging.root, ignore_errors=True)


class Staging:
    """The next site, assembled file by file beside the live one, then swapped in.

    Unchanged files are hard links to the live site's files (copies where the file system
    cannot link), so publishing costs what changed, not the size of the site. A hard link
    shares its inode with the live file, so a file is only ever written as a new file
    (``O_EXCL``), never into an existing one: the live site stays byte for byte as it was
    until the swap, also when the build fails or is killed. A file made again whose bytes are
    those of the live file (*published*: path -> SHA-256 of each live file known to be
    untouched) is linked too, so its inode, and a copy or sync of the site, see no change.

    A *reused* staging folder is the site the live one replaced (:data:`PREVIOUS`), whose
    files are mostly the live site's files already (the same inodes): a file kept is left as
    it is when it is the live file, and anything else in its place (another file, a folder, a
    link, put there by anyone) is removed first; folders are made anew where anything but a
    folder stands; what the new site does not have is deleted before the swap. What the
    folder held is never trusted, only compared with the live site by inode, so a damaged
    or changed one costs time, never a wrong file. The folder is read once, when the staging
    starts (one directory listing, which gives each entry's inode and type without a
    ``stat``), and each live file's inode is the one the build found when it checked the live
    site (*live*: path -> inode), so a file left as it is costs no system call at all.

    With *replaced*, the listing of that site as it was when it was live (recorded with its
    files' inodes as the build after it found them), the folder is not listed: each folder
    below its top is compared with the listing (one ``lstat``: inode, modification and change
    time; any entry added, removed or renamed changes the last two, and the change time cannot
    be put back), and only the top, which its moves changed, is listed. Any difference, and
    the folder is listed as above.
    """

    def __init__(self, root: Path, out: Path, published: Mapping[str, str] | None = None,
                 reused: bool = False, live: Mapping[str, int] | None = None,
                 replaced: Listed | None = None) -> None:
        self.root, self.out, self.reused = root, out, reused
        self._root = str(root) + "/"
        self.published = published or {}
        self.live = live or {}
        self.swapped = False
        self._made: set[str] = {str(root)}
        self._written: set[str] = set()
        self.digests: dict[str, str] = {}
        """The SHA-256 of each file written (linked files keep the one they had)."""
        self.untouched: set[str] = set()
        """The files kept that were the live file already (the same inode), left as they
        were: neither written nor linked, so their stat is the one the live file had."""
        self._found: dict[str, int] = {}
        self._folders_found: set[str] = set()
        self._listing_agrees = True
        if reused:
            known = _as_listed(str(root), replaced) if replaced is not None else None
            if known is not None:  # inodes as lstat gives them
                self._found, self._folders_found = known
            else:
                self._found, self._folders_found = _listing(str(root))
                self._listing_agrees = _inodes_agree(self._root, self._found)

    def keep(self, relatives: Iterable[str]) -> None:
        """Take these files over from the live site unchanged."""
        out = str(self.out) + "/"
        for relative in relatives:
            if self.reused and self._is_live(relative):
                self._claim(relative)
                continue
            source, target = out + relative, self._target(relative)
            if self.reused:
                if (relative not in self.live or not self._listing_agrees) and \
                        _same_file(source, target):
                    self.untouched.add(relative)
                    continue
                _remove(target)
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError as exc:
                if exc.errno not in _CANNOT_LINK:
                    raise
                shutil.copy2(source, target, follow_symlinks=False)

    def _is_live(self, relative: str) -> bool:
        """True when the staged file at *relative*, as the folder's listing found it, is the
        live file as this build found it (the same inode), so it can stay as it is."""
        inode = self._found.get(relative)
        return (inode is not None and self._listing_agrees and inode == self.live.get(relative)
                and relative not in self._written)

    def _claim(self, relative: str) -> None:
        """Keep the staged file at *relative* as it is (it is the live file): no system call.
        Its folders are real folders, as the listing found them."""
        self._written.add(relative)
        self.untouched.add(relative)
        folder = (self._root + relative).rpartition("/")[0]
        while folder not in self._made:
            self._made.add(folder)
            folder = folder.rpartition("/")[0]

    def write(self, relative: str, content: bytes | Iterable[bytes]) -> None:
        """Write one new file (its bytes, or its pieces one by one), or link the live one
        when it has these bytes; each path once."""
        if isinstance(content, bytes):
            digest = hashlib.sha256(content).hexdigest()
            if self.published.get(relative) == digest:
                self.keep((relative,))
            else:
                self._write(relative, (content,), digest)
            return
        digest = self._write(relative, content)
        if self.published.get(relative) == digest:  # made in pieces: known only now
            os.unlink(self.root / relative)
            del self.digests[relative]
            self._written.discard(relative)
            self._found.pop(relative, None)  # it is gone: linked anew
            self.keep((relative,))

    def _write(self, relative: str, pieces: Iterable[bytes], digest: str = "") -> str:
        """Write *pieces* as the new file *relative*; its SHA-256 (*digest*, when the caller
        hashed them already: a file's bytes are hashed once)."""
        target = self._target(relative)
        if self.reused:
            _remove(target)
        hashed = hashlib.sha256()
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        with os.fdopen(descriptor, "wb") as handle:
            for piece in pieces:
                if not digest:
                    hashed.update(piece)
                handle.write(piece)
        digest = self.digests[relative] = digest or hashed.hexdigest()
        return digest

    def write_all(self, files: Iterable[tuple[str, bytes | Iterable[bytes]]]) -> None:
        """Write each file as it comes, so a streamed site never sits in memory whole."""
        for relative, content in files:
            self.write(relative, content)

    @property
    def renewed(self) -> bool:
        """True when more than half of the site's files were written anew (a cold build, a
        new template): the replaced site shares few files with it, so it is a poor place to
        assemble the next site in (each file there would be deleted and linked again)."""
        return len(self.digests) * 2 > len(self._written)

    def swap(self) -> None:
        """Put the staged site in place of the live one in one step."""
        if self.reused:
            self._prune()
        os.chmod(self.root, 0o755)
        renewed = self.renewed
        _swap(self.root, self.out, renewed)
        if renewed:  # its linked copy changed every file's change time: none is as it was
            self.untouched.clear()
        self.swapped = True

    def _target(self, relative: str) -> str:
        """The staged path of *relative*, its folder made; refused outside the site or twice."""
        if relative in self._written:
            raise ValueError(f"to filer vil skrives til samme adresse: {relative}")
        parts = relative.split("/")
        if "" in parts or "." in parts or ".." in parts:  # rare: what pathlib makes of it
            parts = list(PurePosixPath(relative).parts)
            if not parts or relative.startswith("/") or ".." in parts:
                raise ValueError(f"utdata-stien «{relative}» ligger utenfor nettstedet")
        self._written.add(relative)
        target = self._root + "/".join(parts)  # string work: this runs for every file
        folder = target.rpartition("/")[0]
        if folder not in self._made:
            self._folders(folder)
        return target

    def _folders(self, folder: str) -> None:
        """Make *folder* and those above it, each a real folder: in a fresh staging folder
        nothing but our own folders is there; in a reused one whatever else stands in the
        way (a file, a link) is removed, never followed."""
        missing = []
        while folder not in self._made:
            missing.append(folder)
            folder = folder.rpartition("/")[0]
        for made in reversed(missing):
            if not self.reused:
                os.mkdir(made)
                self._made.add(made)
                continue
            try:
                info = os.lstat(made)
            except FileNotFoundError:
                os.mkdir(made)
            else:
                if not stat.S_ISDIR(info.st_mode):
                    os.unlink(made)
                    os.mkdir(made)
            self._made.add(made)

    def _prune(self) -> None:
        """Delete from a reused staging folder every file and folder the new site lacks, as
        its listing found them: a folder whole (never followed: :func:`_remove`), a file
        where its folder stays."""
        root = self._root
        for folder in sorted(self._folders_found - self._made):
            parent = folder.rpartition("/")[0]
            if parent in self._made and folder[len(root):] not in self._written:
                _remove(folder)
        for relative in self._found.keys() - self._written:
            path = root + relative
            if path.rpartition("/")[0] in self._made and path not in self._made:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)


def _listing(root: str) -> tuple[dict[str, int], set[str]]:
    """Every entry below *root* but folders (relative path -> inode as the directory gives
    it), and every folder (absolute path); links are listed, never followed."""
    found: dict[str, int] = {}
    folders: set[str] = set()
    pending = [root]
    start = len(root) + 1
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.add(entry.path)
                    pending.append(entry.path)
                else:
                    found[entry.path[start:]] = entry.inode() if \
                        entry.is_file(follow_symlinks=False) else -1
    return found, folders


def _as_listed(root: str, listed: Listed) -> tuple[dict[str, int], set[str]] | None:
    """What :func:`_listing` would find below *root*, the site *listed* as it was when it was
    live, when every folder below the top still has the inode, modification and change time
    recorded (so the same entries: each file the recorded inode); the top is listed (its
    moves changed its change time). None when any folder differs, or the listing is not one
    of such a site."""
    folders, files, stats = listed.folders, listed.files, listed.stats
    if not folders or folders[0] != "":
        return None
    prefix, lstat = root + "/", os.lstat
    below = folders[1:]
    try:
        found = array("q", chain.from_iterable(
            (info.st_ino, info.st_mtime_ns, info.st_ctime_ns)
            for info in map(lstat, map(prefix.__add__, below))))
        with os.scandir(root) as entries:
            top = list(entries)
    except (OSError, OverflowError):
        return None
    if found != stats[3:3 * len(folders)]:
        return None
    inodes: dict[str, int] = {}
    start = 3 * len(folders)
    for index, path in enumerate(files):
        if "/" in path:  # in a folder below the top, as recorded
            inodes[path] = stats[start + 4 * index]
    known = {prefix + folder for folder in below}
    try:
        for entry in top:
            if entry.is_dir(follow_symlinks=False):
                known.add(entry.path)
            else:
                inodes[entry.name] = entry.stat(follow_symlinks=False).st_ino if \
                    entry.is_file(follow_symlinks=False) else -1
    except OSError:
        return None
    return inodes, known


def _inodes_agree(root: str, found: Mapping[str, int]) -> bool:
    """True when a directory listing gives the inode ``lstat`` gives (so on every common
    Linux file system); checked on one file, where some overlays might differ."""
    for relative, inode in found.items():
        if inode >= 0:
            try:
                return os.lstat(root + relative).st_ino == inode
            except OSError:
                return False
    return True


def _same_file(live: str, staged: str) -> bool:
    """True when *staged* is a hard link to the file *live* (neither followed if a link)."""
    try:
        return os.lstat(staged).st_ino == os.lstat(live).st_ino
    except OSError:
        return False


def _remove(path: str) -> None:
    """Remove whatever stands at *path* in a reused staging folder (a link is not followed)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _take_previous(out: Path, root: Path) -> bool:
    """Move the site *out* replaced last (:data:`PREVIOUS`) to the empty folder *root*, for the
    next site to be assembled in; False when there is none (or it cannot be moved), and
    *root* stays empty."""
    previous = cache_dir_for(out) / OLD_SITES / PREVIOUS
    try:
        if not stat.S_ISDIR(os.lstat(previous).st_mode):
            return False
        os.rmdir(root)
    except OSError:
        return False
    try:
        os.rename(previous, root)
    except OSError:
        root.mkdir()
        return False
    return True


@contextlib.contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """One publish at a time into *out*, so leftovers found beside it are from dead builds.

    The lock is a file in the build cache for *out* (nothing is left beside the site), so
    builds into other folders with the same parent never wait for each other. A build that
    must wait says so instead of hanging in silence.
    """
    folder = cache_dir_for(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder / "publish.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                             0o644)
    except OSError:  # no writable cache folder: lock the parent folder instead
        descriptor = os.open(out.parent, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Venter på en annen bygging til «{out}» …", file=sys.stderr, flush=True)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _remove_stale(out: Path) -> None:
    """Remove half-written folders of builds that were killed before they could clean up (a
    replaced site whose deletion was cut short is deleted by the next :func:`sweep`)."""
    for pattern in (f".{out.name}.ny-*", f".{out.name}.gammel-*"):
        for leftover in out.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _swap(staging: Path, out: Path, renewed: bool = False) -> None:
    """Replace *out* by *staging*: an atomic exchange where the OS allows it. The first site
    published into *out*, and a site *renewed* (mostly written anew), also leave a linked
    copy of themselves as :data:`PREVIOUS` (:func:`_seed_previous`) instead of the replaced
    site, which shares few of their files."""
    if not out.exists():
        staging.rename(out)
        _seed_previous(out)
        return
    if out.is_dir() and not out.is_symlink() and _exchange(staging, out):
        _discard(staging, out, previous=not renewed)  # staging now holds the old site
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.gammel-", dir=out.parent))
        old.rmdir()
        out.rename(old)
        staging.rename(out)
        _discard(old, out, previous=not renewed)
    if renewed:
        _seed_previous(out)


def _seed_previous(out: Path) -> None:
    """Give the first site published into *out* a :data:`PREVIOUS` of its own: a copy of
    hard links (no bytes copied), so the next publish assembles its site in it and touches
    the files that change, rather than linking every file of the site into a fresh folder
    while the editor waits. Made under another name and renamed when whole; where it cannot
    be made (no links, another file system) there is none, and a leftover is deleted by
    :func:`sweep`. Made before the build records the published files' change times, which
    the links change."""
    trash = cache_dir_for(out) / OLD_SITES
    seed = trash / f".{PREVIOUS}-ny"
    try:
        trash.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(trash / PREVIOUS):
            return
        _remove(str(seed))
        _link_tree(str(out), str(seed))
        os.rename(seed, trash / PREVIOUS)
    except OSError:
        shutil.rmtree(seed, ignore_errors=True)


def _link_tree(source: str, target: str) -> None:
    """Make *target* a copy of the folder *source* of hard links; a link is never followed
    (the sites we publish have none)."""
    os.mkdir(target)
    pending = [(source, target)]
    while pending:
        here, there = pending.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(there + "/" + entry.name)
                    pending.append((entry.path, there + "/" + entry.name))
                elif entry.is_file(follow_symlinks=False):
                    os.link(entry.path, there + "/" + entry.name, follow_symlinks=False)


def _discard(old: Path, out: Path, previous: bool = True) -> None:
    """Move the replaced site *old* into :data:`OLD_SITES` in the build cache for *out*
    (nothing is left beside the site): as :data:`PREVIOUS` for the next publish, unless not
    *previous*, when it keeps its own name for :func:`sweep` to delete. A :data:`PREVIOUS`
    there before gets a name of its own, for :func:`sweep` to delete. Where the cache is on
    another file system, *old* is deleted here."""
    trash = cache_dir_for(out) / OLD_SITES
    try:
        trash.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.rename(trash / PREVIOUS, trash / f"{old.name}.{PREVIOUS}")
        old.rename(trash / (PREVIOUS if previous else old.name))
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


def sweep(out: Path, database: str = "") -> None:
    """Delete the replaced sites of *out* without making the editor wait: a process of its own
    (not stopped by Ctrl-C) deletes everything in :data:`OLD_SITES`, holding
    :data:`SWEEP_LOCK` until it is done. Only our own replaced sites are ever moved there.

    Deleting a replaced site's copy of a file the live site shares (a hard link) changes the
    shared file's change time; with the build store's *database*, the process records the new
    change time there for each such file whose change time was the one recorded before
    (:data:`politiradet.store.site.ABSORB`), so the next build still trusts it; it lets go of
    the lock once those are recorded, before it deletes the rest. Where no process can be
    started, the sites are deleted here."""
    folder = cache_dir_for(out)
    trash = folder / OLD_SITES
    try:
        if not trash.is_dir() or all(p.name == PREVIOUS for p in trash.iterdir()):
            return
    except OSError:  # a cache folder we may not look into holds no site of ours to delete
        return
    try:
        lock = os.open(folder / SWEEP_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        lock = -1
    try:
        if lock >= 0:
            fcntl.flock(lock, fcntl.LOCK_EX)  # handed to the process (see _REMOVER)
        _in_background(_REMOVER, str(out.resolve()), database, ABSORB, str(trash),
                       str(lock) if lock >= 0 else "", keep=(lock,) if lock >= 0 else ())
    except OSError:
        for leftover in trash.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
    finally:
        if lock >= 0:
            os.close(lock)


def _in_background(program: str, *args: str, keep: tuple[int, ...] = ()) -> None:
    """Run the Python *program* with *args* in a process that outlives this one and is not
    stopped by its Ctrl-C (a session of its own), passing it the descriptors *keep*; OSError
    when no process can be started."""
    subprocess.Popen([sys.executable, "-I", "-c", program, *args], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, pass_fds=keep)


def wait_for_sweep(out: Path) -> None:
    """Wait until the replaced sites of *out* being deleted no longer share a file with the live
    site, so the change times of its files are the ones recorded (see :func:`sweep`); what
    else they hold may still be being deleted."""
    try:
        lock = os.open(cache_dir_for(out) / SWEEP_LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
    finally:
        os.close(lock)


def forget(out: Path, *more: Path) -> None:
    """Delete what the build cache keeps for the output folder *out* (its publish lock and
    replaced sites), for a folder deleted for good (the preview's temporary one), and the
    folders *more*: in a process of its own that outlives this one (not stopped by Ctrl-C),
    as :func:`sweep` does, so a preview that stops need not wait while its site and the
    replaced one are deleted (280,000 files at 10,000 documents); here when no process can be
    started."""
    folders = [str(cache_dir_for(out)), *map(str, more)]
    try:
        _in_background(_FORGETTER, *folders)
    except OSError:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


_FORGETTER = """
import shutil, sys
for folder in sys.argv[1:]:
    shutil.rmtree(folder, ignore_errors=True)
"""


_REMOVER = f"""
import fcntl, os, shutil, sqlite3, sys
PREVIOUS = {PREVIOUS!r}
out, database, absorb, trash, lock = sys.argv[1:6]
sites = [os.path.join(trash, site) for site in os.listdir(trash) if site != PREVIOUS]
absorbed = []
for top in sites:  # first each copy of a live file, whose deletion changes its change time
    start = len(top) + 1
    pending = [top]
    while pending:
        try:
            with os.scandir(pending.pop()) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
                continue
            relative = entry.path[start:]
            live = os.path.join(out, relative)
            try:
                old = os.lstat(entry.path)
                if old.st_nlink < 2:  # a file of its own (most, after a cold build)
                    continue
                before = os.lstat(live)
                if old.st_ino != before.st_ino:  # not a link to the live file
                    continue
                os.unlink(entry.path)
                absorbed.append((os.lstat(live).st_ctime_ns, out, relative, before.st_ino,
                                 before.st_ctime_ns))
            except OSError:
                continue
if database and absorbed:
    try:
        with sqlite3.connect(database, timeout=30) as db:
            db.executemany(absorb, absorbed)
    except sqlite3.Error:
        pass
if lock:  # the live files' change times are final: a build need not wait for the rest
    fcntl.flock(int(lock), fcntl.LOCK_UN)
for top in sites:
    shutil.rmtree(top, ignore_errors=True)
"""
"""The sweeping process's program: delete every replaced site in the trash, first each copy of
a live file (recording the live file's new change time), then, with :data:`SWEEP_LOCK` let go,
the rest. After a cold build the replaced site shares next to nothing with the live one, and
the next build waited for all of it to be deleted (16.7 s at 10,000 documents)."""


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


@functools.cache
def _renameat2() -> Any:
    """The C library's renameat2, or None; looked up once (``find_library`` runs ldconfig)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    return getattr(ctypes.CDLL(name, use_errno=True), "renameat2", None)
