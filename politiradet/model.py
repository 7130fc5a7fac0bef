"""The archive's content model: plain frozen data, never touching the disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["referat", "avtale", "oppfolgingspunkt"]

FOLDERS: Mapping[str, Kind] = {
    "referater": "referat",
    "avtaler": "avtale",
    "oppfolgingspunkter": "oppfolgingspunkt",
}
"""Content folder -> document kind. The folder is also the first part of the URL."""

KIND_FOLDER: Mapping[Kind, str] = {kind: folder for folder, kind in FOLDERS.items()}

KIND_LABEL: Mapping[Kind, str] = {
    "referat": "Referat",
    "avtale": "Avtale",
    "oppfolgingspunkt": "Oppfølgingspunkt",
}

REGISTRIES = ("temaer", "omrader", "forkortelser")
"""Registry files in the content root: ``<name>.yaml``, validated by ``<name>.schema.json``."""


@dataclass(frozen=True, slots=True)
class Topic:
    """A theme (tema) that documents are tagged with."""

    slug: str
    name: str
    description: str


AREA_LEVELS = ("politidistrikt", "driftsenhet", "bydel", "prioritert område")
"""The levels of «nivå», highest first (as in schema/omrader.schema.json): a parent is higher."""


@dataclass(frozen=True, slots=True)
class Area:
    """A place (område): politidistrikt -> driftsenhet -> bydel -> prioritert område."""

    slug: str
    name: str
    level: str
    parents: tuple[str, ...]
    """Slugs of the enclosing areas; a bydel split between two police units has two."""
    description: str


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """An abbreviation used in the documents and what it stands for."""

    short: str
    meaning: str
    description: str = ""


SOURCE_FOLDER = "kilder"
"""Folder in the content root for the original documents (PDF) that ``kilde.fil`` names."""
MAX_PDF_BYTES = 50_000_000
"""Largest original document published beside a page."""


@dataclass(frozen=True, slots=True)
class SourcePdf:
    """An original document in ``content/kilder/``, checked to be a PDF of a sensible size."""

    name: str
    """Path inside ``content/kilder/``, with forward slashes: ``referat-2025-05-14.pdf``."""
    size: int
    digest: str
    """SHA-256 of the bytes, so an unchanged file is never copied again."""
    location: str
    """Where the loader found it, for the writer to copy (the model itself never reads it)."""


@dataclass(frozen=True, slots=True)
class Document:
    """One content file: a referat, an avtale or an oppfølgingspunkt."""

    kind: Kind
    slug: str
    """The file name without ``.md``; also the last part of the URL."""
    path: str
    """Path inside the content folder, with forward slashes: ``referater/2025-05-14.md``."""
    source: str
    """Path as the editor sees it, used in messages."""
    title: str
    date: dt.date
    topics: tuple[str, ...]
    areas: tuple[str, ...]
    draft: bool
    fields: Mapping[str, Any]
    """The whole validated front matter, for type-specific keys (motetype, signatarer …)."""
    body: str
    body_line: int
    """Line in the file where the Markdown body starts."""
    locations: Mapping[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)
    """(line, col) of each front matter value, for messages about references."""

    @property
    def url(self) -> str:
        """Site-relative URL of the document's page, without the base URL."""
        return f"{KIND_FOLDER[self.kind]}/{self.slug}/"

    @property
    def year(self) -> int:
        """The year the document is listed under: a follow-up point's seminar year, else the
        year of its date (for an undated agreement, the first year it applies)."""
        if self.kind == "oppfolgingspunkt" and isinstance(self.fields.get("seminar"), int):
            return int(self.fields["seminar"])
        return self.date.year

    @property
    def dated(self) -> bool:
        """False when the source gives no date (``udatert``): :attr:`date` is then only where
        the document sorts (the first day of its validity) and is never shown."""
        return not self.fields.get("udatert", False)


@dataclass(frozen=True, slots=True)
class Content:
    """Everything in ``content/`` after validation, drafts included."""

    documents: tuple[Document, ...]
    topics: Mapping[str, Topic]
    areas: Mapping[str, Area]
    abbreviations: tuple[Abbreviation, ...] = field(default_factory=tuple)
    changed: Mapping[str, dt.datetime] = field(default_factory=dict)
    """Content path -> time of the last git commit touching the file («Sist endret»)."""
    source_files: Mapping[str, SourcePdf] = field(default_factory=dict)
    """The usable PDFs in ``content/kilder/`` by name."""

    def by_path(self) -> dict[str, Document]:
        return {doc.path: doc for doc in self.documents}

    def with_ancestors(self, slugs: Iterable[str]) -> tuple[str, ...]:
        """The areas and every area above them, each once, nearest first.

        A document about Furuset then also belongs to Bydel Alna, Enhet øst and Oslo
        politidistrikt. Unknown slugs are skipped.
        """
        found: list[str] = []
        queue = list(slugs)
        while queue:
            slug = queue.pop(0)
            if slug in found or slug not in self.areas:
                continue
            found.append(slug)
            queue += self.areas[slug].parents
        return tuple(found)
