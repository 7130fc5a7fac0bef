"""The dependency map: which output files an edit touches.

Every output file of the site is a pure function of a small *render input*: the template (and
the templates it extends or imports), the values handed to it, the registries and graph it
reads, the base URL and the generator's own version. :func:`fingerprint` hashes such an input
in a stable way, and the map remembers, per output path, the hash of the input that made the
published file. The next build renders only outputs whose hash changed (or is new) and links
every other file from the live site unchanged. No hand-kept list of edges decides what is
stale, so forgetting one cannot publish an out-of-date page: what a page shows is what its hash
covers.

The keys are kept in the build store with each published file (:mod:`politiradet.store.site`)
and trusted only for a file exactly as the build that wrote it left it, made by the same
generator for the same base URL; anything else means that file is made again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Output:
    """One file the build may publish: its path, the hash of its render input, and the work.

    A key may be followed by a space and a *shortcut key*: a hash of more than the render
    input (all of what the page may read), cheap to compute without building the values.
    The next build compares shortcut keys first and, where they are equal, takes the key over
    without building and hashing the values again; a file is made again only when the render
    input itself differs (:func:`same_input`)."""

    path: str
    key: str
    make: Callable[[], bytes]
    chunks: Callable[[], Iterable[bytes]] | None = None
    """The same bytes in pieces, for a file too large to hold whole (the open data): made in
    the build's own process and written piece by piece."""


def with_shortcut(key: str, shortcut: str) -> str:
    return f"{key} {shortcut}"


def shortcut_of(key: str) -> str:
    """The shortcut key in an output's *key*; empty when it has none."""
    return key.partition(" ")[2]


def same_input(known: str | None, key: str) -> bool:
    """True when a file made with the key *known* is what the key *key* would make: their
    render inputs are equal, whatever their shortcut keys."""
    return known is not None and known.partition(" ")[0] == key.partition(" ")[0]


@dataclass(frozen=True, slots=True)
class Lazy:
    """A costly value of a render input: hashed by *key*, computed only if the page is rendered."""

    key: Any
    make: Callable[[], Any]


class Hasher:
    """Stable fingerprints of plain data: dataclasses, mappings, sequences, text, numbers, dates.

    Order is kept (a template shows a list in its order), types are part of the hash (``Markup``
    and ``str`` escape differently) and anything unknown is refused rather than guessed at.
    Fingerprints of large frozen objects are remembered by identity for the hasher's lifetime.
    A dataclass whose class names ``fingerprint_fields`` is hashed by those fields alone: a
    compiled body
    (:class:`politiradet.model.content.Compiled`) by its digest, not its HTML and text.
    """

    def __init__(self, exclude: Mapping[type, frozenset[str]] | None = None) -> None:
        self._exclude = dict(exclude or {})
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def digest(self, value: Any) -> str:
        return hashlib.blake2b(self.encode(value), digest_size=16).hexdigest()

    def forget(self) -> None:
        """Forget the fingerprints remembered so far (and the objects they are of): when the
        objects will not be hashed again, or not often. Digests stay the same."""
        self._memo = {}

    def encode(self, value: Any) -> bytes:
        chunks: list[bytes] = []
        self._encode(value, chunks)
        return b"".join(chunks)

    def _encode(self, value: Any, out: list[bytes]) -> None:
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            out.append(known[1])
            return
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            out += (b"s%d:" % len(data), data)
        elif kind is tuple or kind is list:
            out.append((b"t%d[" if kind is tuple else b"l%d[") % len(value))
            for item in value:
                self._encode(item, out)
            out.append(b"]")
        elif value is None or kind is bool or kind is int or kind is float:
            out.append(f"{kind.__name__}:{value!r};".encode())
        elif isinstance(value, str):  # Markup and other str subclasses escape differently
            data = value.encode("utf-8", "surrogatepass")
            out += (f"{kind.__name__}:{len(data)}:".encode(), data)
        elif isinstance(value, dt.date):
            out.append(f"{kind.__name__}:{value.isoformat()};".encode())
        elif isinstance(value, enum.Enum):
            out.append(f"enum:{kind.__name__}.{value.name};".encode())
        elif isinstance(value, Lazy):
            out.append(b"lazy:")
            self._encode(value.key, out)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.append(self._memoised(value, self._dataclass))
        elif isinstance(value, Mapping):
            out.append(self._memoised(value, self._mapping))
        elif isinstance(value, frozenset | set | tuple | list):
            items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
            out.append(f"{kind.__name__}[{len(items)}".encode())
            for item in items:
                self._encode(item, out)
            out.append(b"]")
        else:
            raise TypeError(f"kan ikke lage fingeravtrykk av {kind.__name__}")

    def _memoised(self, value: Any, encode: Callable[[Any, list[bytes]], None]) -> bytes:
        """The digest of a frozen object or a mapping, computed once per object."""
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        chunks: list[bytes] = []
        encode(value, chunks)
        data = hashlib.blake2b(b"".join(chunks), digest_size=16).digest()
        self._memo[id(value)] = (value, data)  # keeps *value* alive, so its id stays unique
        return data

    def _dataclass(self, value: Any, out: list[bytes]) -> None:
        kind = type(value)
        names = self._fields.get(kind)
        if names is None:
            skip = self._exclude.get(kind, frozenset())
            names = self._fields[kind] = getattr(kind, "fingerprint_fields", None) or tuple(
                f.name for f in dataclasses.fields(value) if f.name not in skip)
        as_json = getattr(kind, "fingerprint_json", ())
        out.append(f"{kind.__name__}{{".encode())
        for name in names:
            out.append(name.encode() + b"=")
            if name in as_json:
                self._encode_json(getattr(value, name), out)
            else:
                self._encode(getattr(value, name), out)
        out.append(b"}")

    def _encode_json(self, value: Any, out: list[bytes]) -> None:
        """*value* as its JSON text when it is JSON data (dicts with text keys, lists, text,
        whole numbers, booleans and None), else as any other value."""
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                              check_circular=False, allow_nan=False, default=_not_json)
        except (TypeError, ValueError):
            self._encode(value, out)
            return
        data = text.encode("utf-8", "surrogatepass")
        out += (b"json%d:" % len(data), data)

    def _mapping(self, value: Mapping[Any, Any], out: list[bytes]) -> None:
        out.append(b"map[%d" % len(value))
        for key, item in value.items():
            self._encode(key, out)
            self._encode(item, out)
        out.append(b"]")


def _not_json(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} er ikke JSON")
