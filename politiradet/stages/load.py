"""Read the content folder and the schemas from disk into raw, position-aware data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common.heap import paused
from ..common.slug import MAX_LENGTH as MAX_SLUG_LENGTH
from ..common.slug import SLUG, suggest_slug, too_long
from ..errors import Problem
from ..model.content import (
    FOLDERS,
    MAX_PDF_BYTES,
    OPTIONAL_REGISTRIES,
    REGISTRIES,
    SOURCE_FOLDER,
    Kind,
    SourcePdf,
)
from ..store.database import sha256
from ..store.documents import Documents, Known
from . import githistory
from .frontmatter import (
    FrontMatterError,
    Parsed,
    SplitFile,
    decode,
    known_body,
    parse_yaml,
    split,
)
from .sourcefile import RefusedFile, TooLarge, read

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A content file that has been split and parsed, but not yet validated."""

    kind: Kind
    slug: str
    path: str
    source: str
    file: SplitFile
    digest: str = ""
    """SHA-256 of the file's bytes (empty for a text that is not a file, like an editor's draft)."""
    known_valid: bool = False
    """These bytes at this path validated in an earlier build (the front matter was taken from
    the build store, :mod:`politiradet.store.documents`) or earlier in this import, and
    validation need not check it again."""
    unread: Unread | None = None
    """Set when the file was not read at all (its bytes were known by its stat, and valid):
    ``file.body`` is then empty, and the compile stage reads the body through this only if
    it has no record of it."""


@dataclass(frozen=True, slots=True)
class Unread:
    """Where the body of a document the loader did not read is, should it be needed: the
    file, the SHA-256 its bytes had by their stat, and where the body starts and how long it
    is (:class:`politiradet.store.documents.Known`). Small, so a worker can be sent it."""

    root: str
    path: str
    digest: str
    body_line: int
    body_length: int

    def read(self) -> tuple[str, int, bool]:
        """The body, the line it starts on, and whether the file still had the bytes it was
        known by; if it changed since (or cannot be read now), the body as the file holds it
        now (empty when it cannot be cut), and False."""
        try:
            data = read(Path(self.root), Path(self.root) / self.path)
            if sha256(data) == self.digest:
                return known_body(data, self.body_length), self.body_line, True
            now = split(decode(data))
            return now.body, now.body_line, False
        except (FrontMatterError, RefusedFile):
            return "", self.body_line, False


@dataclass(frozen=True, slots=True)
class RawRegistry:
    """A registry YAML file (temaer, omrader, forkortelser, politirad), parsed but not
    validated."""

    name: str
    source: str
    parsed: Parsed


@dataclass(frozen=True, slots=True)
class RawContent:
    """Everything read from the content folder."""

    documents: tuple[RawDocument, ...]
    registries: dict[str, RawRegistry]
    unreadable: frozenset[str] = frozenset()
    """Documents that exist but could not be read or split: links to them are not reported."""
    changed: Mapping[str, dt.datetime] = field(default_factory=dict)
    """Content path -> last git commit touching it; empty when the content is not in git."""
    source_files: Mapping[str, SourcePdf] = field(default_factory=dict)
    """Usable PDFs in ``content/kilder/`` by name."""
    refused_sources: frozenset[str] = frozenset()
    """Files in ``content/kilder/`` that were refused (and reported) as originals."""
    root: str = ""
    """The content folder the documents were read from (empty for content not read from
    one): a body dropped after compiling can be read from it again (:class:`Unread`)."""


def display(path: Path) -> str:
    """The path as an editor would type it: relative to the working directory if inside it."""
    # not resolve(): a link is shown as the link the editor made (and may loop). String
    # work, not pathlib: this runs once per file, and pathlib's parsing cost showed at 10 000.
    absolute, here = os.path.abspath(path), os.getcwd()
    if absolute == here:
        return "."
    prefix = here if here.endswith(os.sep) else here + os.sep
    return absolute[len(prefix):] if absolute.startswith(prefix) else str(path)


def load_content(root: Path, known: Documents | None = None,
                 changed: Mapping[str, dt.datetime] | None = None,
                 hashes: Mapping[str, str] | None = None
                 ) -> tuple[RawContent, list[Problem]]:
    """Read every document and registry below *root*, collecting all problems.

    A document whose bytes are *known* valid is not parsed: its front matter comes from the
    cache. With *hashes* (content path -> SHA-256 of the file's bytes, as the build's input
    hashing found them by the file's stat, :class:`politiradet.store.site.Inputs`), such a
    document is not even read: its body is read later, and only if it must be compiled
    (:class:`Unread`). *changed* is the content's git dates when the caller has them already.
    """
    # The documents are some 100,000 objects at 10,000 and no cycles: collections while they
    # are made find nothing and walk them all (4 full ones and ~580 others, 0.12 s of a
    # one-edit build at 10,000); they are then kept out of collections, like the records.
    with paused():
        return _load_content(root, known, changed, hashes)


def _load_content(root: Path, known: Documents | None,
                  changed: Mapping[str, dt.datetime] | None,
                  hashes: Mapping[str, str] | None) -> tuple[RawContent, list[Problem]]:
    problems: list[Problem] = []
    unreadable: set[str] = set()
    documents = _documents(root, problems, unreadable, known, hashes or {})
    registries = {}
    for name in REGISTRIES:
        registry = _registry(root, name, problems)
        if registry:
            registries[name] = registry
    documents.sort(key=lambda d: d.path)
    sources, refused = _source_files(root, problems)
    if changed is None:
        changed = githistory.last_changed(root)
    return RawContent(tuple(documents), registries, frozenset(unreadable),
                      changed, sources, frozenset(refused), str(root)), problems


def _documents(root: Path, problems: list[Problem], unreadable: set[str],
               known: Documents | None, hashes: Mapping[str, str]) -> list[RawDocument]:
    found = []
    for path in _files(root, problems, skip=SOURCE_FOLDER):
        if not path.name.endswith(".md"):
            problems += _not_a_document(root, path)
        elif raw := read_document(root, path, problems, unreadable, known, hashes):
            found.append(raw)
    return found


def _source_files(root: Path, problems: list[Problem]
                  ) -> tuple[dict[str, SourcePdf], set[str]]:
    """Every file in ``content/kilder/``: a PDF of at most :data:`MAX_PDF_BYTES`, or a problem."""
    folder = root / SOURCE_FOLDER
    found: dict[str, SourcePdf] = {}
    refused: set[str] = set()
    if not folder.is_dir() or folder.is_symlink():
        if folder.is_symlink():
            problems.append(_linked_folder(folder))
        return found, refused
    for path in _files(folder, problems):
        relative = path.relative_to(folder).as_posix()
        source = _source_pdf(folder, path, relative)
        if isinstance(source, SourcePdf):
            found[relative] = source
        else:
            refused.add(relative)
            problems.append(Problem(display(path), 1, 1, source))
    return found, refused


def _files(top: Path, problems: list[Problem], skip: str = "") -> Iterator[Path]:
    """Every visible file below *top*, sorted; a linked folder is reported, never followed,
    and the folder *skip* right under *top* is left out."""
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        problems.extend(_linked_folder(here / d) for d in dirnames if (here / d).is_symlink())
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and not (here / d).is_symlink()
                             and not (here == top and d == skip))
        yield from (here / name for name in sorted(filenames) if not name.startswith("."))


def _source_pdf(folder: Path, path: Path, relative: str) -> SourcePdf | str:
    """The original document at *path*, read once; or why it cannot be published as one."""
    if not path.name.endswith(".pdf"):
        return (f"filen «{path.name}» i content/{SOURCE_FOLDER}/ er ikke en PDF. Her ligger bare "
                f"originaldokumenter som PDF med endelsen «.pdf» (små bokstaver).")
    try:
        data = read(folder, path, MAX_PDF_BYTES)
    except TooLarge:
        return (f"PDF-filen er for stor (høyst {MAX_PDF_BYTES // 1_000_000} MB). Lagre en "
                f"mindre utgave, for eksempel med lavere bildeoppløsning.")
    except RefusedFile as exc:
        return exc.message
    if not data.startswith(PDF_MAGIC):
        return ("filen heter .pdf, men er ikke en PDF (den begynner ikke med «%PDF-»). "
                "Lagre originalen som PDF på nytt.")
    return SourcePdf(relative, len(data), hashlib.sha256(data).hexdigest(), str(path))


def _linked_folder(path: Path) -> Problem:
    return Problem(display(path), 1, 1, "mappen er en snarvei (symbolsk lenke) og leses ikke. "
                   "Legg filene direkte i innholdsmappen.")


def _not_a_document(root: Path, path: Path) -> list[Problem]:
    """Files beside the documents that would silently go unpublished."""
    folder = path.parent.relative_to(root).as_posix()
    if folder not in FOLDERS and not path.name.lower().endswith((".md", ".markdown")):
        return []
    return [Problem(display(path), 1, 1, f"filen «{path.name}» publiseres ikke: bare filer som "
                    f"slutter på «.md» er dokumenter. Gi filen endelsen .md (små bokstaver), "
                    f"eller flytt den ut av innholdsmappen.")]


def read_document(root: Path, path: Path, problems: list[Problem], unreadable: set[str],
                  known: Documents | None, hashes: Mapping[str, str] | None = None
                  ) -> RawDocument | None:
    """One content file below *root* as a raw document, or None with the reason in *problems*
    (and its path in *unreadable* when it exists but cannot be read or split). *known*: the
    cache of validated documents, if any; *hashes*: see :func:`load_content`. The loader's
    and the preview's one way to read."""
    source = display(path)
    relative = path.relative_to(root).as_posix()
    folder, _, name = relative.rpartition("/")
    if folder not in FOLDERS:
        problems.append(Problem(source, 1, 1, f"dokumentet ligger i en ukjent mappe. Legg det "
                                f"rett i {_folder_list()}."))
        return None
    slug = name.removesuffix(".md")
    if not SLUG.fullmatch(slug) or too_long(slug):
        problems.append(Problem(source, 1, 1, f"filnavnet «{name}» kan ikke brukes i en "
                                f"nettadresse. Bruk høyst {MAX_SLUG_LENGTH} små bokstaver "
                                f"a–z, tall og bindestrek, for eksempel "
                                f"«{suggest_slug(slug)}.md»."))
        return None
    if known is not None and hashes and (found := _unread(relative, known, hashes)):
        stored, digest = found
        return RawDocument(FOLDERS[folder], slug, relative, source,
                           SplitFile(stored.front, "", stored.body_line), digest,
                           known_valid=True, unread=Unread(str(root), relative, digest,
                                                           stored.body_line, stored.body_length))
    try:
        data = read(root, path)
        digest = sha256(data)
        valid = known.get(relative, digest) if known else None
        if valid is None:
            return parse_document(relative, source, data, digest)
        split_file = valid.split(data)
    except (FrontMatterError, RefusedFile) as exc:
        unreadable.add(relative)
        line, col = (exc.line, exc.col) if isinstance(exc, FrontMatterError) else (1, 1)
        problems.append(Problem(source, line, col, exc.message))
        return None
    return RawDocument(FOLDERS[folder], slug, relative, source, split_file, digest, True)


def _unread(relative: str, known: Documents, hashes: Mapping[str, str]
            ) -> tuple[Known, str] | None:
    """What the store knows of the document at *relative*, and the hash its stat stands for,
    when that hash is of bytes that validated there: the file need not be read."""
    digest = hashes.get(relative)
    valid = known.get(relative, digest) if digest else None
    return (valid, digest) if valid is not None and digest is not None else None


def parse_document(relative: str, source: str, data: bytes, digest: str = "") -> RawDocument:
    """*data* as the document at content path *relative* (``referater/x.md``): decoded and
    split into front matter and Markdown, or :class:`FrontMatterError`. The one way a
    document's bytes are read, by the loader and by :func:`politiradet.pipeline.check_one` for
    a text that is not on disk yet (*digest* empty)."""
    folder, _, name = relative.rpartition("/")
    return RawDocument(FOLDERS[folder], name.removesuffix(".md"), relative, source,
                       split(decode(data)), digest)


def _folder_list() -> str:
    folders = [f"content/{folder}/" for folder in FOLDERS]
    return ", ".join(folders[:-1]) + " eller " + folders[-1]


def _registry(root: Path, name: str, problems: list[Problem]) -> RawRegistry | None:
    path = root / f"{name}.yaml"
    source = display(path)
    if not path.exists() and not path.is_symlink():
        if name in OPTIONAL_REGISTRIES:  # an archive without it: an empty registry
            return RawRegistry(name, source, Parsed([], {}, {}))
        problems.append(Problem(source, 1, 1, f"registeret mangler. Lag filen {name}.yaml i "
                                f"innholdsmappen."))
        return None
    try:
        return RawRegistry(name, source, parse_yaml(decode(read(root, path))))
    except FrontMatterError as exc:
        problems.append(Problem(source, exc.line, exc.col, exc.message))
    except RefusedFile as exc:
        problems.append(Problem(source, 1, 1, exc.message))
    return None


def load_schemas(folder: Path) -> dict[str, dict[str, Any]]:
    """Read every ``*.schema.json`` in *folder*, keyed by file name."""
    return {path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.schema.json"))}
