"""Who was there: «Til stede», «Forfall» and «Referent» at the top of the minutes become the
fields ``til_stede``, ``forfall`` and ``referent``, and leave the text (the page shows them).

A line «Til stede: A, B, C» is split at the commas (at semicolons when there are any); a
«Til stede:» line followed by a list, or by short lines, takes those lines. «Kari Nordmann,
direktør i Beredskapsetaten» stays one person: a part that starts with a small letter after a
part that is only a name belongs to that name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .document import Block, plain

KEYS = {"til stede": "til_stede", "tilstede": "til_stede", "deltakere": "til_stede",
        "til stede fra": "til_stede", "tilstede fra": "til_stede", "forfall": "forfall",
        "meldt forfall": "forfall", "referent": "referent"}
LINE = re.compile(r"^\**(?P<key>til\s?stede(?: fra)?|deltakere|(?:meldt )?forfall|referent)"
                  r"\**\s*:\**\s*(?P<value>.*)$", re.IGNORECASE | re.DOTALL)
TOP = 25
"""Header lines are looked for among the document's first blocks only."""
SHORT = 120
NOBODY = re.compile(r"^(?:ingen|ingen forfall|ingen meldt|-|–)$", re.IGNORECASE)
"""«Forfall: ingen» names nobody."""
NAME_ONLY = re.compile(r"^(?:[A-ZÆØÅ][\w'-]+\s*)+$")


@dataclass(frozen=True, slots=True)
class Participants:
    """The people of the meeting, as the minutes name them."""

    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    minute_taker: str | None = None
    taken: tuple[str, ...] = ()
    """The header lines moved out of the text, as they stood."""


def take_participants(blocks: Sequence[Block]) -> tuple[Participants, tuple[Block, ...]]:
    """The participants, and the blocks without the lines that named them."""
    fields: dict[str, list[str]] = {"til_stede": [], "forfall": [], "referent": []}
    taken: list[str] = []
    kept: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        match = LINE.match(plain(block.text)) if index < TOP and _header(block) else None
        if match is None:
            kept.append(block)
            index += 1
            continue
        field = KEYS[" ".join(match["key"].lower().split())]
        value = match["value"].strip().rstrip(".")
        names, extra = (_split(value), 0) if value else _following(blocks, index + 1)
        if value and NOBODY.match(value):
            names = []
        fields[field] += names
        taken.append(" ".join(plain(b.text) for b in blocks[index:index + 1 + extra]))
        index += 1 + extra
    referent = ", ".join(fields["referent"]) or None
    return (Participants(tuple(fields["til_stede"]), tuple(fields["forfall"]), referent,
                         tuple(taken)), tuple(kept))


def _header(block: Block) -> bool:
    """A header line: a paragraph, or a bold «Til stede:» a PDF reader took for a heading."""
    return block.kind == "paragraph" or (block.kind == "heading" and block.level >= 2)


def _following(blocks: Sequence[Block], start: int) -> tuple[list[str], int]:
    """The list items (or short plain lines) under a «Til stede:» line: (names, how many
    blocks they are)."""
    names: list[str] = []
    end = start
    while end < len(blocks) and _listed(blocks[end]):
        names.append(plain(blocks[end].text).rstrip(".,;"))
        end += 1
    return names, end - start


def _listed(block: Block) -> bool:
    text = plain(block.text)
    if block.kind == "item":
        return bool(text)
    return block.kind == "paragraph" and 0 < len(text) <= SHORT and not LINE.match(text) \
        and not text.endswith((".", ":")) and ":" not in text


def _split(value: str) -> list[str]:
    """«A, B, C» -> [A, B, C]; «Kari Nordmann, direktør i X» stays one. «og» is never a
    separator: «byråd for kultur og næring» is one person."""
    separator = ";" if ";" in value else ","
    parts = [p.strip() for p in value.split(separator) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and part[:1].islower() and NAME_ONLY.match(merged[-1]):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    return merged
