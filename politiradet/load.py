"""Read the content folder and the schemas from disk into raw, position-aware data."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem
from .frontmatter import FrontMatterError, Parsed, SplitFile, decode, parse_yaml, split
from .model import FOLDERS, REGISTRIES, Kind

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


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


def display(path: Path) -> str:
    """The path as an editor would type it: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_content(root: Path) -> tuple[RawContent, list[Problem]]:
    """Read every document and registry below *root*, collecting all problems."""
    problems: list[Problem] = []
    documents = [doc for doc in _documents(root, problems)]
    registries = {}
    for name in REGISTRIES:
        registry = _registry(root, name, problems)
        if registry:
            registries[name] = registry
    documents.sort(key=lambda d: d.path)
    return RawContent(tuple(documents), registries), problems


def _documents(root: Path, problems: list[Problem]) -> list[RawDocument]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(".md"):
                continue
            path = Path(dirpath) / name
            raw = _document(root, path, problems)
            if raw:
                found.append(raw)
    return found


def _document(root: Path, path: Path, problems: list[Problem]) -> RawDocument | None:
    source = display(path)
    relative = path.relative_to(root).as_posix()
    folder, _, name = relative.rpartition("/")
    if folder not in FOLDERS:
        problems.append(Problem(source, 1, 1, f"dokumentet ligger i en ukjent mappe. Legg det i "
                                f"{' , '.join(f'content/{f}/' for f in FOLDERS)}."))
        return None
    slug = name.removesuffix(".md")
    if not SLUG.match(slug):
        problems.append(Problem(source, 1, 1, f"filnavnet «{name}» kan ikke brukes i en "
                                f"nettadresse. Bruk små bokstaver a–z, tall og bindestrek, "
                                f"for eksempel «{suggest_slug(slug)}.md»."))
        return None
    try:
        split_file = split(decode(_read(path)))
    except FrontMatterError as exc:
        problems.append(Problem(source, exc.line, exc.col, exc.message))
        return None
    except OSError as exc:
        problems.append(Problem(source, 1, 1, f"kan ikke lese filen: {exc.strerror}."))
        return None
    return RawDocument(FOLDERS[folder], slug, relative, source, split_file)


def _registry(root: Path, name: str, problems: list[Problem]) -> RawRegistry | None:
    path = root / f"{name}.yaml"
    source = display(path)
    if not path.is_file():
        problems.append(Problem(source, 1, 1, f"registeret mangler. Lag filen {name}.yaml i "
                                f"innholdsmappen."))
        return None
    try:
        return RawRegistry(name, source, parse_yaml(decode(_read(path))))
    except FrontMatterError as exc:
        problems.append(Problem(source, exc.line, exc.col, exc.message))
    except OSError as exc:
        problems.append(Problem(source, 1, 1, f"kan ikke lese filen: {exc.strerror}."))
    return None


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read()


def suggest_slug(text: str) -> str:
    """Turn any text into a URL-safe slug: «Møte 14. Mai» -> «mote-14-mai»."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ü": "u", "é": "e"})
    lowered = text.lower().translate(table)
    return re.sub(r"[^a-z0-9]+", "-", lowered).strip("-") or "dokument"


def load_schemas(folder: Path) -> dict[str, dict[str, Any]]:
    """Read every ``*.schema.json`` in *folder*, keyed by file name."""
    return {path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.schema.json"))}
