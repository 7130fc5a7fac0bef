"""The short Norwegian report printed after an import."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..common import norsk
from .document import plain
from .participants import Participants
from .recognise import Head, Recognised
from .repair import Repair
from .suggest import Match, Suggestions

MAX_LISTED = 40
FINISHED = re.compile(r"\b(?:avsluttes|er avsluttet|kan avsluttes|er fullført|ferdigstilt)\b",
                      re.IGNORECASE)
"""Words in a status that say the point may be done."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What the import found and did."""

    written: str
    source_name: str
    source_format: str
    suggestions: Suggestions
    recognised: Recognised
    repairs: tuple[Repair, ...]
    reader_notes: tuple[str, ...]
    head: Head
    people: Participants
    original: str | None = None
    """The PDF's name in ``content/kilder/`` when it was kept (``--behold-original``)."""
    keep_asked: bool = False

    def lines(self) -> Iterator[str]:
        yield f"Importerte «{self.source_name}» ({self.source_format}) som utkast: {self.written}"
        yield ""
        yield "Gjenkjent:"
        yield from _bullets(self._recognised())
        yield ""
        yield "Se over før publisering:"
        yield from _bullets(self._to_check())
        yield ""
        yield ("Utkastet består «check». Les det gjennom, rett det som trengs, og fjern "
               "«utkast: true» når det skal publiseres.")

    def _recognised(self) -> Iterator[str]:
        s = self.suggestions
        yield f"tittel: {s.title}"
        if s.dates.start:
            kind = s.meeting_type if s.kind == "referat" else s.agreement_type
            yield f"dato: {s.dates.text()} ({kind})"
        if s.place:
            yield f"sted: {s.place}"
        if s.council.how:
            yield f"politiråd: {s.council.name} ({s.council.how})"
        if s.period and s.kind == "avtale":
            yield f"gyldighet: {s.period[0]}–{s.period[1]}"
        headings = sum(1 for b in self.recognised.blocks if b.kind == "heading")
        yield f"{norsk.count(headings, 'overskrift', 'overskrifter')} (saker og avsnitt)"
        if self.recognised.statuses:
            yield f"statusblokker for oppfølgingspunktene {', '.join(self.recognised.statuses)}"
        if self.recognised.decisions:
            yield (f"{norsk.count(self.recognised.decisions, 'vedtak', 'vedtak')} («Vedtak: …») "
                   f"som «::: vedtak»-blokker: de vises som vedtak og listes ved siden av "
                   f"referatet")
        if self.recognised.unwrapped:
            yield (f"punktets tittel står i overskriften og «Status:» er tatt bort: "
                   f"{', '.join(self.recognised.unwrapped)} (statusblokken har bare statusen)")
        if self.recognised.renumbered:
            yield (f"nummeret til punktene {', '.join(self.recognised.renumbered)} manglet i "
                   f"kilden og er funnet ved å sammenligne med punktenes vedtatte tekst")
        yield from self._people()
        if self.original:
            yield (f"originalen er kopiert til content/kilder/{self.original} og står i "
                   f"«kilde.fil»; den publiseres ved siden av referatet")
        yield "temaer: " + _matches(s.topics)
        yield "områder: " + _matches(s.areas)
        for meeting in s.planned:
            end = f"–{meeting.end.isoformat()}" if meeting.end else ""
            yield f"planlagt {meeting.kind}: {meeting.date.isoformat()}{end}"
        yield from self._removed()
        yield from self.reader_notes

    def _original(self) -> Iterator[str]:
        if self.source_format == "PDF" and self.original is None:
            yield (f"originalen kan følge med referatet: importer med «--behold-original», så "
                   f"kopieres PDF-en til content/kilder/ og står i «kilde.fil»; eller legg den "
                   f"der selv og skriv «fil: {Path(self.written).stem}.pdf» under «kilde»")
        elif self.keep_asked and self.original is None:
            yield (f"«--behold-original» gjelder bare PDF ({self.source_format}-filen er ikke "
                   f"kopiert): lagre originalen som PDF i content/kilder/ og skriv filnavnet i "
                   f"«kilde.fil»")

    def _finished(self) -> Iterator[str]:
        """Points whose status says the work is done, but whose block does not close them."""
        for block in self.recognised.blocks:
            text = " ".join(child.text for child in block.children)
            if block.kind == "status" and FINISHED.search(text):
                yield block.point

    def _people(self) -> Iterator[str]:
        people = self.people
        if people.present:
            yield f"til stede ({len(people.present)}): {'; '.join(people.present)}"
        if people.absent:
            yield f"forfall ({len(people.absent)}): {'; '.join(people.absent)}"
        if people.minute_taker:
            yield f"referent: {people.minute_taker}"
        if people.taken:
            yield (f"flyttet fra teksten til «til_stede», «forfall» og «referent» (siden viser "
                   f"dem over teksten): {_quoted(people.taken)}")

    def _removed(self) -> Iterator[str]:
        """Exactly what was taken out of the text, and where it went."""
        head = self.head
        if head.title is not None:
            yield (f"tittellinjen {_quoted([head.title.text])} er brukt som «kilde.tittel» og "
                   f"står ikke i teksten (sidens overskrift er «tittel»)")
        if head.letterhead:
            publisher = (f" (foreslått som «kilde.utgiver: {self.suggestions.publisher}»)"
                         if self.suggestions.publisher else "")
            yield f"brevhode fjernet øverst: {_quoted(head.letterhead)}{publisher}"
        if self.recognised.removed:
            yield f"brevhode/bunntekst fjernet: {_quoted(self.recognised.removed)}"

    def _to_check(self) -> Iterator[str]:
        s = self.suggestions
        if s.dates.start is None:
            yield "fant ingen dato i teksten: skriv riktig dato i «dato»"
        if not s.source_title_found:
            yield (f"fant ingen tittellinje øverst: «kilde.tittel» er filnavnet "
                   f"«{s.source_title}»; skriv originaldokumentets tittel")
        for point in self._finished():
            yield (f"statusen for {point} sier at arbeidet er avsluttet eller fullført: har "
                   f"politirådet avsluttet punktet, skriv «::: status {point} avsluttet»")
        if self.people.present or self.people.absent:
            yield ("«til_stede» og «forfall» er delt ved komma: se at hver linje er én person "
                   "(«Kari Nordmann, direktør i …» holdes sammen)")
        if not self.recognised.statuses and not self.recognised.missing_points:
            yield "ingen statuser for oppfølgingspunkter funnet"
        if self.recognised.unplaced:
            lines = norsk.count(self.recognised.unplaced, "«Status:»-linje", "«Status:»-linjer")
            yield (f"{lines} under oppfølgingspunktene står ikke under et punktnummer og er "
                   f"vanlig tekst: skriv hver som «::: status <punkt>»-blokk under riktig punkt")
        for point in self.recognised.missing_points:
            yield (f"status for punkt {point}, som ikke finnes i arkivet: står som vanlig "
                   f"tekst. Lag punktet med «python build.py new oppfolgingspunkt {point}», "
                   f"eller rett nummeret")
        if s.unknown_abbreviations:
            listed = ", ".join(f"{w} ({c})" for w, c in s.unknown_abbreviations[:15])
            yield f"forkortelser som mangler i forkortelser.yaml: {listed}"
        yield from self._original()
        if self.repairs:
            total = sum(r.count for r in self.repairs)
            yield (f"{norsk.count(total, 'skannefeil', 'skannefeil')} rettet "
                   f"({norsk.count(len(self.repairs), 'ulik', 'ulike')}), kontroller dem:")
            yield from (f"  {line}" for line in _repair_lines(self.repairs))
        yield "temaer og områder er forslag: sjekk dem mot innholdet"

    def text(self) -> str:
        return "\n".join(self.lines())


def _bullets(items: Iterator[str]) -> Iterator[str]:
    for item in items:
        yield item if item.startswith("  ") else f"- {item}"


def _quoted(texts: Sequence[str]) -> str:
    return ", ".join(f"«{plain(text)}»" for text in texts)


def _matches(matches: Sequence[Match]) -> str:
    if not matches:
        return "ingen funnet"
    return ", ".join(f"{m.slug} ({m.count})" for m in matches)


def _repair_lines(repairs: Sequence[Repair]) -> Iterator[str]:
    items = [f"{r.before} → {r.after}" + (f" ({r.count})" if r.count > 1 else "")
             for r in repairs]
    line = ""
    for item in items[:MAX_LISTED]:
        if len(line) + len(item) > 86:
            yield line.rstrip(", ")
            line = ""
        line += item + ", "
    if line:
        yield line.rstrip(", ")
    if len(items) > MAX_LISTED:
        yield f"… og {len(items) - MAX_LISTED} til"
