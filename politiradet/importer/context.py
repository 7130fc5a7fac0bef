"""What the archive already holds that the import needs: registries, points, file names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ContentError, UsageError
from ..model.content import SITE_NAME, Abbreviation, Area, Content, Council, Topic
from ..stages.load import RawContent, load_content, load_schemas
from ..stages.validate import Schemas, Validated, validate
from ..store.database import Store
from ..store.documents import Documents


@dataclass(frozen=True, slots=True)
class ArchiveContext:
    """The registries and follow-up points of the archive the draft goes into."""

    content_dir: Path
    raw: RawContent
    schemas: Schemas
    topics: Mapping[str, Topic]
    areas: Mapping[str, Area]
    abbreviations: tuple[Abbreviation, ...]
    points: Mapping[str, str]
    """Follow-up point id (``2025-3``) -> the point's adopted text."""
    meetings: Mapping[tuple[str, dt.date, str], str] = field(default_factory=dict)
    """Each referat's meeting (:attr:`Document.meeting`: council, date, ``motetype``) -> its
    file as the editor sees it: one meeting has one referat."""
    own_council: str = ""
    """The archive's own council: a referat from it is written without ``politirad``."""
    councils: Mapping[str, Council] = field(default_factory=dict)
    """The councils of ``politirad.yaml`` by slug, the archive's own first (empty without it)."""

    def council_name(self, slug: str) -> str:
        """How a reader names the council *slug* («Politirådet i Bergen»)."""
        council = self.councils.get(slug)
        return council.name if council else SITE_NAME

    def registry_words(self) -> Iterator[str]:
        """Every word in the registries' names and abbreviations, for the word list."""
        texts = [t.name for t in self.topics.values()] + [a.name for a in self.areas.values()]
        texts += [f"{a.short} {a.meaning}" for a in self.abbreviations]
        for text in texts:
            yield from re.findall(r"[\w]+", text)


def load_context(content_dir: Path, schema_dir: Path) -> ArchiveContext:
    """Read and validate the registries and documents of *content_dir*."""
    if not content_dir.is_dir():
        raise UsageError(f"fant ikke innholdsmappen «{content_dir}».")
    documents = load_schemas(schema_dir)
    raw, problems = load_content(content_dir, Documents(Store(content_dir), documents))
    schemas = Schemas(documents)
    validated, found = validate(raw, schemas)
    registry_problems = [p for p in problems + found if not _is_document_problem(p.path)]
    if registry_problems:
        raise ContentError(registry_problems)
    content = validated.content
    return ArchiveContext(content_dir, _validated_once(raw, validated), schemas,
                          content.topics, content.areas, content.abbreviations,
                          _points(content), _meetings(content), content.own_council,
                          content.councils)


def _validated_once(raw: RawContent, validated: Validated) -> RawContent:
    """*raw* with the documents that just passed validation marked as known valid, so the
    draft's check (:func:`politiradet.pipeline.check_one`) validates the draft and not every
    document of the archive a second time (0.4 s at 1 000 documents the build has not seen)."""
    documents = tuple(doc if doc.known_valid or doc.path in validated.invalid_paths
                      else replace(doc, known_valid=True) for doc in raw.documents)
    return replace(raw, documents=documents)


def _is_document_problem(path: str) -> bool:
    return not path.endswith(".yaml")


def _meetings(content: Content) -> dict[tuple[str, dt.date, str], str]:
    return {doc.meeting: doc.source for doc in content.documents if doc.meeting is not None}


def _points(content: Content) -> dict[str, str]:
    return {doc.slug: doc.body.strip() for doc in content.documents
            if doc.kind == "oppfolgingspunkt"}
