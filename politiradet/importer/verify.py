"""Run the archive's real validator on the draft, in this process, before it is written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..errors import Problem
from ..model.content import SourcePdf
from ..pipeline import check_one
from ..store.database import Store
from .context import ArchiveContext


def verify(context: ArchiveContext, relative: str, text: str, source: str,
           originals: Mapping[str, SourcePdf] | None = None) -> list[Problem]:
    """Every problem `check` would report in the draft *text* at content path *relative*, with
    the *originals* it will copy into ``content/kilder/`` as if they were there."""
    raw = replace(context.raw, source_files={**context.raw.source_files, **(originals or {})})
    return check_one(raw, context.schemas, relative, source, text.encode("utf-8"),
                     Store(context.content_dir))
