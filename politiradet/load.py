"""Read the content folder and the schemas from disk into raw, position-aware data."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import githistory
from .errors import Problem
from .frontmatter import FrontMatterError, Parsed, SplitFile, decode, parse_yaml, split
from .model import FOLDERS, REGISTRIES, Kind
from .slug import MAX_LENGTH as MAX_SLUG_LENGTH
from .slug import SLUG as SLUG
from .slug import suggest_slug as suggest_slug
from .slug import too_long
from .sourcefile import RefusedFile, read


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A content file that has been split and parsed, but not yet validated."""

    kind: Kind
    slug: str
    path: str
    source: str
    file: SplitFile


@dataclass(frozen=True, slots=True)
class RawRegistry:
    """A registry YAML file (temaer, omrader, forkortelser), parsed but not validated."""

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


def display(path: Path) -> str:
    """The path as an editor would type it: relative to the working directory if inside it."""
    try:
        # not resolve(): a link is shown as the link the editor made (and may loop)
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_content(root: Path) -> tuple[RawContent, list[Problem]]:
    """Read every document and registry below *root*, collecting all problems."""
    problems: list[Problem] = []
    unreadable: set[str] = set()
    documents = _documents(root, problems, unreadable)
    registries = {}
    for name in REGISTRIES:
        registry = _registry(root, name, problems)
        if registry:
            registries[name] = registry
    documents.sort(key=lambda d: d.path)
    return RawContent(tuple(documents), registries, frozenset(unreadable),
                      githistory.last_changed(root)), problems


def _documents(root: Path, problems: list[Problem], unreadable: set[str]
               ) -> list[RawDocument]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        folder = Path(dirpath)
        problems += [_linked_folder(folder / d) for d in dirnames if (folder / d).is_symlink()]
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and not (folder / d).is_symlink())
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            if not name.endswith(".md"):
                problems += _not_a_document(root, folder / name)
                continue
            raw = _document(root, folder / name, problems, unreadable)
            if raw:
                found.append(raw)
    return found


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


def _document(root: Path, path: Path, problems: list[Problem], unreadable: set[str]
              ) -> RawDocument | None:
    source = display(path)
    relative = path.relative_to(root).as_posix()
    folder, _, name = relative.rpartition("/")
    if folder not in FOLDERS:
        problems.append(Problem(source, 1, 1, f"dokumentet ligger i en ukjent mappe. Legg det "
                                f"rett i {_folder_list()}."))
        return None
    slug = name.removesuffix(".md")
    if not SLUG.match(slug) or too_long(slug):
        problems.append(Problem(source, 1, 1, f"filnavnet «{name}» kan ikke brukes i en "
                                f"nettadresse. Bruk høyst {MAX_SLUG_LENGTH} små bokstaver "
                                f"a–z, tall og bindestrek, for eksempel "
                                f"«{suggest_slug(slug)}.md»."))
        return None
    try:
        split_file = split(decode(read(root, path)))
    except (FrontMatterError, RefusedFile) as exc:
        unreadable.add(relative)
        line, col = (exc.line, exc.col) if isinstance(exc, FrontMatterError) else (1, 1)
        problems.append(Problem(source, line, col, exc.message))
        return None
    return RawDocument(FOLDERS[folder], slug, relative, source, split_file)


def _folder_list() -> str:
    folders = [f"content/{folder}/" for folder in FOLDERS]
    return ", ".join(folders[:-1]) + " eller " + folders[-1]


def _registry(root: Path, name: str, problems: list[Problem]) -> RawRegistry | None:
    path = root / f"{name}.yaml"
    source = display(path)
    if not path.exists() and not path.is_symlink():
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
