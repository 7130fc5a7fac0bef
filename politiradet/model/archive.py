"""The published archive with every cross-reference resolved: what the link stage hands on.

Render, feeds, search and the preview's quick page read these types; none of them needs the
link stage itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from .content import FOLDERS, Compiled, CompiledStatus, Content, Document


@dataclass(frozen=True, slots=True)
class Target:
    """Where an href written in a document leads."""

    path: str | None
    """Content path of the target document, or None for external and same-page links."""
    fragment: str

    @property
    def url(self) -> str | None:
        """Site-relative URL of the target with its fragment; None when it is no document."""
        page = document_url(self.path) if self.path is not None else None
        if page is None:
            return None
        return f"{page}#{self.fragment}" if self.fragment else page


def document_url(path: str) -> str | None:
    """Site-relative URL of the document at content *path* (``referater/x.md`` ->
    ``referater/x/``), or None when no document can live there."""
    folder, _, name = path.partition("/")
    if folder not in FOLDERS or "/" in name or not name.endswith(".md"):
        return None
    return f"{folder}/{name.removesuffix('.md')}/"


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A follow-up point's status as reported in a referat."""

    point: Document
    document: Document
    block: CompiledStatus


@dataclass(frozen=True, slots=True)
class Archive:
    """The published archive with every cross-reference resolved."""

    content: Content
    documents: tuple[Document, ...]
    """Published documents (no drafts, except in the draft preview), newest first."""
    compiled: Mapping[str, Compiled]
    """Content path -> the published document's compiled body."""
    by_topic: Mapping[str, tuple[Document, ...]]
    by_area: Mapping[str, tuple[Document, ...]]
    """Documents tagged with an area or any area below it."""
    area_children: Mapping[str, tuple[str, ...]]
    by_year: Mapping[int, tuple[Document, ...]]
    history: Mapping[str, tuple[StatusUpdate, ...]]
    """Follow-up point path -> its status updates, oldest first."""
    reported: Mapping[str, tuple[StatusUpdate, ...]]
    """Document path -> the status updates it gives, in text order."""
    backlinks: Mapping[str, tuple[Document, ...]]
    targets: Mapping[tuple[str, str], Target]
    """(document path, href as written) -> resolved target."""
    published_here: Mapping[str, tuple[Document, ...]] = field(default_factory=dict)
    """Document path -> the follow-up points first published in it (``publisert_i``), newest
    seminar first, then by number."""
    by_path: Mapping[str, Document] = field(default_factory=dict)
    """Published documents by content path, for :meth:`get` in constant time."""
    mentioning_topic: Mapping[str, tuple[Document, ...]] = field(default_factory=dict)
    """Topic -> the documents that mention it but are not tagged with it, newest first."""
    mentioning_area: Mapping[str, tuple[Document, ...]] = field(default_factory=dict)
    """Area -> the documents that mention it or an area below it but are not tagged with
    either (:attr:`by_area`), newest first."""

    def about_or_mentioning(self, registry: str, slug: str) -> tuple[Document, ...]:
        """The documents about a topic (*registry* ``temaer``) or an area (``omrader``) and
        those mentioning it, newest first, as the archive lists them."""
        about, mentioning = ((self.by_topic, self.mentioning_topic) if registry == "temaer"
                             else (self.by_area, self.mentioning_area))
        chosen = {d.path for d in (*about.get(slug, ()), *mentioning.get(slug, ()))}
        return tuple(d for d in self.documents if d.path in chosen)

    def get(self, path: str) -> Document:
        return self.by_path[path]

    def point_link(self, point: Document, key: str) -> Document | None:
        """The published document a point's ``publisert_i`` or ``vedtatt_pa`` leads to."""
        target = self.targets.get((point.path, point.fields.get(key, "")))
        if target is None or target.path is None:
            return None
        return self.by_path.get(target.path)

    def href_url(self, doc: Document, href: str) -> str | None:
        """Site-relative URL an href in *doc*'s front matter leads to; None when external."""
        target = self.targets.get((doc.path, href))
        return target.url if target is not None else None


def area_children(content: Content) -> dict[str, tuple[str, ...]]:
    """Area slug -> the slugs of the areas directly below it, in registry order."""
    children: dict[str, list[str]] = defaultdict(list)
    for area in content.areas.values():
        for parent in area.parents:
            children[parent].append(area.slug)
    return {parent: tuple(kids) for parent, kids in children.items()}


def points_in_order(documents: tuple[Document, ...]) -> list[Document]:
    """The follow-up points among *documents*: newest seminar first, then by number."""
    return sorted((d for d in documents if d.kind == "oppfolgingspunkt"),
                  key=lambda d: (-d.fields["seminar"], d.fields["nummer"]))
