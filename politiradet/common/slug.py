"""Short names (slugs) in addresses: what one may be, and a good one suggested from any text.

File names, document ids, registry slugs and heading ids are all slugs. A suggestion is made
from the text as the editor sees it: NFC first (a name typed on a Mac arrives decomposed, NFD),
then each letter or digit to its closest ASCII with anyascii (æ→ae, ø→o, å→a, é→e, Cyrillic
а→a, fullwidth ａ→a), so «møte-på-tåsen» gives «mote-pa-tasen» and «sаlto» with a Cyrillic
«а» gives «salto». Symbols are not transliterated (§ stays a separator, not «s»).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_LENGTH = 100
"""Longest slug: a readable address, and far below the 255 bytes a file name may have."""


def suggest_slug(text: str) -> str:
    """A valid slug for any text: «Møte 14. Mai» -> «mote-14-mai»."""
    text = unicodedata.normalize("NFC", text)
    ascii_text = (text if text.isascii() else "".join(_ascii(char) for char in text)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:MAX_LENGTH].strip("-")
    return slug or "dokument"


def too_long(slug: str) -> bool:
    return len(slug) > MAX_LENGTH


def lookalike(text: str) -> tuple[str, str] | None:
    """The first character that only looks like an ASCII letter or digit (Cyrillic «а»,
    Greek «ο», fullwidth «ｓ»), with the character it looks like; None if there is none."""
    for char in unicodedata.normalize("NFC", text):
        latin = unicodedata.name(char, "").startswith("LATIN")  # ø and é are letters of their own
        if not char.isascii() and not latin and re.fullmatch(r"[a-z0-9]", anyascii(char)):
            return char, anyascii(char)
    return None


def describe(char: str) -> str:
    """«а» (U+0430 CYRILLIC SMALL LETTER A): what a character is, for a message."""
    return f"«{char}» (U+{ord(char):04X} {unicodedata.name(char, '')})".replace(" )", ")")


def _ascii(char: str) -> str:
    category = unicodedata.category(char)
    if char.isascii() or not (category.startswith("L") or category == "Nd"):
        return char if category != "Mn" else ""
    return anyascii(char)
