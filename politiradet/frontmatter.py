"""Split a content file into YAML front matter and Markdown body, keeping source positions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

try:  # The C parser is several times faster; fall back to pure Python where it is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

Path = tuple[str | int, ...]
"""Location of a value inside the front matter, e.g. ("kilde", "tittel") or ("temaer", 2)."""

MAX_FILE_BYTES = 2 * 1024 * 1024


class _Loader(_BaseLoader):
    """SafeLoader that keeps dates as text and knows only true/false as booleans.

    Dates stay strings so the JSON Schema ``format: date`` check can explain a bad date,
    and YAML 1.1's yes/no/on/off booleans (the "Norway problem") stay plain text.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (
        "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class FrontMatterError(Exception):
    """A mistake that stops us from reading the file's front matter at all."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message


@dataclass(frozen=True, slots=True)
class Parsed:
    """A file's front matter as plain data, with where each value and key stands."""

    data: Any
    """The YAML value (dicts, lists, str, int, float, bool, None)."""
    values: dict[Path, tuple[int, int]]
    """1-based (line, col) of every value, keyed by its path."""
    keys: dict[Path, tuple[int, int]]
    """1-based (line, col) of every mapping key, keyed by the path of its value."""

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of *path*, falling back to the nearest enclosing value."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            if path[:end] in table:
                return table[path[:end]]
            if path[:end] in self.values:
                return self.values[path[:end]]
        return (1, 1)


@dataclass(frozen=True, slots=True)
class SplitFile:
    """A content file cut into its two parts."""

    front: Parsed
    body: str
    body_line: int
    """1-based line number where the body starts in the file."""


def decode(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), normalise line endings; explain invalid bytes."""
    if len(raw) > MAX_FILE_BYTES:
        raise FrontMatterError(1, 1, f"filen er for stor ({len(raw) / 1048576:.1f} MB); "
                               f"grensen er {MAX_FILE_BYTES // 1048576} MB. Del opp dokumentet.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise FrontMatterError(line, col, "ugyldig tegnkoding: filen er ikke UTF-8. "
                               "Lagre filen på nytt med tegnkodingen UTF-8.") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise FrontMatterError(line, 1, "filen inneholder et NUL-tegn og ser ikke ut som tekst. "
                               "Lagre den som ren tekst (UTF-8).")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str) -> SplitFile:
    """Cut ``---`` front matter from the body and parse it."""
    if not text.strip():
        raise FrontMatterError(1, 1, "filen er tom. Et dokument begynner med front matter mellom "
                               "to linjer med «---», etterfulgt av teksten.")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise FrontMatterError(1, 1, "fant ikke front matter. Har du glemt å begynne filen med "
                               "en linje med «---»?")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            front = parse_yaml("\n".join(lines[1:index]), first_line=2)
            return SplitFile(front, "\n".join(lines[index + 1:]), index + 2)
    raise FrontMatterError(1, 1, "front matter er ikke avsluttet. Legg til en linje med «---» "
                           "etter den siste nøkkelen.")


def parse_yaml(source: str, first_line: int = 1) -> Parsed:
    """Parse YAML into plain data with positions; reject duplicate keys and aliases."""
    try:
        _reject_aliases(source, first_line)
        node = yaml.compose(source, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        char = source[mark.index] if mark and mark.index < len(source) else ""
        raise FrontMatterError(line, col, _yaml_message(exc, char)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors without marks
        raise FrontMatterError(first_line, 1, f"YAML-feil: {exc}") from None
    builder = _Builder(first_line)
    data = builder.value(node, ()) if node is not None else None
    return Parsed(data, builder.values, builder.keys)


def _reject_aliases(source: str, first_line: int) -> None:
    """Refuse anchors and aliases: editors never need them, and they enable alias bombs."""
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line, col = (event.start_mark.line, event.start_mark.column) \
                if event.start_mark else (0, 0)
            raise FrontMatterError(line + first_line, col + 1,
                                   "YAML-ankere og -aliaser (& og *) er ikke tillatt. "
                                   "Skriv verdien ut der den skal brukes.")


class _Builder:
    """Turn a composed YAML node tree into data, recording positions."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.constructor = _Loader("")

    def pos(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + self.first_line, node.start_mark.column + 1)

    def value(self, node: yaml.Node, path: Path) -> Any:
        self.values[path] = self.pos(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise FrontMatterError(*self.pos(key_node), "YAML-fletting («<<») er ikke tillatt.")
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise FrontMatterError(*self.pos(key_node), "en nøkkel må være et ord, for "
                                       "eksempel «tittel».")
            if key in result:
                line, _ = self.keys[(*path, key)]
                raise FrontMatterError(*self.pos(key_node), f"nøkkelen «{key}» står to ganger "
                                       f"(første gang på linje {line}). Fjern den ene.")
            self.keys[(*path, key)] = self.pos(key_node)
            result[key] = self.value(value_node, (*path, key))
        return result

    def scalar(self, node: yaml.Node) -> Any:
        construct: Callable[[yaml.Node], Any] = self.constructor.construct_object
        try:
            return construct(node)
        except yaml.YAMLError as exc:
            raise FrontMatterError(*self.pos(node), f"ugyldig verdi: {exc}") from None


_TAB = "tabulatortegn kan ikke brukes i YAML. Bruk mellomrom til innrykk."
_YAML_HINTS = {
    "mapping values are not allowed": "kolon på feil sted. Sett verdien i anførselstegn hvis "
        "den inneholder «: », og sjekk innrykket.",
    "expected ':'": "mangler kolon etter nøkkelen, eller innrykket er feil. "
        "Skriv «nøkkel: verdi».",
    "expected key": "innrykket er feil, eller en verdi mangler kolon. "
        "Sjekk mellomrommene foran nøklene.",
    "expected '-' indicator": "listepunktet står med feil innrykk. "
        "Rett opp mellomrommene foran «-».",
    "unexpected end of stream": "anførselstegn som ikke er lukket. Avslutt verdien med "
        "samme type anførselstegn som du begynte med.",
    "found unknown escape character": "ugyldig skråstrek-kode (\\) i tekst i doble "
        "anførselstegn. Bruk enkle anførselstegn eller fjern skråstreken.",
    "expected ',' or ']'": "listen i hakeparentes er ikke lukket riktig. "
        "Skriv for eksempel [salto, ipo].",
    "expected ',' or '}'": "klammeparentesen er ikke lukket riktig.",
    "found character that cannot start any token": "tegnet kan ikke stå først i en verdi. "
        "Sett verdien i anførselstegn.",
}


def _yaml_message(exc: yaml.MarkedYAMLError, char: str) -> str:
    problem = exc.problem or ""
    if char == "\t" or "tab" in (exc.problem or ""):
        return f"YAML-feil: {_TAB}"
    for english, norwegian in _YAML_HINTS.items():
        if english in problem:
            return f"YAML-feil: {norwegian}"
    return f"YAML-feil: {exc.problem or exc}. Sjekk innrykk, kolon og anførselstegn."
