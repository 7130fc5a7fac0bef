"""The archive's content model: plain frozen data, never touching the disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

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

SEMINAR_LABEL = "Seminaroppsummering"
"""What a referat from a seminar (``motetype: seminar``) is called."""

SITE_NAME = "Politirådet i Oslo"
"""The council whose archive this is: in page titles, feeds, the calendar and open data."""

REGISTRIES = ("temaer", "omrader", "forkortelser", "politirad")
"""Registry files in the content root: ``<name>.yaml``, validated by ``<name>.schema.json``."""
OPTIONAL_REGISTRIES = frozenset({"politirad"})
"""Registries an archive may do without: without ``politirad.yaml`` it has one council."""


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
class Council:
    """A police council (politiråd) whose referater the archive holds (``politirad.yaml``)."""

    slug: str
    name: str
    """As a reader sees it: «Politirådet i Bergen»."""
    description: str = ""


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

    fingerprint_json: ClassVar[frozenset[str]] = frozenset({"fields"})
    """Hashed as JSON text (:class:`politiradet.store.deps.Hasher`): the front matter is JSON
    data (the build store keeps it as JSON, :mod:`politiradet.store.documents`), and the JSON
    encoder walks it several times faster than the hasher does."""

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
    council: str = ""
    """Slug of the police council a referat is from: its ``politirad``, or without the key the
    archive's own council (the first in ``politirad.yaml``; "" in an archive without that
    registry, which has one council). "" for the other kinds."""

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
    def meeting_kind(self) -> str | None:
        """«møte» or «seminar» for a referat (``motetype``), None for the other kinds."""
        return str(self.fields.get("motetype", "møte")) if self.kind == "referat" else None

    @property
    def kind_label(self) -> str:
        """«Referat», «Seminaroppsummering», «Avtale» or «Oppfølgingspunkt»: the type a reader
        sees in search results and filters (a seminar's summary is not the minutes of a
        meeting)."""
        return SEMINAR_LABEL if self.meeting_kind == "seminar" else KIND_LABEL[self.kind]

    @property
    def meeting(self) -> tuple[str, dt.date, str] | None:
        """The meeting a referat is the minutes of (its council, date and ``motetype``), None
        for the other kinds: one meeting has one referat (the link stage, the import and the
        editor refuse a second); two councils meeting on one day are two meetings."""
        kind = self.meeting_kind
        return None if kind is None else (self.council, self.date, kind)

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
    councils: Mapping[str, Council] = field(default_factory=dict)
    """The police councils of ``politirad.yaml`` by slug, the archive's own first; empty
    without that registry (the archive has one council)."""

    @property
    def own_council(self) -> str:
        """The slug of the council a referat without ``politirad`` is from ("" with no registry)."""
        return next(iter(self.councils), "")

    def council_name(self, doc: Document) -> str | None:
        """The name of *doc*'s council, where a reader needs it: in an archive of more than
        one council; None otherwise (and for a document that is not a referat)."""
        council = self.councils.get(doc.council) if len(self.councils) > 1 else None
        return council.name if council is not None and doc.kind == "referat" else None

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


# --- a compiled body -------------------------------------------------------------------------

BASE = "\x00"
"""Stands for the site's base path in compiled HTML. Markdown turns every NUL it reads into
U+FFFD, so this character can come from nowhere else."""


def at_base(compiled_html: str, base_path: str) -> str:
    """Compiled HTML with its links made root-relative under *base_path* (``/a/b/``)."""
    return compiled_html.replace(BASE, escape_attribute(base_path))


def escape_attribute(text: str) -> str:
    """Escape text for an HTML attribute exactly as markdown-it does (``& < > "``)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link or image target written in a body, with its place in the file."""

    href: str
    line: int
    col: int
    image: bool = False


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading, for the table of contents."""

    level: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Note:
    """A mistake in a body found while compiling it, in Norwegian, with its place."""

    line: int
    col: int
    message: str


@dataclass(frozen=True, slots=True)
class Payload:
    """The large part of a compiled body: its HTML and text, and those of its status blocks.

    Kept out of :class:`Compiled`, so the archive does not hold every body at once: a page, a
    feed or a search record asks for it (:attr:`Compiled.payload`) and drops it after use.
    """

    html: str
    text: str
    statuses: StatusTexts
    """(HTML, text) of each status block, in text order."""


StatusTexts = tuple[tuple[str, str], ...]
"""(HTML, text) of each status block of a body, in text order."""


class PayloadSource(Protocol):
    """Where a record's payload is: called, the whole payload; :meth:`statuses`, only its
    status blocks (a follow-up point's page, feed and open data show a referat's blocks, not
    the whole referat)."""

    def __call__(self) -> Payload: ...

    def statuses(self) -> StatusTexts: ...


@dataclass(frozen=True, slots=True)
class InMemory:
    """A payload that is simply kept (a body just compiled, with no store to put it in)."""

    payload: Payload

    def __call__(self) -> Payload:
        return self.payload

    def statuses(self) -> StatusTexts:
        return self.payload.statuses


@dataclass(frozen=True, slots=True)
class CompiledStatus:
    """A ``::: status <punkt>`` block: a status update for one follow-up point."""

    fingerprint_fields: ClassVar[tuple[str, ...]] = ("point", "line", "closed", "index", "digest",
                                                     "closes")

    point: str
    """The follow-up point's id as written, e.g. ``2025-1``."""
    line: int
    closed: bool
    """False when the editor forgot the closing ``:::`` and the block ran to the end."""
    index: int
    """Place of the block among the body's status blocks."""
    digest: str
    """SHA-256 of the block's own HTML and text: what shows the block changes with it, not
    with the rest of the body."""
    payload: PayloadSource = field(compare=False, repr=False)
    """The body's payload, where the block's HTML and text are (read without the rest of the
    body: :meth:`PayloadSource.statuses`)."""
    mentions: tuple[str, ...] = ()
    """Topics and areas the block's text mentions (``tema:salto``, ``omrade:furuset``; see
    :mod:`politiradet.stages.mentions`): a follow-up point's page shows the block."""
    closes: bool = False
    """The block closes the point (``::: status 2025-1 avsluttet``): the point is closed from
    the date of the document the block stands in."""
    headings_before: int = 0
    """How many of the body's headings (:attr:`Compiled.headings`) stand before the block: it
    is in the section of the last of them."""

    @property
    def html(self) -> str:
        """The block's content without its label, as shown on the point's page (footnote
        links lead back to the document); links start with :data:`BASE`."""
        return self.payload.statuses()[self.index][0]

    @property
    def text(self) -> str:
        """Plain text of the content, for open data and the point's feed."""
        return self.payload.statuses()[self.index][1]

    @property
    def anchor(self) -> str:
        return f"status-{self.point}"


@dataclass(frozen=True, slots=True)
class Decision:
    """A ``::: vedtak`` block: a decision of the meeting, where it stands and what it says."""

    number: int
    """1, 2 … in text order; the block's id on the page is ``vedtak-<number>``."""
    line: int
    text: str
    """Plain text of the decision, for the minutes' list of decisions and open data."""
    headings_before: int = 0
    """How many of the body's headings stand before the block (see
    :attr:`CompiledStatus.headings_before`)."""

    @property
    def anchor(self) -> str:
        return decision_anchor(self.number)


def decision_anchor(number: int) -> str:
    """The id of a document's *number*-th decision (1, 2 …) on its page: ``vedtak-1``."""
    return f"vedtak-{number}"


@dataclass(frozen=True, slots=True)
class Compiled:
    """A document body parsed once: everything later stages need, and no parser state.

    Small and picklable, so it is made in worker processes and kept in the on-disk cache
    (:mod:`politiradet.store.records`). What the link graph and the render plan read (links,
    headings, abbreviations, status blocks' places, lead, summary) is held here; the HTML and
    text are in the :class:`Payload`, fetched by :attr:`payload` when a page, feed or search
    record is made. :attr:`digest` identifies the whole record, so a render input that depends
    on a body hashes 64 characters instead of the body (see :class:`politiradet.store.deps.Hasher`).
    """

    fingerprint_fields: ClassVar[tuple[str, ...]] = ("digest",)

    lead: str
    """Plain text of the first paragraph (the home page's introduction)."""
    summary: str
    """The start of the plain text, cut at a word (a feed entry's summary)."""
    links: tuple[LinkRef, ...]
    headings: tuple[Heading, ...]
    abbreviations: tuple[str, ...]
    """Registered abbreviations the body uses (each marked with ``<abbr>`` at first use)."""
    statuses: tuple[CompiledStatus, ...]
    """Status blocks in text order."""
    notes: tuple[Note, ...]
    """Mistakes in the Markdown (stray ``:::`` lines, too much markup)."""
    digest: str
    """SHA-256 of the whole record as stored: equal digests, equal records."""
    payload: PayloadSource = field(compare=False, repr=False)
    """The HTML and text, loaded when called; see :class:`Payload`."""
    mentions: tuple[str, ...] = ()
    """Topics and areas the body's text mentions (``tema:salto``, ``omrade:furuset``; see
    :mod:`politiradet.stages.mentions`), found once when the body is compiled."""
    decisions: tuple[Decision, ...] = ()
    """``::: vedtak`` blocks in text order."""

    @property
    def html(self) -> str:
        """The body as HTML, status blocks and footnotes included; links start with
        :data:`BASE`."""
        return self.payload().html

    @property
    def text(self) -> str:
        """Plain text of the body, for search, feeds and open data."""
        return self.payload().text

    def html_at(self, base_path: str) -> str:
        """The body's HTML for a site published under *base_path*."""
        return at_base(self.html, base_path)
