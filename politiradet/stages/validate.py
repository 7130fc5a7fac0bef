"""Check raw content against the JSON Schemas and turn it into the content model."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import referencing
from jsonschema.exceptions import ValidationError

from ..common import norsk
from ..common.slug import describe, lookalike, suggest_slug
from ..errors import Problem, did_you_mean, quoted_list
from ..model.content import (
    AREA_LEVELS,
    REGISTRIES,
    Abbreviation,
    Area,
    Content,
    Council,
    Document,
    Kind,
    Topic,
)
from ..model.schema_tree import DOCUMENT_SCHEMAS
from .frontmatter import Parsed
from .load import RawContent, RawDocument, RawRegistry

SCHEMA_FOR: dict[str, str] = {
    **{str(kind): file for kind, file in DOCUMENT_SCHEMAS.items()},
    **{name: f"{name}.schema.json" for name in REGISTRIES}}
"""Document kind or registry name -> the schema file that validates it."""

_TYPE_NAMES = {
    "string": "tekst", "integer": "et heltall", "number": "et tall", "boolean": "true eller false",
    "array": "en liste", "object": "en gruppe med nøkler", "null": "tom",
}


@dataclass(frozen=True, slots=True)
class Validated:
    """Result of validation: the model, plus what could not be modelled."""

    content: Content
    invalid_paths: frozenset[str]
    """Documents that exist but failed validation: links to them are not reported again."""
    unvalidated: tuple[Document, ...]
    """Best-effort models of the invalid documents, so their bodies are still checked."""
    registries_ok: frozenset[str]
    """Registries that loaded and validated, so references to them can be checked."""
    refused_sources: frozenset[str] = frozenset()
    """Files in ``content/kilder/`` already reported as unusable: not reported again."""


def _pattern(validator: Any, pattern: str, instance: Any, _schema: Any
             ) -> Iterator[ValidationError]:
    """JSON Schema's ``pattern`` as ECMA-262 (the standard's regex dialect, and Decap's)
    reads it: ``$`` is the end of the text. Python's ``$`` also matches before a final line
    break, so «salto\\n» would pass ``^[a-z0-9-]+$`` and become a folder name."""
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _ecma(pattern: str) -> re.Pattern[str]:
    """*pattern* with each ``$`` outside a character class made the very end (``\\Z``)."""
    parts, escaped, in_class = [], False, False
    for char in pattern:
        if char == "$" and not escaped and not in_class:
            char = r"\Z"
        elif not escaped and char in "[]":
            in_class = char == "["
        escaped = char == "\\" and not escaped
        parts.append(char)
    return re.compile("".join(parts))


_Validator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _pattern})


class Schemas:
    """The JSON Schemas in ``schema/``, compiled once, with cross-file ``$ref`` support."""

    def __init__(self, documents: dict[str, dict[str, Any]]) -> None:
        missing = set(SCHEMA_FOR.values()) - documents.keys()
        if missing:
            raise FileNotFoundError(f"mangler skjema: {', '.join(sorted(missing))}")
        registry: referencing.Registry[Any] = referencing.Registry().with_resources(
            (name, referencing.Resource.from_contents(
                schema, default_specification=referencing.jsonschema.DRAFT202012))
            for name, schema in documents.items())
        self.raw = documents
        self._validators = {
            name: _Validator(documents[file], registry=registry,
                             format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            for name, file in SCHEMA_FOR.items()}

    def problems(self, name: str, parsed: Parsed, source: str) -> list[Problem]:
        """Every schema violation in *parsed*, as Norwegian problems."""
        errors = self._validators[name].iter_errors(parsed.data)
        return [problem for error in errors for problem in _explain(error, parsed, source)]


def validate(raw: RawContent, schemas: Schemas) -> tuple[Validated, list[Problem]]:
    """Validate every document and registry; build the model from what is valid."""
    problems: list[Problem] = []
    registries_ok = set()
    registry_data: dict[str, list[dict[str, Any]]] = {}
    for name, registry in raw.registries.items():
        found = schemas.problems(name, registry.parsed, registry.source)
        found += list(_registry_checks(registry)) if not found else []
        problems += found
        if not found:
            registries_ok.add(name)
            registry_data[name] = registry.parsed.data
    councils = {c["slug"]: Council(c["slug"], c["navn"], c.get("beskrivelse", ""))
                for c in registry_data.get("politirad", [])}
    own = next(iter(councils), "")
    documents, invalid, unvalidated = [], set(), []
    for raw_doc in raw.documents:
        found = _document_problems(raw_doc, schemas)
        problems += found
        if found:
            invalid.add(raw_doc.path)
            unvalidated.append(_lenient_document(raw_doc))
        else:
            documents.append(_document(raw_doc, own))
    content = Content(
        documents=tuple(documents),
        topics={t["slug"]: Topic(t["slug"], t["navn"], t["beskrivelse"])
                for t in registry_data.get("temaer", [])},
        areas={a["slug"]: Area(a["slug"], a["navn"], a["nivå"], tuple(a.get("foreldre", [])),
                               a["beskrivelse"]) for a in registry_data.get("omrader", [])},
        abbreviations=tuple(Abbreviation(a["forkortelse"], a["betydning"],
                                         a.get("beskrivelse", ""))
                            for a in registry_data.get("forkortelser", [])),
        changed=raw.changed,
        source_files=raw.source_files,
        councils=councils,
    )
    return Validated(content, frozenset(invalid | raw.unreadable), tuple(unvalidated),
                     frozenset(registries_ok), raw.refused_sources), problems


def _document_problems(raw: RawDocument, schemas: Schemas) -> list[Problem]:
    """What is wrong with one document on its own; nothing for bytes known to be valid (the
    other documents and the registries are checked later, in :mod:`link`)."""
    if raw.known_valid:
        return []
    found = schemas.problems(raw.kind, raw.file.front, raw.source)
    return found or list(_document_checks(raw))


def _document(raw: RawDocument, own_council: str) -> Document:
    """The model of a valid document; a referat without ``politirad`` is from *own_council*."""
    data = raw.file.front.data
    return Document(
        kind=raw.kind, slug=raw.slug, path=raw.path, source=raw.source,
        title=data["tittel"], date=norsk.day(data["dato"]),
        topics=tuple(data["temaer"]), areas=tuple(data["omrader"]),
        draft=data.get("utkast", False), fields=data,
        body=raw.file.body, body_line=raw.file.body_line, locations=raw.file.front.values,
        council=data.get("politirad", own_council) if raw.kind == "referat" else "")


def _lenient_document(raw: RawDocument) -> Document:
    """A document whose front matter is invalid, with placeholders: only its body is used."""
    data = raw.file.front.data if isinstance(raw.file.front.data, dict) else {}
    return Document(
        kind=raw.kind, slug=raw.slug, path=raw.path, source=raw.source,
        title=str(data.get("tittel", raw.slug)), date=dt.date.min, topics=(), areas=(),
        draft=data.get("utkast") is True, fields={}, body=raw.file.body,
        body_line=raw.file.body_line, locations=raw.file.front.values)


def _document_checks(raw: RawDocument) -> Iterator[Problem]:
    """Rules a schema cannot express: ids that must match fields, date order."""
    data, front, kind = raw.file.front.data, raw.file.front, raw.kind

    def at(key: str, message: str) -> Problem:
        return Problem(raw.source, *front.where((key,)), message)

    if kind == "oppfolgingspunkt":
        expected = f"{data['seminar']}-{data['nummer']}"
        if raw.slug != expected:
            yield at("nummer", f"filnavnet «{raw.slug}.md» stemmer ikke med seminar "
                     f"{data['seminar']} og nummer {data['nummer']}. Kall filen «{expected}.md» "
                     f"eller rett «seminar»/«nummer».")
        if "vedtatt" in data:
            yield from _origin_checks(data, at)
    if "sluttdato" in data and data["sluttdato"] < data["dato"]:
        yield at("sluttdato", f"sluttdatoen {data['sluttdato']} er før datoen {data['dato']}.")
    for index, meeting in enumerate(data.get("planlagte_moter", [])):
        if meeting.get("sluttdato", meeting["dato"]) < meeting["dato"]:
            yield Problem(raw.source, *front.where(("planlagte_moter", index, "sluttdato")),
                          "sluttdatoen er før datoen for møtet.")
    if kind == "avtale" and data["gyldig_til"] < data["gyldig_fra"]:
        yield at("gyldig_til", f"«gyldig_til» ({data['gyldig_til']}) er før «gyldig_fra» "
                 f"({data['gyldig_fra']}).")


def _origin_checks(data: dict[str, Any], at: Callable[[str, str], Problem]
                   ) -> Iterator[Problem]:
    """A point's seminar date («vedtatt») lies in its seminar year, exists and precedes «dato»."""
    origin = str(data["vedtatt"])
    if not origin.startswith(f"{data['seminar']}"):
        yield at("vedtatt", f"«vedtatt» ({origin}) er ikke i seminaråret {data['seminar']}. "
                 f"Rett året i «vedtatt» eller i «seminar».")
        return
    try:
        first_day = norsk.first_day(origin)
    except ValueError:
        yield at("vedtatt", f"datoen «{origin}» i «vedtatt» finnes ikke i kalenderen. "
                 f"Sjekk dag og måned.")
        return
    if first_day > norsk.day(data["dato"]):
        yield at("vedtatt", f"punktet er vedtatt («vedtatt» {origin}) etter at det ble publisert "
                 f"(«dato» {data['dato']}). Rett en av datoene.")


def _registry_checks(registry: RawRegistry) -> Iterator[Problem]:
    """Unique slugs in every registry; an area hierarchy that resolves and has no cycles."""
    key = "forkortelse" if registry.name == "forkortelser" else "slug"
    items, parsed = registry.parsed.data, registry.parsed
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item[key] in seen:
            yield Problem(registry.source, *parsed.where((index, key)),
                          f"«{item[key]}» står to ganger i registeret (også element "
                          f"{seen[item[key]] + 1}). Fjern eller gi nytt navn til det ene.")
        seen[item[key]] = index
    if registry.name == "omrader":
        yield from _area_checks(registry, seen)


def _area_checks(registry: RawRegistry, slugs: dict[str, int]) -> Iterator[Problem]:
    items, parsed = registry.parsed.data, registry.parsed
    parents = {item["slug"]: item.get("foreldre", []) for item in items}
    levels = {item["slug"]: item["nivå"] for item in items}
    cyclic = _on_cycle(parents)
    for index, item in enumerate(items):
        for p_index, parent in enumerate(item.get("foreldre", [])):
            where = parsed.where((index, "foreldre", p_index))
            if parent not in slugs:
                yield Problem(registry.source, *where, f"ukjent område «{parent}» i «foreldre»."
                              f"{did_you_mean(parent, slugs)}")
            elif not _higher(levels[parent], item["nivå"]) and item["slug"] not in cyclic:
                yield Problem(registry.source, *where, _level_message(item, parent, levels))
        if not item.get("foreldre") and item["nivå"] != "politidistrikt":
            yield Problem(registry.source, *parsed.where((index, "slug")),
                          f"området «{item['slug']}» mangler «foreldre». Bare politidistriktet "
                          f"kan stå øverst i hierarkiet.")
        if item["slug"] in cyclic:
            yield Problem(registry.source, *parsed.where((index, "foreldre")),
                          f"området «{item['slug']}» ligger under seg selv (sirkel i «foreldre»).")


def _higher(parent: str, child: str) -> bool:
    return AREA_LEVELS.index(parent) < AREA_LEVELS.index(child)


def _level_message(item: dict[str, Any], parent: str, levels: dict[str, str]) -> str:
    return (f"området «{item['slug']}» ({item['nivå']}) kan ikke ligge under «{parent}» "
            f"({levels[parent]}): et område ligger under et område på et høyere nivå, i "
            f"rekkefølgen {' → '.join(AREA_LEVELS)}. Rett «nivå» eller «foreldre».")


def _on_cycle(parents: dict[str, list[str]]) -> set[str]:
    """Areas that lie under themselves, in linear time however long the chains are."""
    return _Cycles(parents).find()


class _Cycles:
    """Tarjan's strongly connected components over «foreldre», iterative so a chain of
    thousands of areas cannot exhaust Python's recursion. An area is on a cycle when its
    component has more than one area, or it is its own parent."""

    def __init__(self, parents: dict[str, list[str]]) -> None:
        self.parents = parents
        self.order: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.cyclic: set[str] = set()

    def find(self) -> set[str]:
        for root in self.parents:
            if root not in self.order:
                self.visit(root)
        return self.cyclic

    def enter(self, node: str) -> None:
        self.order[node] = self.low[node] = len(self.order)
        self.stack.append(node)
        self.on_stack.add(node)

    def visit(self, root: str) -> None:
        self.enter(root)
        work = [(root, iter(self.parents[root]))]
        while work:
            node, above = work[-1]
            parent = next(above, None)
            if parent is None:
                work.pop()
                if work:
                    self.low[work[-1][0]] = min(self.low[work[-1][0]], self.low[node])
                if self.low[node] == self.order[node]:
                    self.close(node)
            elif parent in self.parents and parent not in self.order:
                self.enter(parent)
                work.append((parent, iter(self.parents[parent])))
            elif parent in self.on_stack:
                self.low[node] = min(self.low[node], self.order[parent])

    def close(self, node: str) -> None:
        component: list[str] = []
        while not component or component[-1] != node:
            component.append(self.stack.pop())
            self.on_stack.discard(component[-1])
        if len(component) > 1 or node in self.parents[node]:
            self.cyclic.update(component)


def _explain(error: ValidationError, parsed: Parsed, source: str) -> Iterator[Problem]:
    """Translate one jsonschema error into Norwegian problems located in the file."""
    path = tuple(error.absolute_path)
    name = _name(path)
    where = parsed.where(path)
    kind = str(error.validator)
    expected: Any = error.validator_value
    value: Any = error.instance
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties":
        allowed = schema.get("properties", {}).keys()
        for extra in sorted(set(value) - set(allowed)):
            yield Problem(source, *parsed.where((*path, extra), key=True),
                          f"ukjent nøkkel «{extra}».{did_you_mean(extra, allowed)} "
                          f"Tillatte nøkler her: {quoted_list(allowed)}.")
        return
    if kind == "required":
        for missing in [key for key in expected if key not in value]:
            described = schema.get("properties", {}).get(missing, {})
            hint = _description(described)
            yield Problem(source, *where, f"mangler nøkkelen «{missing}»."
                          f"{' ' + hint if hint else ''} Legg den til.")
        return
    if not path and kind == "type":
        yield Problem(source, *where, _root_message(expected, value))
        return
    if kind == "pattern" and schema.get("format") == "date" and not _iso_shaped(value):
        return  # the format error says how to write a date
    yield Problem(source, *where, _message(kind, expected, value, name, error))


def _name(path: tuple[str | int, ...]) -> str:
    """What to call the value at *path*: its key, or «element N» in a registry list."""
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return f"element {path[-1] + 1}" if path and isinstance(path[-1], int) else "verdien"


def _root_message(expected: Any, value: Any) -> str:
    """The whole file has the wrong shape: front matter that is not keys, a registry not a list."""
    if expected == "array":
        return ("registeret skal være en liste der hvert element begynner med «- », for "
                "eksempel «- slug: salto». Se de andre registerfilene for mønster.")
    if value is None:
        return ("front matter er tom. Skriv nøklene mellom de to linjene med «---», for "
                "eksempel «tittel: Referat fra møte 14. mai 2025».")
    return ("front matter skal bestå av nøkler med verdier, én per linje, for eksempel "
            "«tittel: Referat fra møte 14. mai 2025».")


def _description(schema: Any) -> str:
    text = schema.get("description", "") if isinstance(schema, dict) else ""
    return text if isinstance(text, str) else ""


def _message(kind: str, expected: Any, value: Any, name: str, error: ValidationError) -> str:
    shown = f"«{value}»" if not isinstance(value, (dict, list)) else ""
    if kind == "type" and value is None:
        return f"«{name}» mangler verdi. Skriv verdien etter kolonet, eller fjern nøkkelen."
    if kind == "type":
        wanted = _TYPE_NAMES.get(str(expected), str(expected))
        actual = _TYPE_NAMES.get(_json_type(value), _json_type(value))
        hint = " Sett teksten i anførselstegn." if wanted == "tekst" else ""
        list_hint = f" Skriv for eksempel {name}: [{value}]." if wanted == "en liste" and \
            isinstance(value, str) else ""
        return f"«{name}» skal være {wanted}, men er {actual} {shown}.{hint}{list_hint}".replace(
            "  .", ".").replace(" .", ".")
    if kind == "enum":
        options = [str(option) for option in expected]
        return (f"{shown} er ikke en gyldig verdi for «{name}».{did_you_mean(str(value), options)}"
                f" Tillatte verdier: {quoted_list(options)}.")
    if kind == "format" and expected == "date":
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            return f"datoen {shown} i «{name}» finnes ikke i kalenderen. Sjekk dag og måned."
        return (f"{shown} i «{name}» er ikke en dato på formen ÅÅÅÅ-MM-DD. "
                f"Skriv for eksempel 2025-05-14.")
    if kind == "pattern" and isinstance(error.schema, dict) and \
            error.schema.get("format") == "date":
        return _outside_date_range(shown, name, error.schema)
    if kind == "pattern":
        if "a-z0-9" in str(expected):
            return _bad_slug_message(shown, name, str(value))
        return f"{shown} i «{name}» har ugyldig form. {_description(error.schema)}"
    if kind == "minLength":
        return f"«{name}» kan ikke være tom."
    if kind == "maxLength":
        return f"«{name}» er for lang: høyst {expected} tegn."
    if kind == "minItems":
        return f"«{name}» må ha minst {expected} element."
    if kind == "uniqueItems":
        return f"«{name}» har samme verdi flere ganger. Fjern den doble."
    if kind in ("minimum", "maximum"):
        word = "minst" if kind == "minimum" else "høyst"
        return f"«{name}» må være {word} {expected}, men er {value}."
    return f"ugyldig verdi for «{name}»: {error.message}."


def _bad_slug_message(shown: str, name: str, value: str) -> str:
    suggestion = suggest_slug(value)
    if found := lookalike(value):
        return (f"{shown} i «{name}» har tegnet {describe(found[0])}, som bare ligner på "
                f"«{found[1]}». Mente du «{suggestion}»?")
    return (f"{shown} i «{name}» er ikke et gyldig kortnavn. Bruk små bokstaver a–z, tall og "
            f"bindestrek, for eksempel «{suggestion}».")


def _outside_date_range(shown: str, name: str, schema: dict[str, Any]) -> str:
    first, last = schema.get("formatMinimum"), schema.get("formatMaximum")
    return (f"datoen {shown} i «{name}» ligger utenfor tidsrommet arkivet godtar, {first} til "
            f"{last}. Sjekk årstallet.")


def _iso_shaped(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


__all__ = ["Kind", "Schemas", "Validated", "validate"]
