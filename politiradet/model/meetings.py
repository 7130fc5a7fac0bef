"""The council's meetings: those held (referater) and those fixed ahead (``planlagte_moter``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ..common import norsk
from .content import Document


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting or seminar on the council's calendar."""

    start: dt.date
    end: dt.date | None
    """Last day of a seminar over several days; None for a one-day meeting."""
    kind: str
    """«møte» or «seminar»."""
    source: Document
    """The referat that holds its minutes, or the one that fixed the date."""
    held: bool
    """True when *source* is the meeting's own referat."""


def schedule(documents: Iterable[Document]) -> list[Meeting]:
    """Every meeting the published referater record (one per referat) or fix, oldest first.

    A planned date that later got its own referat appears once, as held; the meetings of
    two councils on one day are two meetings (a planned date belongs to the council of the
    referat that fixed it).
    """
    referater = sorted((d for d in documents if d.kind == "referat"),
                       key=lambda d: (d.date, d.path))
    held = [Meeting(d.date, _day(d.fields.get("sluttdato")), d.meeting_kind or "møte", d,
                    held=True) for d in referater]
    taken = {(m.source.council, m.start, m.kind) for m in held}
    planned: dict[tuple[str, dt.date, str], Meeting] = {}
    for doc in referater:
        for entry in doc.fields.get("planlagte_moter", ()):
            key = (doc.council, norsk.day(entry["dato"]), str(entry["motetype"]))
            if key not in taken:
                planned.setdefault(key, Meeting(key[1], _day(entry.get("sluttdato")), key[2],
                                                doc, held=False))
    return sorted([*held, *planned.values()], key=lambda m: (m.start, m.kind))


def upcoming(meetings: Iterable[Meeting], today: dt.date) -> list[Meeting]:
    """The meetings that have not ended before *today*, soonest first."""
    return [m for m in meetings if (m.end or m.start) >= today]


def _day(value: object) -> dt.date | None:
    return None if value is None else norsk.day(value)
