"""``python build.py import FIL``: run the import stages and write one new draft."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..common import norsk, savefile
from ..common.slug import SLUG, suggest_slug
from ..errors import Problem
from ..model.content import KIND_FOLDER, SOURCE_FOLDER, Kind, SourcePdf
from ..stages.load import display
from .compose import compose
from .context import ArchiveContext, load_context
from .council import choose
from .document import SourceDocument
from .errors import ImportRefused
from .isolate import run_reader
from .lexicon import Lexicon
from .limits import DOCX_SECONDS, TEXT_SECONDS
from .participants import Participants, take_participants
from .read_pdf import read_pdf
from .recognise import recognise, split_head
from .repair import repair_document
from .report import ImportReport
from .sniff import Format, sniff
from .suggest import Registries, Suggestions, suggest, when
from .verify import verify

KINDS: tuple[Kind, ...] = ("referat", "avtale")


@dataclass(frozen=True, slots=True)
class Draft:
    """The draft, ready to be written, and its report."""

    relative: str
    text: str
    report: ImportReport
    original: bytes = b""
    """The PDF's bytes as they were read, when they are to be kept in ``content/kilder/``."""


def import_file(source: Path, content: Path, schema: Path, kind: str | None = None,
                slug: str | None = None, keep_original: bool = False,
                council: str | None = None) -> ImportReport:
    """Import *source* as a new draft in *content*; return the report. Never overwrites.

    With *keep_original*, a PDF is also copied into ``content/kilder/`` (under a name not
    taken, or the name of the same file already there) and named in ``kilde.fil``. A referat
    is from *council* (a slug of ``politirad.yaml``) when given, else from the council its
    title or letterhead names, else from the archive's own."""
    context = load_context(content, schema)
    draft = prepare(source, context, kind, slug, keep_original, council)
    _refuse_second_referat(draft.report.suggestions, context)
    target = content / draft.relative
    name = draft.report.original
    kept = {name: _source_pdf(draft.original, content, name)} if name else {}
    problems = verify(context, draft.relative, draft.text, display(target), kept)
    if problems:
        raise ImportRefused(_invalid(problems))
    copied = _copy_original(draft.original, content, name) if name else None
    try:
        _write_new(target, draft.text)
    except ImportRefused:
        if copied is not None:
            copied.unlink()
        raise
    return draft.report


def prepare(source: Path, context: ArchiveContext, kind: str | None = None,
            slug: str | None = None, keep_original: bool = False,
            council: str | None = None) -> Draft:
    """Every stage but writing: the draft's content path, its text and the report."""
    if kind is not None and kind not in KINDS:
        raise ImportRefused(f"ukjent type «{kind}». Velg referat eller avtale.")
    file_format, data = sniff(source)
    document = read(source.name, file_format, data)
    lexicon = Lexicon(context.registry_words())
    repaired, repairs = repair_document(document, lexicon)
    head = split_head(repaired.blocks)
    time = when(head.body, head.title, kind)
    chosen = choose(council, time.kind, head, head.body, context)
    found = recognise(head.body, time.year, context.points)
    people, body = take_participants(found.blocks) if (kind or "referat") == "referat" \
        else (Participants(), found.blocks)
    registries = Registries(context.topics, context.areas, context.abbreviations)
    suggestions = suggest(body, head, kind, registries, source.stem, chosen)
    if suggestions.kind != "referat":
        people, body = Participants(), found.blocks
    relative = _relative_path(suggestions.kind, slug, suggestions, context.content_dir)
    original = _original_name(data, context.content_dir, relative) \
        if keep_original and repaired.format == "PDF" else None
    text = compose(suggestions, body, repaired.footnotes, repaired.format, people, original)
    report = ImportReport(display(context.content_dir / relative), source.name,
                          repaired.format, suggestions, found, repairs, repaired.notes, head,
                          people, original, keep_original)
    return Draft(relative, text, report, data if original else b"")


def read(name: str, file_format: Format, data: bytes) -> SourceDocument:
    """The file *name*'s bytes *data* (as :func:`sniff` found them) read by the reader for
    their format, in a child process with a time limit (:mod:`isolate`, :mod:`limits`)."""
    document: SourceDocument
    if file_format == "txt":
        document = run_reader("text", data, TEXT_SECONDS)
    elif file_format == "docx":
        document = run_reader("docx", data, DOCX_SECONDS)
    else:
        document = read_pdf(data)
    if not any(block.text.strip() or block.rows for block in document.blocks):
        raise ImportRefused(f"fant ingen tekst i «{name}». Sjekk at det er riktig fil.")
    return document


def _relative_path(kind: str, slug: str | None, suggestions: Suggestions,
                   content: Path) -> str:
    if slug is not None and not SLUG.fullmatch(slug):
        raise ImportRefused(f"«{slug}» kan ikke brukes som id. Bruk små bokstaver a–z, tall og "
                            f"bindestrek, for eksempel «{suggest_slug(slug)}».")
    chosen = slug or _default_slug(kind, suggestions)
    folder = KIND_FOLDER["referat" if kind == "referat" else "avtale"]
    relative = f"{folder}/{chosen}.md"
    if (content / relative).exists():
        raise ImportRefused(f"{display(content / relative)} finnes allerede, og importen "
                            f"overskriver aldri en fil. Velg en annen id med --id, for "
                            f"eksempel --id {chosen}-import.")
    return relative


def _default_slug(kind: str, suggestions: Suggestions) -> str:
    """A referat's date (with its council's slug when it is not the archive's own: two
    councils may meet on one day); else the title without «for <the council>»."""
    council = suggestions.council
    if kind == "referat" and suggestions.dates.start:
        return "-".join(filter(None, (suggestions.dates.start.isoformat(), council.slug)))
    return suggest_slug(re.sub(rf"\bfor {re.escape(council.name)}\b", "", suggestions.title,
                               flags=re.IGNORECASE))


def _refuse_second_referat(suggestions: Suggestions, context: ArchiveContext) -> None:
    """One meeting has one referat (as ``check`` says): a second import of the same minutes
    is refused here, with what to do, not as a draft that fails the check."""
    start = suggestions.dates.start
    if suggestions.kind != "referat" or start is None:
        return
    council = suggestions.council.slug or context.own_council
    existing = context.meetings.get((council, start, suggestions.meeting_type))
    if existing is not None:
        of = f" i {suggestions.council.name}" if len(context.councils) > 1 else ""
        raise ImportRefused(
            f"{existing} er allerede referatet fra {suggestions.meeting_type}{of} "
            f"{norsk.date(start)}, og ett møte har ett referat. Er det samme referat, rett den "
            f"filen; skal den nye erstatte den, slett den gamle først (git har den fortsatt).")


def _original_name(data: bytes, content: Path, relative: str) -> str:
    """``<id>.pdf`` in ``content/kilder/``; ``<id>-2.pdf`` … when that is another file."""
    stem = Path(relative).stem
    for number in range(1, 100):
        name = f"{stem}.pdf" if number == 1 else f"{stem}-{number}.pdf"
        existing = content / SOURCE_FOLDER / name
        if not existing.exists() or (existing.is_file() and existing.read_bytes() == data):
            return name
    raise ImportRefused(f"fant ikke et ledig filnavn for originalen i content/{SOURCE_FOLDER}/.")


def _source_pdf(data: bytes, content: Path, name: str) -> SourcePdf:
    return SourcePdf(name, len(data), hashlib.sha256(data).hexdigest(),
                     str(content / SOURCE_FOLDER / name))


def _copy_original(data: bytes, content: Path, name: str) -> Path | None:
    """Copy the PDF to ``content/kilder/<name>`` (never over a file); the path when this made
    it, None when the same file was there already."""
    target = content / SOURCE_FOLDER / name
    if target.exists():
        return None
    try:
        savefile.write_new(target, data)
    except FileExistsError:
        raise ImportRefused(f"{display(target)} finnes allerede, og importen overskriver aldri "
                            f"en fil.") from None
    return target


def _write_new(target: Path, text: str) -> None:
    try:
        savefile.write_new(target, text.encode("utf-8"))
    except FileExistsError:
        raise ImportRefused(f"{display(target)} finnes allerede, og importen overskriver "
                            f"aldri en fil. Velg en annen id med --id.") from None


def _invalid(problems: list[Problem]) -> str:
    listed = "\n".join(f"  {p}" for p in problems)
    return (f"utkastet ville ikke bestått kontrollen, så ingenting ble skrevet:\n{listed}\n"
            f"Dette er en feil i importen; meld den til utviklerne sammen med filen.")
