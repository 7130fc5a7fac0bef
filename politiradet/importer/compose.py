"""Write the draft: front matter from the suggestions, then the body as Markdown."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator, Sequence

from ..commands.scaffold import file_text, scalar
from ..common import norsk
from .document import CONTROL, Block, SourceFormat
from .participants import Participants
from .suggest import Match, Suggestions

FORMAT_NAMES: dict[SourceFormat, str | None] = {"PDF": "PDF", "Word": "Word", "tekst": None}


def compose(suggestions: Suggestions, body: Sequence[Block], footnotes: Sequence[str],
            source_format: SourceFormat, people: Participants | None = None,
            original: str | None = None) -> str:
    """The whole draft file."""
    notes = "\n".join(f"[^{n}]: {_inline(note)}" for n, note in enumerate(footnotes, 1))
    text = markdown(body) + (f"\n\n{notes}" if notes else "")
    return file_text(_front(suggestions, source_format, people or Participants(), original), text)


def _front(s: Suggestions, source_format: SourceFormat, people: Participants,
           original: str | None) -> Iterator[str]:
    yield f"tittel: {scalar(_plain(s.title))}"
    yield f"dato: {_date(s)}"
    if s.kind == "referat":
        if s.dates.end:
            yield f"sluttdato: {json.dumps(s.dates.end.isoformat())}"
        yield f"motetype: {s.meeting_type}"
        if s.council.slug:
            yield f"politirad: {s.council.slug}"
        if s.place:
            yield f"sted: {scalar(_plain(s.place))}"
        yield from _people(people)
    else:
        yield from _agreement(s)
    yield from _comment("Temaer foreslått fra teksten (ord funnet og antall): "
                        + _evidence(s.topics))
    yield f"temaer: {scalar([m.slug for m in s.topics])}"
    yield from _comment("Områder foreslått fra teksten: " + _evidence(s.areas))
    yield f"omrader: {scalar([m.slug for m in s.areas])}"
    if s.kind == "referat" and s.planned:
        yield "planlagte_moter:"
        for meeting in s.planned:
            yield f"  - dato: {json.dumps(meeting.date.isoformat())}"
            if meeting.end:
                yield f"    sluttdato: {json.dumps(meeting.end.isoformat())}"
            yield f"    motetype: {meeting.kind}"
    yield "kilde:"
    yield f"  tittel: {scalar(_plain(s.source_title))}"
    if FORMAT_NAMES[source_format]:
        yield f"  format: {FORMAT_NAMES[source_format]}"
    if s.publisher:
        yield f"  utgiver: {scalar(_plain(s.publisher))}"
    if original:
        yield f"  fil: {scalar(original)}"
    yield f"  merknad: {scalar(_remark(source_format))}"
    yield from _comment("true: kontrolleres, men publiseres ikke. Fjern linjen når du har "
                        "lest gjennom utkastet og rettet det importrapporten ber deg se på.")
    yield "utkast: true"


def _people(people: Participants) -> Iterator[str]:
    """``til_stede``, ``forfall`` and ``referent``, one person a line."""
    for key, names in (("til_stede", people.present), ("forfall", people.absent)):
        if names:
            yield f"{key}:"
            yield from (f"  - {scalar(_plain(name))}" for name in names)
    if people.minute_taker:
        yield f"referent: {scalar(_plain(people.minute_taker))}"


def _date(s: Suggestions) -> str:
    """The date found; else an agreement's first year; else today, as ``new`` writes it (the
    report asks the editor to write the right date)."""
    if s.dates.start:
        return json.dumps(s.dates.start.isoformat())
    if s.period:
        return json.dumps(f"{s.period[0]}-01-01")
    return json.dumps(norsk.build_date().isoformat())


def _agreement(s: Suggestions) -> Iterator[str]:
    if s.dates.start is None:
        yield "udatert: true"
    yield f"avtaletype: {s.agreement_type}"
    year = (s.dates.start or norsk.build_date()).year
    first, last = s.period or (year, year)
    yield f"gyldig_fra: {first}"
    yield f"gyldig_til: {last}"


def _remark(source_format: SourceFormat) -> str:
    origin = {"PDF": "fra PDF", "Word": "fra Word", "tekst": "fra tekstfil"}[source_format]
    return (f"Importert {origin} med «python build.py import»; skannefeil er rettet der det "
            f"rettede ordet finnes i ordlisten.")


def _evidence(matches: Sequence[Match]) -> str:
    if not matches:
        return "ingen."
    return "; ".join(f"{m.slug} ({', '.join(f'{t} ×{c}' for t, c in m.terms[:3])})"
                     for m in matches) + "."


def _comment(text: str) -> Iterator[str]:
    for line in textwrap.wrap(text, width=90, break_on_hyphens=False):
        yield f"# {line}"


def markdown(blocks: Sequence[Block]) -> str:
    """The body blocks as Markdown, a blank line between blocks, lists kept tight."""
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if previous is not None:
            tight = previous.kind == "item" and block.kind == "item" and \
                (previous.number is None) == (block.number is None)
            out.append("\n" if tight else "\n\n")
        out.append(_block(block))
        previous = block
    return "".join(out)


def _block(block: Block) -> str:
    if block.kind == "heading":
        return f"{'#' * max(2, min(block.level, 6))} {_inline(block.text)}"
    if block.kind == "item":
        indent = "  " * block.level
        marker = f"{block.number}." if block.number is not None else "-"
        return f"{indent}{marker} {_inline(block.text)}"
    if block.kind == "table":
        return _table(block.rows)
    if block.kind == "rule":
        return "***"  # a thematic break that no one takes for the front matter's «---»
    if block.kind == "status":
        return f"::: status {block.point}\n{markdown(block.children)}\n:::"
    if block.kind == "decision":
        return f"::: vedtak\n{markdown(block.children)}\n:::"
    return _paragraph(block.text)


def _paragraph(text: str) -> str:
    text = _inline(text)
    if re.match(r"^(\d{1,9}[.)]\s|[-+*]\s|#|>|:::)", text):
        text = "\\" + text if not text[0].isdigit() else re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return text


def _plain(text: str) -> str:
    """Text on one line, without the characters the archive refuses."""
    return re.sub(r"\s+", " ", CONTROL.sub(" ", text)).strip()


def _inline(text: str) -> str:
    return _plain(text).replace("<", "&lt;")


def _table(rows: Sequence[Sequence[str]]) -> str:
    width = max(len(row) for row in rows)
    cells = [[_inline(c).replace("|", "\\|") for c in row] + [""] * (width - len(row))
             for row in rows]
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    return "\n".join(lines)
