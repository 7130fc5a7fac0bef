"""Run the archive's real validator on the draft, in this process, before it is written."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import Problem
from ..model.content import FOLDERS, SourcePdf
from ..pipeline import check_content
from ..stages.frontmatter import FrontMatterError, decode, split
from ..stages.load import RawContent, RawDocument
from ..store.database import Store
from .context import ArchiveContext


def verify(context: ArchiveContext, relative: str, text: str, source: str,
           originals: Mapping[str, SourcePdf] | None = None) -> list[Problem]:
    """Every problem `check` would report in the draft *text* at content path *relative*, with
    the *originals* it will copy into ``content/kilder/`` as if they were there."""
    folder, _, name = relative.partition("/")
    try:
        split_file = split(decode(text.encode("utf-8")))
    except FrontMatterError as exc:
        return [Problem(source, exc.line, exc.col, exc.message)]
    draft = RawDocument(FOLDERS[folder], name.removesuffix(".md"), relative, source, split_file)
    raw = context.raw
    documents = tuple(sorted((*raw.documents, draft), key=lambda d: d.path))
    combined = RawContent(documents, raw.registries, raw.unreadable,
                          source_files={**raw.source_files, **(originals or {})},
                          refused_sources=raw.refused_sources)
    _, problems = check_content(combined, context.schemas,
                                store=Store(context.content_dir))
    return [p for p in problems if p.path == source]
