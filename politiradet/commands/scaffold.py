"""Create a new document from its JSON Schema: every required key, a draft, ready to fill in."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import norsk, savefile
from ..common.slug import MAX_LENGTH, SLUG, suggest_slug, too_long
from ..errors import UsageError
from ..model.content import KIND_FOLDER, Kind
from ..model.schema_tree import DOCUMENT_SCHEMAS, Key, SchemaSet, document_keys
from ..stages.load import display

KINDS: tuple[Kind, ...] = tuple(DOCUMENT_SCHEMAS)
POINT_ID = re.compile(r"^(?P<seminar>\d{4})-(?P<nummer>[1-9]\d*)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KEY_GUIDE = "docs/redaktorveiledning-nokler.md"

REFERAT_BODY = """\
## 1. Godkjenning av dagsorden

## 2. Orientering fra politimester

## 3. Orientering fra byrådsleder

## 4. Situasjonsbrief fra politiet

## 5. Oppfølgingspunkter

Skriv status for hvert oppfølgingspunkt i en egen blokk, slik som i eksempelet under, og
slett deretter denne veiledningen og eksempelet:

```text
::: status 2025-1
Teksten om status …
:::
```

## 6. Eventuelt
"""

BODIES: Mapping[Kind, str] = {
    "referat": REFERAT_BODY,
    "avtale": "## 1. Formål\n\nSkriv avtaleteksten her.\n",
    "oppfolgingspunkt": "Skriv punktet slik politirådet vedtok det.\n",
}


@dataclass(frozen=True, slots=True)
class Seed:
    """What we know about the new document before the editor has written anything."""

    kind: Kind
    slug: str
    date: dt.date

    def value(self, key: Key) -> Any:
        """The starting value for a required key: known from the id, or a valid placeholder."""
        known = {
            "tittel": self.title(),
            "dato": self.date.isoformat(),
            "gyldig_fra": self.date.year,
            "gyldig_til": self.date.year,
            "kilde.tittel": self.source_title(),
            **self.point_numbers(),
        }
        return known[key.path] if key.path in known else placeholder(key.schema)

    def title(self) -> str:
        if self.kind == "referat":
            return f"Referat fra møte {norsk.date(self.date)}"
        return {"avtale": "Skriv avtalens tittel", "oppfolgingspunkt":
                "Skriv punktets tittel"}[self.kind]

    def source_title(self) -> str:
        if self.kind == "referat":
            return f"Referat Politirådet i Oslo {self.date:%d.%m.%Y}"
        return "Skriv originaldokumentets tittel"

    def point_numbers(self) -> dict[str, int]:
        match = POINT_ID.fullmatch(self.slug) if self.kind == "oppfolgingspunkt" else None
        if not match:
            return {}
        return {"seminar": int(match["seminar"]), "nummer": int(match["nummer"])}


def placeholder(schema: Mapping[str, Any]) -> Any:
    """A value that satisfies *schema*: first choice of an enum, empty list, minimum …"""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    defaults: dict[str, Any] = {"array": [], "boolean": schema.get("default", False),
                                "integer": schema.get("minimum", 0), "object": {}}
    return defaults.get(str(kind), "Skriv her")


def create(content: Path, kind: str, slug: str, schemas: SchemaSet,
           today: dt.date | None = None) -> Path:
    """Write a new draft document into *content* and return its path; never overwrite."""
    seed = Seed(_kind(kind), _checked_slug(kind, slug), _date_for(slug, today or dt.date.today()))
    path = content / KIND_FOLDER[seed.kind] / f"{seed.slug}.md"
    try:
        savefile.write_new(path, document_text(seed, schemas).encode("utf-8"))
    except FileExistsError:
        raise UsageError(f"{display(path)} finnes allerede. Velg en annen id, eller rediger "
                         f"filen som finnes.") from None
    return path


def document_text(seed: Seed, schemas: SchemaSet) -> str:
    """The whole new file: front matter from the schema, then the standard body."""
    return file_text(_front_matter(seed, document_keys(seed.kind, schemas)), BODIES[seed.kind])


def file_text(front: Iterable[str], body: str) -> str:
    """A document's whole file: the front matter lines between ``---``, a blank line, the text.

    The one layout of a written document, for ``new`` and the web editor alike.
    """
    text = body.strip("\n")
    return "---\n" + "\n".join(front) + "\n---\n" + (f"\n{text}\n" if text else "")


def _front_matter(seed: Seed, keys: list[Key]) -> Iterator[str]:
    chosen = _chosen(keys)
    for key in chosen:
        if key.path == "utkast":
            yield from _comment(key, "true: kontrolleres, men publiseres ikke. Fjern linjen "
                                "(eller skriv false) når dokumentet skal publiseres.")
            yield "utkast: true"
            continue
        yield from _comment(key, key.schema.get("description", ""))
        yield from _entry(key, seed.value(key))
    optional = [key.path for key in keys if key.depth == 0 and key not in chosen]
    yield from _wrapped(f"Valgfrie nøkler: {', '.join(optional)}. Se {KEY_GUIDE}.", "")


def _chosen(keys: list[Key]) -> list[Key]:
    """Required keys whose enclosing objects are written too, plus ``utkast``."""
    paths: set[str] = set()
    for key in keys:
        parent = key.path.rpartition(".")[0]
        if (key.required and (key.depth == 0 or parent in paths)) or key.path == "utkast":
            paths.add(key.path)
    return [key for key in keys if key.path in paths]


def _entry(key: Key, value: Any) -> Iterator[str]:
    indent = "  " * key.depth
    if key.schema.get("type") == "object":
        yield f"{indent}{key.name}:"
    else:
        yield f"{indent}{key.name}: {scalar(value)}"


def _comment(key: Key, text: str) -> Iterator[str]:
    yield from _wrapped(text, "  " * key.depth)


def _wrapped(text: str, indent: str) -> Iterator[str]:
    for line in textwrap.wrap(text, width=92 - len(indent), break_on_hyphens=False,
                              break_long_words=False):
        yield f"{indent}# {line}"


PLAIN = re.compile(r"^[A-Za-zÆØÅæøåÉé][\wÆØÅæøåÉé .,()–\-]*$")
RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def scalar(value: Any) -> str:
    """Format one YAML value the way editors write it: plain where safe, quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    text = str(value)
    if _real_date(text) or (PLAIN.fullmatch(text) and text.lower() not in RESERVED
                                and not text.endswith((" ", ":"))):
        return text
    return json.dumps(text, ensure_ascii=False)


def _real_date(text: str) -> bool:
    """Whether *text* is a date of the calendar as ``ÅÅÅÅ-MM-DD``: written plain. Text shaped
    like one that is not («2025-02-30») is quoted, since YAML readers that know dates (Decap's,
    ruamel.yaml) fail on it or read another day."""
    try:
        return ISO_DATE.fullmatch(text) is not None and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def _kind(kind: str) -> Kind:
    for known in KINDS:
        if kind == known:
            return known
    raise UsageError(f"ukjent dokumenttype «{kind}». Velg en av: {', '.join(KINDS)}.")


def _checked_slug(kind: str, slug: str) -> str:
    if too_long(slug):
        raise UsageError(f"id-en er for lang ({len(slug)} tegn); bruk høyst {MAX_LENGTH}, for "
                         f"eksempel «{suggest_slug(slug)}».")
    if not SLUG.fullmatch(slug):
        raise UsageError(f"«{slug}» kan ikke brukes som id i en nettadresse. Bruk små bokstaver "
                         f"a–z, tall og bindestrek, for eksempel «{suggest_slug(slug)}».")
    if kind == "oppfolgingspunkt" and not POINT_ID.fullmatch(slug):
        raise UsageError(f"id-en til et oppfølgingspunkt er <seminar>-<nummer>, for eksempel "
                         f"«2025-8», ikke «{slug}».")
    return slug


def _date_for(slug: str, today: dt.date) -> dt.date:
    """The date in the id (``2026-03-12``) when there is one, else today."""
    if ISO_DATE.fullmatch(slug):
        try:
            return dt.date.fromisoformat(slug)
        except ValueError:
            raise UsageError(f"«{slug}» ser ut som en dato, men er ikke en gyldig dato. "
                             f"Skriv ÅÅÅÅ-MM-DD.") from None
    return today
