"""Generate the editor's key reference (docs/redaktorveiledning-nokler.md) from the schemas.

Run ``python -m politiradet.commands.guide`` after changing a schema; ``--check`` only reports
whether the committed file is up to date (the test suite and the pre-commit hook use it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..common.slug import SLUG
from ..model.content import KIND_FOLDER
from ..model.schema_tree import DOCUMENT_SCHEMAS, Key, SchemaSet, keys, resolve
from ..pipeline import PROJECT_ROOT
from ..stages.load import load_schemas
from .arguments import NorwegianParser

OUTPUT = PROJECT_ROOT / "docs" / "redaktorveiledning-nokler.md"
REGISTRY_SCHEMAS = ("temaer.schema.json", "omrader.schema.json", "forkortelser.schema.json")

HEADER = """\
# Nøklene i front matter

<!-- Generert fra schema/*.schema.json med «python -m politiradet.commands.guide».
     Ikke rediger for hånd: endre skjemaet og kjør kommandoen på nytt. -->

Denne oversikten lages automatisk fra skjemaene i `schema/`, som er den eneste kilden til
sannhet om nøklene. Slik skriver du et referat, melder status og forhåndsviser: se
[redaktørveiledningen](redaktorveiledning.md).

- **Påkrevd: ja** betyr at `check` melder feil hvis nøkkelen mangler. For en nøkkel inne i en
  gruppe eller et listeelement (for eksempel `kilde.tittel` eller `signatarer[].navn`) gjelder
  det når gruppen eller elementet er med.
- `[]` i navnet betyr «hvert element i listen».
- Nøkler som ikke står her, er ikke lov: `check` melder «ukjent nøkkel».
"""


def generate(schemas: SchemaSet) -> str:
    """The whole key reference as Markdown."""
    parts = [HEADER]
    for kind, file in DOCUMENT_SCHEMAS.items():
        folder = f"content/{KIND_FOLDER[kind]}/"
        parts.append(_section(schemas[file], file, schemas, f"Fil: `{folder}<id>.md`."))
    for file in REGISTRY_SCHEMAS:
        items, origin = resolve(schemas[file]["items"], file, schemas)
        name = file.removesuffix(".schema.json")
        note = f"Fil: `content/{name}.yaml`, en liste der hvert element har nøklene under."
        parts.append(_section({**schemas[file], **items}, origin, schemas, note))
    return "\n".join(parts)


def _section(schema: Mapping[str, Any], file: str, schemas: SchemaSet, where: str) -> str:
    lines = [f"## {schema['title']}", "", schema.get("description", ""), "", where, "",
             "| Nøkkel | Påkrevd | Verdi | Betydning |", "| --- | --- | --- | --- |"]
    lines += [_row(key) for key in keys(schema, file, schemas)]
    return "\n".join(lines) + "\n"


def _row(key: Key) -> str:
    cells = (f"`{key.path}`", "ja" if key.required else "nei", value_kind(key.schema),
             key.schema.get("description", ""))
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def value_kind(schema: Mapping[str, Any]) -> str:
    """What an editor may write, in Norwegian: «dato (ÅÅÅÅ-MM-DD)», «én av «møte», «seminar»»."""
    if "enum" in schema:
        return "én av " + ", ".join(f"«{value}»" for value in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return _list_kind(schema)
    words = "".join(_describers(kind, schema))
    default = schema.get("default")
    if default is not None:
        words += f" (standard: {str(default).lower()})"
    return words


def _describers(kind: Any, schema: Mapping[str, Any]) -> Iterator[str]:
    if kind == "string" and schema.get("format") == "date":
        first, last = schema.get("formatMinimum"), schema.get("formatMaximum")
        yield "dato (ÅÅÅÅ-MM-DD)" + (f" fra {first} til {last}" if first and last else "")
    elif kind == "string" and schema.get("pattern") == SLUG.pattern:
        yield "kortnavn (a–z, 0–9, bindestrek)"
    elif kind == "string":
        yield "tekst" + (f", høyst {schema['maxLength']} tegn" if "maxLength" in schema else "")
    elif kind == "integer":
        yield "heltall" + _range(schema)
    elif kind == "boolean":
        yield "true eller false"
    elif kind == "object":
        yield "gruppe med nøklene under"
    else:
        yield str(kind or "verdi")


def _range(schema: Mapping[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f" fra {low} til {high}"
    return f", minst {low}" if low is not None else ""


def _list_kind(schema: Mapping[str, Any]) -> str:
    items = schema.get("items", {})
    if items.get("type") == "object":
        text = "liste med elementer som har nøklene under"
    elif "$ref" in items and items["$ref"].endswith("/slug"):
        text = "liste med kortnavn"
    else:
        text = "liste"
    if schema.get("minItems"):
        text += f", minst {schema['minItems']}"
    return text + (", uten gjentakelser" if schema.get("uniqueItems") else "")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the key reference, or with ``--check`` report whether it is up to date."""
    parser = NorwegianParser(prog="python -m politiradet.commands.guide",
                             description="Lager nøkkeloversikten fra skjemaene.")
    parser.add_argument("--check", action="store_true",
                        help="bare kontroller at filen er oppdatert (avslutningskode 1 hvis ikke)")
    args = parser.parse_args(argv)
    text = generate(load_schemas(PROJECT_ROOT / "schema"))
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.is_file() else ""
    if args.check:
        if current != text:
            print(f"{OUTPUT.relative_to(PROJECT_ROOT)} er utdatert. Kjør «python -m "
                  f"politiradet.commands.guide» og ta med endringen.", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"Skrev {OUTPUT.relative_to(PROJECT_ROOT)}.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
