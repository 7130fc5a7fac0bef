"""The on-disk cache of compiled bodies: one checked JSON file per record.

A record's key is the SHA-256 of everything its HTML depends on: the body and where it
starts in the file, the document's path (links are resolved from it), the abbreviation
registry, and the generator itself (the source of this package and the versions of the
Markdown libraries). Each file starts with a header line giving the format, the key and the
SHA-256 of the JSON after it; a file whose header, key or checksum does not match (corrupt,
stale, from another version, or not ours) is ignored and written again. Nothing is ever
unpickled: the payload is JSON read into typed fields. The cache is only a shortcut: delete
it and the next build compiles everything again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from .cache import cache_root, library_version
from .model import Compiled, CompiledStatus, Document, Heading, LinkRef, Note

FORMAT = 1
MAGIC = "politiradet-compiled"
PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("markdown-it-py", "mdit-py-plugins")
_T = TypeVar("_T")


@functools.cache
def generator_version() -> str:
    """Hash of this package's source and the Markdown libraries' versions."""
    digest = hashlib.sha256(f"{FORMAT}\0".encode())
    for name in LIBRARIES:
        digest.update(f"{name}={library_version(name)}\0".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def registry_fingerprint(abbreviations: Mapping[str, str]) -> str:
    """Hash of the registries a body's HTML depends on (today: the abbreviations)."""
    data = json.dumps(sorted(abbreviations.items()), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


class RecordCache:
    """Compiled records on disk, under ``<cache root>/compiled/``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or cache_root() / "compiled"

    def key(self, doc: Document, registries: str) -> str:
        material = json.dumps([generator_version(), registries, doc.path, doc.body_line,
                               doc.body], ensure_ascii=False)
        return hashlib.sha256(material.encode()).hexdigest()

    def get(self, key: str) -> Compiled | None:
        """The record stored under *key*, or None when absent or not to be trusted."""
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        return decode(data, key)

    def put(self, key: str, compiled: Compiled) -> None:
        """Store *compiled* under *key*; a cache that cannot be written is simply not used."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-",
                                             delete=False) as handle:
                handle.write(encode(compiled, key))
            os.replace(handle.name, path)
        except OSError:
            return

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"


def encode(compiled: Compiled, key: str) -> bytes:
    """The header line and the record as JSON."""
    payload = json.dumps(_as_json(compiled), ensure_ascii=False).encode()
    header = f"{MAGIC} {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}\n"
    return header.encode() + payload


def decode(data: bytes, key: str) -> Compiled | None:
    """The record in *data* if its header names *key* and its checksum matches."""
    header, _, payload = data.partition(b"\n")
    expected = f"{MAGIC} {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}".encode()
    if header != expected:
        return None
    try:
        return _from_json(json.loads(payload))
    except (ValueError, TypeError, KeyError):
        return None


def _as_json(c: Compiled) -> dict[str, Any]:
    return {
        "html": c.html, "text": c.text, "lead": c.lead,
        "links": [[r.href, r.line, r.col, r.image] for r in c.links],
        "headings": [[h.level, h.text, h.anchor] for h in c.headings],
        "abbreviations": list(c.abbreviations),
        "statuses": [[s.point, s.line, s.closed, s.html, s.text] for s in c.statuses],
        "notes": [[n.line, n.col, n.message] for n in c.notes],
    }


def _from_json(data: Any) -> Compiled:
    return Compiled(
        html=_typed(data["html"], str), text=_typed(data["text"], str),
        lead=_typed(data["lead"], str),
        links=tuple(LinkRef(_typed(h, str), _typed(line, int), _typed(col, int),
                            _typed(image, bool)) for h, line, col, image in data["links"]),
        headings=tuple(Heading(_typed(level, int), _typed(text, str), _typed(anchor, str))
                       for level, text, anchor in data["headings"]),
        abbreviations=tuple(_typed(a, str) for a in data["abbreviations"]),
        statuses=tuple(CompiledStatus(_typed(point, str), _typed(line, int),
                                      _typed(closed, bool), _typed(html, str), _typed(text, str))
                       for point, line, closed, html, text in data["statuses"]),
        notes=tuple(Note(_typed(line, int), _typed(col, int), _typed(message, str))
                    for line, col, message in data["notes"]),
    )


def _typed(value: Any, kind: type[_T]) -> _T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}")
    return value
