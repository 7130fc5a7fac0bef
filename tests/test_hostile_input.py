"""Every kind of mistake an editor or a tool can make: a clear Norwegian problem, never a crash.

Data-driven: each case writes one file into a copy of the valid fixture site and expects
exactly one problem, given as ``FILE:LINE:COL: message`` (the message may be a prefix).
"""

from __future__ import annotations

import builtins
import dataclasses
import io
import json
import os
import socket
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, built_site, copy_fixture, run_cli

from politiradet.model import content as model
from politiradet.pipeline import Paths, check
from politiradet.stages import frontmatter, link, load
from politiradet.stages.compile import compile_bodies
from politiradet.stages.validate import Schemas, validate

GOOD = """---
tittel: Referat fra et testmøte
dato: 2025-06-11
motetype: møte
temaer: [salto]
omrader: []
kilde:
  tittel: Kilde
---
Tekst med en [lenke](2016-01-12.md).
"""
POINT = """---
tittel: Et punkt
dato: 2025-06-11
seminar: {seminar}
nummer: {nummer}
temaer: []
omrader: []
kilde: {{tittel: Kilde}}
---
Tekst.
"""
DOC = "referater/ny.md"
AREAS = """\
- {slug: oslo-politidistrikt, navn: O, nivå: politidistrikt, beskrivelse: x}
- {slug: enhet-ost, navn: E, nivå: driftsenhet, foreldre: [oslo-politidistrikt], beskrivelse: x}
- {slug: alna, navn: A, nivå: bydel, foreldre: [enhet-ost], beskrivelse: x}
- {slug: furuset, navn: F, nivå: prioritert område, foreldre: [alna], beskrivelse: x}
"""
MAC_NAME = unicodedata.normalize("NFD", "møte-på-tåsen")
"""A file name as macOS writes it: «å» as «a» and a combining ring."""
OUTSIDE_RANGE = ("ligger utenfor tidsrommet arkivet godtar, 2000-01-01 til 2099-12-31. Sjekk "
                 "årstallet.")


def _good(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def _bad_file_name(case: str, name: str, suggestion: str) -> tuple[str, str, str, str]:
    """A referat named *name*.md, which cannot be an address; *suggestion* is what to call it."""
    return (case, f"referater/{name}.md", GOOD,
            f"referater/{name}.md:1:1: filnavnet «{name}.md» kan ikke brukes i en nettadresse. "
            f"Bruk høyst 100 små bokstaver a–z, tall og bindestrek, for eksempel "
            f"«{suggestion}.md».")


def _billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]"
              for i in range(9)]
    return "---\n" + "\n".join(lines) + "\n---\n"


# (id, file, content, expected "FILE:LINE:COL: message" prefix)
CASES: list[tuple[str, str, str | bytes, str]] = [
    # --- the file itself
    ("empty-file", DOC, "",
     "referater/ny.md:1:1: filen er tom. Et dokument begynner med front matter"),
    ("only-blank-lines", DOC, "\n  \n\n",
     "referater/ny.md:1:1: filen er tom."),
    ("no-front-matter", DOC, "# Referat\n\nTekst.\n",
     "referater/ny.md:1:1: fant ikke front matter. Har du glemt å begynne filen med en linje "
     "med «---»?"),
    ("unclosed-front-matter", DOC, "---\ntittel: x\ndato: 2025-06-11\n",
     "referater/ny.md:1:1: front matter er ikke avsluttet. Legg til en linje med «---»"),
    ("invalid-utf8", DOC, GOOD.encode().replace(b"Tekst med", b"T\xe6kst med"),
     "referater/ny.md:10:2: ugyldig tegnkoding: filen er ikke UTF-8. Lagre filen på nytt"),
    ("nul-byte", DOC, _good("Tekst med", "Tekst\x00med"),
     "referater/ny.md:10:6: filen inneholder et NUL-tegn (U+0000)"),
    ("control-character-in-body", DOC, _good("Tekst med", "Tekst\x1bmed"),
     "referater/ny.md:10:6: filen inneholder et usynlig kontrolltegn (U+001B). Slett tegnet"),
    ("control-character-escaped-in-yaml", DOC, _good("tittel: Referat fra et testmøte",
                                                       'tittel: "Ref\\aerat"'),
     "referater/ny.md:2:9: verdien inneholder et usynlig kontrolltegn (U+0007)."),
    ("c1-control-from-bad-copy", DOC, _good("Tekst med", "Tekst\x85med"),
     "referater/ny.md:10:6: filen inneholder et usynlig kontrolltegn (U+0085)."),
    ("too-large", DOC, GOOD + "x" * (frontmatter.MAX_FILE_BYTES + 1),
     "referater/ny.md:1:1: filen er for stor (1.0 MB); grensen er 1 MB. Del opp dokumentet."),
    # --- YAML syntax
    ("yaml-unclosed-list", DOC, _good("temaer: [salto]", "temaer: [salto"),
     "referater/ny.md:6:8: YAML-feil: listen i hakeparentes er ikke lukket riktig."),
    ("yaml-unclosed-quote", DOC, _good("tittel: Referat fra et testmøte", 'tittel: "Referat'),
     "referater/ny.md:2:9: YAML-feil: anførselstegn som ikke er lukket."),
    ("yaml-colon-in-value", DOC, _good("tittel: Referat fra", "tittel: Referat: fra"),
     "referater/ny.md:2:16: YAML-feil: kolon på feil sted. Sett verdien i anførselstegn"),
    ("yaml-tab-indent", DOC, _good("  tittel: Kilde", "\ttittel: Kilde"),
     "referater/ny.md:8:1: YAML-feil: tabulatortegn kan ikke brukes i YAML. Bruk mellomrom"),
    ("yaml-bad-indent", DOC, _good("kilde:\n  tittel: Kilde", "kilde:\n  tittel: Kilde\n sted: x"),
     "referater/ny.md:9:2: YAML-feil: innrykket er feil, eller en verdi mangler kolon."),
    ("yaml-bad-escape", DOC, _good("tittel: Referat fra et testmøte", 'tittel: "a\\qb"'),
     "referater/ny.md:2:11: YAML-feil: ugyldig skråstrek-kode (\\) i tekst i doble"),
    ("yaml-lone-surrogate", DOC, _good("tittel: Referat fra et testmøte", 'tittel: "\\ud800"'),
     "referater/ny.md:2:12: YAML-feil: ugyldig \\u-kode i tekst i doble anførselstegn."),
    ("yaml-alias", DOC, _good("omrader: []", "omrader: &x []\nsted: *x"),
     "referater/ny.md:6:10: YAML-ankere og -aliaser (& og *) er ikke tillatt."),
    ("yaml-billion-laughs", DOC, _billion_laughs(),
     "referater/ny.md:2:4: YAML-ankere og -aliaser (& og *) er ikke tillatt."),
    ("yaml-python-tag", DOC, _good("tittel: Referat fra et testmøte",
                                   "tittel: !!python/object/apply:os.system [ls]"),
     "referater/ny.md:2:9: YAML-typemerket «!!python/object/apply:os.system» er ikke tillatt."),
    ("yaml-binary-tag", DOC, _good("tittel: Referat fra et testmøte", "tittel: !!binary aGVp"),
     "referater/ny.md:2:9: YAML-typemerket «!!binary» er ikke tillatt."),
    ("yaml-deep-nesting", DOC, "---\nsted: " + "[" * 5000 + "]" * 5000 + "\n---\n",
     "referater/ny.md:2:26: front matter er nestet for dypt (mer enn 20 nivåer"),
    ("yaml-deep-braces", DOC, "---\nsted: " + "{a: " * 5000 + "}" * 5000 + "\n---\n",
     "referater/ny.md:2:83: front matter er nestet for dypt (mer enn 20 nivåer"),
    ("yaml-deep-nesting-under-keys", DOC, _good("omrader: []", "omrader: []\nsted:\n  x: "
                                                 + "[" * 5000 + "]" * 5000),
     "referater/ny.md:8:24: front matter er nestet for dypt (mer enn 20 nivåer"),
    ("yaml-deep-nesting-after-brackets-in-text", DOC, _good(
        "omrader: []", "omrader: [] # " + "[" * 40 + "\nsted: '" + "[" * 40 + "'\nx: a"
        + "[" * 40 + " - 'b\ny: [c, " + "[" * 5000 + "]" * 5000 + "]"),
     "referater/ny.md:9:26: front matter er nestet for dypt (mer enn 20 nivåer"),
    ("yaml-deep-block-nesting", DOC, _good("omrader: []", "omrader: []\nsted:\n" + "".join(
        "  " * depth + "- \n" for depth in range(1, 30))),
     "referater/ny.md:27:41: front matter er nestet for dypt (mer enn 20 nivåer"),
    ("yaml-merge-key", DOC, _good("omrader: []", "omrader: []\n<<: {sted: x}"),
     "referater/ny.md:7:1: YAML-fletting («<<») er ikke tillatt."),
    # --- keys
    ("duplicate-key", DOC, _good("motetype: møte", "motetype: møte\ntittel: B"),
     "referater/ny.md:5:1: nøkkelen «tittel» står to ganger (første gang på linje 2). "
     "Fjern den ene."),
    ("missing-key", DOC, _good("motetype: møte\n", ""),
     "referater/ny.md:2:1: mangler nøkkelen «motetype». Hva slags samling"),
    ("integer-key", DOC, _good("omrader: []", "omrader: []\n2025: x"),
     "referater/ny.md:7:1: en nøkkel må være et ord, for eksempel «tittel»."),
    ("null-key", DOC, _good("omrader: []", "omrader: []\n~: x"),
     "referater/ny.md:7:1: en nøkkel må være et ord"),
    ("list-as-key", DOC, _good("omrader: []", "omrader: []\n? [a]\n: x"),
     "referater/ny.md:7:3: en nøkkel må være et ord"),
    # --- shapes and types
    ("front-matter-is-list", DOC, "---\n- tittel: x\n---\nTekst.\n",
     "referater/ny.md:2:1: front matter skal bestå av nøkler med verdier, én per linje"),
    ("front-matter-is-scalar", DOC, "---\nReferat fra møtet\n---\nTekst.\n",
     "referater/ny.md:2:1: front matter skal bestå av nøkler med verdier"),
    ("front-matter-empty", DOC, "---\n---\nTekst.\n",
     "referater/ny.md:1:1: front matter er tom. Skriv nøklene mellom de to linjene"),
    ("title-is-number", DOC, _good("tittel: Referat fra et testmøte", "tittel: 2025"),
     "referater/ny.md:2:9: «tittel» skal være tekst, men er et heltall «2025». Sett teksten i "
     "anførselstegn."),
    ("title-without-value", DOC, _good("tittel: Referat fra et testmøte", "tittel:"),
     "referater/ny.md:2:8: «tittel» mangler verdi. Skriv verdien etter kolonet"),
    ("topics-as-string", DOC, _good("temaer: [salto]", "temaer: salto"),
     "referater/ny.md:5:9: «temaer» skal være en liste, men er tekst «salto». Skriv for "
     "eksempel temaer: [salto]."),
    ("octal-looking-number", "oppfolgingspunkter/2025-8.md",
     POINT.format(seminar=2025, nummer="010"),
     "oppfolgingspunkter/2025-8.md:5:9: «nummer» skal være et heltall, men er tekst «010»."),
    ("huge-integer", "oppfolgingspunkter/2025-8.md",
     POINT.format(seminar=2025, nummer="9" * 5000),
     "oppfolgingspunkter/2025-8.md:5:9: tallet er for stort. Skriv et vanlig heltall"),
    ("large-integer", "oppfolgingspunkter/2025-8.md",
     POINT.format(seminar="9" * 30, nummer=8),
     "oppfolgingspunkter/2025-8.md:4:10: tallet er for stort."),
    ("nan", "oppfolgingspunkter/2025-8.md", POINT.format(seminar=".nan", nummer=8),
     "oppfolgingspunkter/2025-8.md:4:10: «seminar» skal være et heltall, men er et tall «nan»."),
    # --- dates
    ("impossible-date", DOC, _good("dato: 2025-06-11", "dato: 2025-02-30"),
     "referater/ny.md:3:7: datoen «2025-02-30» i «dato» finnes ikke i kalenderen."),
    ("norwegian-date", DOC, _good("dato: 2025-06-11", "dato: 14.05.2025"),
     "referater/ny.md:3:7: «14.05.2025» i «dato» er ikke en dato på formen ÅÅÅÅ-MM-DD. "
     "Skriv for eksempel 2025-05-14."),
    ("date-with-time", DOC, _good("dato: 2025-06-11", "dato: 2025-06-11T10:00"),
     "referater/ny.md:3:7: «2025-06-11T10:00» i «dato» er ikke en dato på formen ÅÅÅÅ-MM-DD."),
    # dates outside 2000-01-01 … 2099-12-31 (schema/felles.schema.json): check and build agree
    ("date-year-9999", DOC, _good("dato: 2025-06-11", "dato: 9999-12-31"),
     f"referater/ny.md:3:7: datoen «9999-12-31» i «dato» {OUTSIDE_RANGE}"),
    ("date-year-1", DOC, _good("dato: 2025-06-11", "dato: 0001-01-01"),
     f"referater/ny.md:3:7: datoen «0001-01-01» i «dato» {OUTSIDE_RANGE}"),
    ("date-day-before-range", DOC, _good("dato: 2025-06-11", "dato: 1999-12-31"),
     f"referater/ny.md:3:7: datoen «1999-12-31» i «dato» {OUTSIDE_RANGE}"),
    ("date-day-after-range", DOC, _good("dato: 2025-06-11", "dato: 2100-01-01"),
     f"referater/ny.md:3:7: datoen «2100-01-01» i «dato» {OUTSIDE_RANGE}"),
    ("end-date-year-9999", DOC, _good("dato: 2025-06-11", "dato: 2025-06-11\nsluttdato: "
                                       "9999-12-31"),
     f"referater/ny.md:4:12: datoen «9999-12-31» i «sluttdato» {OUTSIDE_RANGE}"),
    ("planned-meeting-year-9999", DOC, _good("dato: 2025-06-11", "dato: 2025-06-11\n"
                                              "planlagte_moter:\n  - dato: 9999-12-31\n"
                                              "    motetype: møte"),
     f"referater/ny.md:5:11: datoen «9999-12-31» i «dato» {OUTSIDE_RANGE}"),
    ("deadline-year-9999", "oppfolgingspunkter/2025-8.md",
     POINT.format(seminar=2025, nummer=8).replace("dato: 2025-06-11", "dato: 2025-06-11\n"
                                                  "frist: 9999-12-31"),
     f"oppfolgingspunkter/2025-8.md:4:8: datoen «9999-12-31» i «frist» {OUTSIDE_RANGE}"),
    ("seminar-year-9999", "oppfolgingspunkter/9999-8.md", POINT.format(seminar=9999, nummer=8),
     "oppfolgingspunkter/9999-8.md:4:10: «seminar» må være høyst 2099, men er 9999."),
    ("bad-date-is-one-problem", DOC, _good("dato: 2025-06-11", "dato: i går"),
     "referater/ny.md:3:7: «i går» i «dato» er ikke en dato på formen ÅÅÅÅ-MM-DD."),
    ("date-as-number", DOC, _good("dato: 2025-06-11", "dato: 20250514"),
     "referater/ny.md:3:7: «dato» skal være tekst, men er et heltall «20250514»."),
    ("end-before-start", DOC, _good("dato: 2025-06-11", "dato: 2025-06-11\nsluttdato: 2025-05-13"),
     "referater/ny.md:4:12: sluttdatoen 2025-05-13 er før datoen 2025-06-11."),
    # --- references
    ("misspelt-key", DOC, _good("motetype:", "møtetype:"),
     "referater/ny.md:4:1: ukjent nøkkel «møtetype». Mente du «motetype»?"),
    ("unknown-topic", DOC, _good("temaer: [salto]", "temaer: [salt]"),
     "referater/ny.md:5:10: ukjent tema «salt». Mente du «salto»? Se content/temaer.yaml"),
    ("unknown-area", DOC, _good("omrader: []", "omrader: [furset]"),
     "referater/ny.md:6:11: ukjent område «furset». Mente du «furuset»?"),
    ("unknown-point", DOC, GOOD + "\n::: status 2025-9\nx\n:::\n",
     "referater/ny.md:12:1: ukjent oppfølgingspunkt «2025-9». Mente du «2025-1»? Lag filen "
     "content/oppfolgingspunkter/2025-9.md først."),
    ("status-capitalised", DOC, GOOD + "\n::: Status 2025-1\nx\n:::\n",
     "referater/ny.md:12:1: «::: Status 2025-1» er ikke en gyldig statusblokk, så linjen ville "
     "blitt vist som tekst. Mente du «::: status 2025-1»?"),
    ("status-misspelt", DOC, GOOD + "\nFør.\n::: statsu 2025-1\nx\n\n:::\n",
     "referater/ny.md:13:1: «::: statsu 2025-1» er ikke en gyldig statusblokk, så linjen ville "
     "blitt vist som tekst. Mente du «::: status 2025-1»?"),
    ("status-misspelt-in-quote", DOC, GOOD + "\n> ::: statsu 2025-1\n",
     "referater/ny.md:12:3: «::: statsu 2025-1» er ikke en gyldig statusblokk"),
    ("other-container", DOC, GOOD + "\n::: merknad\nx\n:::\n",
     "referater/ny.md:12:1: «::: merknad» er ikke en gyldig statusblokk, så linjen ville blitt "
     "vist som tekst. Statusblokker skrives «::: status <punkt>», for eksempel "
     "«::: status 2025-1»."),
    ("stray-closer", DOC, GOOD + "\n:::\n",
     "referater/ny.md:12:1: «:::» avslutter en statusblokk, men ingen blokk er åpen her"),
    ("broken-link", DOC, _good("(2016-01-12.md)", "(2016-01-13.md)"),
     "referater/ny.md:10:22: lenken «2016-01-13.md» peker til et dokument som ikke finnes "
     "(referater/2016-01-13.md). Mente du «2016-01-12.md»?"),
    ("escaping-link", DOC, _good("(2016-01-12.md)", "(../../../etc/passwd.md)"),
     "referater/ny.md:10:22: ugyldig lenke «../../../etc/passwd.md»: lenken peker ut av "
     "innholdsmappen."),
    ("escaping-link-encoded", DOC, _good("(2016-01-12.md)", "(..%2F..%2F..%2Fetc%2Fpasswd.md)"),
     "referater/ny.md:10:22: ugyldig lenke «..%2F..%2F..%2Fetc%2Fpasswd.md»: lenken peker ut"),
    ("absolute-link", DOC, _good("(2016-01-12.md)", "(/etc/passwd)"),
     "referater/ny.md:10:22: ugyldig lenke «/etc/passwd»: lenken er absolutt."),
    ("ftp-link", DOC, _good("(2016-01-12.md)", "(ftp://example.org/x)"),
     "referater/ny.md:10:22: ugyldig lenke «ftp://example.org/x»: lenketypen «ftp:» er ikke "
     "tillatt."),
    ("image", DOC, _good("[lenke](2016-01-12.md)", "![bilde](https://example.org/x.png)"),
     "referater/ny.md:10:23: bilder publiseres ikke i arkivet."),
    # --- files and folders
    ("unknown-folder", "diverse/ny.md", GOOD,
     "diverse/ny.md:1:1: dokumentet ligger i en ukjent mappe. Legg det rett i "
     "content/referater/, content/avtaler/ eller content/oppfolgingspunkter/."),
    ("sub-folder", "referater/2025/ny.md", GOOD,
     "referater/2025/ny.md:1:1: dokumentet ligger i en ukjent mappe."),
    _bad_file_name("bad-file-name", "Møte 14. mai", "mote-14-mai"),
    ("upper-case-extension", "referater/ny.MD", GOOD,
     "referater/ny.MD:1:1: filen «ny.MD» publiseres ikke: bare filer som slutter på «.md» "
     "er dokumenter."),
    ("text-file-in-document-folder", "avtaler/ny.txt", GOOD,
     "avtaler/ny.txt:1:1: filen «ny.txt» publiseres ikke"),
    # --- look-alike letters, names typed on a Mac (NFD): a suggestion that is what was meant
    ("cyrillic-a-in-topic", DOC, _good("temaer: [salto]", "temaer: [s\u0430lto]"),
     "referater/ny.md:5:10: «s\u0430lto» i «temaer» har tegnet «\u0430» (U+0430 CYRILLIC SMALL "
     "LETTER A), som bare ligner på «a». Mente du «salto»?"),
    ("greek-o-in-area", DOC, _good("omrader: []", "omrader: [\u03bfslo-politidistrikt]"),
     "referater/ny.md:6:11: «\u03bfslo-politidistrikt» i «omrader» har tegnet «\u03bf» (U+03BF "
     "GREEK SMALL LETTER OMICRON), som bare ligner på «o». Mente du «oslo-politidistrikt»?"),
    ("fullwidth-topic", DOC, _good("temaer: [salto]", "temaer: [\uff53alto]"),
     "referater/ny.md:5:10: «\uff53alto» i «temaer» har tegnet «\uff53» (U+FF53 FULLWIDTH LATIN "
     "SMALL LETTER S), som bare ligner på «s». Mente du «salto»?"),
    ("cyrillic-o-in-key", DOC, _good("motetype: møte", "m\u043etetype: møte"),
     "referater/ny.md:4:1: ukjent nøkkel «m\u043etetype». Mente du «motetype»?"),
    ("enum-without-the-norwegian-letter", DOC, _good("motetype: møte", "motetype: mote"),
     "referater/ny.md:4:11: «mote» er ikke en gyldig verdi for «motetype». Mente du «møte»?"),
    _bad_file_name("file-name-from-a-mac", MAC_NAME, "mote-pa-tasen"),
    _bad_file_name("file-name-with-cyrillic", "s\u0430lto", "salto"),
    _bad_file_name("file-name-too-long", "a" * 150, "a" * 100),
    # --- registries
    ("empty-registry", "temaer.yaml", "",
     "temaer.yaml:1:1: registeret skal være en liste der hvert element begynner med «- »"),
    ("registry-is-mapping", "temaer.yaml", "salto:\n  navn: SaLTo\n",
     "temaer.yaml:1:1: registeret skal være en liste"),
    ("registry-item-is-word", "temaer.yaml", "- salto\n",
     "temaer.yaml:1:3: «element 1» skal være en gruppe med nøkler, men er tekst «salto»."),
    # the area hierarchy: a parent is of a higher level (politidistrikt → … → prioritert område)
    ("district-under-a-borough", "omrader.yaml", AREAS + "- {slug: nytt, navn: N, nivå: "
     "politidistrikt, foreldre: [alna], beskrivelse: x}\n",
     "omrader.yaml:5:58: området «nytt» (politidistrikt) kan ikke ligge under «alna» (bydel): "
     "et område ligger under et område på et høyere nivå, i rekkefølgen politidistrikt → "
     "driftsenhet → bydel → prioritert område."),
    ("borough-under-a-borough", "omrader.yaml", AREAS + "- {slug: nytt, navn: N, nivå: bydel, "
     "foreldre: [enhet-ost, alna], beskrivelse: x}\n",
     "omrader.yaml:5:60: området «nytt» (bydel) kan ikke ligge under «alna» (bydel)"),
    ("unit-under-a-priority-area", "omrader.yaml", AREAS + "- {slug: vest, navn: V, nivå: "
     "driftsenhet, foreldre: [furuset], beskrivelse: x}\n", "omrader.yaml:5:55: området «vest» "
     "(driftsenhet) kan ikke ligge under «furuset» (prioritert område)"),
    ("registry-duplicate-slug", "omrader.yaml",
     "- {slug: oslo-politidistrikt, navn: O, nivå: politidistrikt, beskrivelse: x}\n"
     "- {slug: oslo-politidistrikt, navn: O, nivå: politidistrikt, beskrivelse: x}\n"
     "- {slug: furuset, navn: F, nivå: bydel, foreldre: [oslo-politidistrikt], "
     "beskrivelse: x}\n",
     "omrader.yaml:2:10: «oslo-politidistrikt» står to ganger i registeret"),
]


def _problems(content: Path) -> list[str]:
    """Every problem of a content folder, with paths relative to it."""
    _, problems = check(Paths(content=content))
    prefix = load.display(content) + "/"
    return [str(problem).removeprefix(prefix) for problem in sorted(set(problems))]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_fixture("gyldig", tmp_path)


def _write(site: Path, name: str, content: str | bytes) -> None:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


@pytest.mark.parametrize(("file", "content", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_mistake_gives_one_located_norwegian_problem(site: Path, file: str,
                                                     content: str | bytes, expected: str) -> None:
    _write(site, file, content)
    started = time.process_time()
    problems = _problems(site)
    assert time.process_time() - started < 1.0
    matching = [p for p in problems if p.startswith(expected)]
    assert matching, f"ventet «{expected}», fikk:\n" + "\n".join(problems)
    if "misspelt" not in file:
        assert len(problems) <= 2, problems


@pytest.mark.parametrize(("name", "transform"), [
    ("byte-order-mark", lambda text: "\ufeff" + text),
    ("crlf", lambda text: text.replace("\n", "\r\n")),
    ("cr-only", lambda text: text.replace("\n", "\r")),
    ("trailing-spaces", lambda text: text.replace("\n", "  \n")),
    ("tab-after-colon", lambda text: text.replace("motetype: ", "motetype:\t")),
    ("all-at-once", lambda text: "\ufeff" + text.replace("\n", " \t\r\n")),
    ("brackets-in-quotes-and-comments", lambda text: text.replace(
        "temaer: [salto]", "temaer: [salto]  # " + "[" * 40 + "\n# " + "{" * 40).replace(
        "  tittel: Kilde", "  tittel: '" + "[" * 40 + "'")),
])
def test_harmless_variation_still_works(site: Path, name: str, transform: object) -> None:
    assert callable(transform)
    _write(site, DOC, transform(GOOD))
    assert _problems(site) == []
    archive, _ = check(Paths(content=site))
    doc = archive.get(DOC)
    assert (doc.title, doc.fields["motetype"]) == ("Referat fra et testmøte", "møte")


def test_yaml_parser_never_sees_more_nesting_than_our_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Our depth limit and message hold whatever limit the YAML library has: the parser reads
    no more than one level past ours (PyYAML 6.0.4 refuses 1000 levels in its own words)."""
    seen: list[str] = []
    real_parse = yaml.parse

    def spy(stream: str, *args: object, **kwargs: object) -> object:
        seen.append(stream)
        return real_parse(stream, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(yaml, "parse", spy)
    with pytest.raises(frontmatter.FrontMatterError) as refused:
        frontmatter.parse_yaml("sted: [x, " + "[" * 1500 + "]" * 1501, first_line=2)
    assert (refused.value.line, refused.value.col) == (2, 29)
    assert refused.value.message.startswith("front matter er nestet for dypt (mer enn 20 nivåer")
    assert seen
    assert max(text.count("[") for text in seen) == frontmatter.MAX_DEPTH + 1


def test_huge_file_is_refused_without_being_read(site: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    big = site / DOC
    with big.open("wb") as handle:  # sparse: 50 MB on paper, nothing on disk
        handle.truncate(50 * 1024 * 1024)
    opened: list[str] = []
    real_os_open, real_io_open = os.open, io.open

    def os_spy(path: object, *args: object, **kwargs: object) -> int:
        opened.append(os.path.basename(os.fsdecode(path)))  # type: ignore[arg-type]
        return real_os_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def io_spy(file: object, *args: object, **kwargs: object) -> object:
        if isinstance(file, (str, bytes, os.PathLike)):
            opened.append(os.path.basename(os.fsdecode(file)))
        return real_io_open(file, *args, **kwargs)  # type: ignore[call-overload]

    # The loader reads through os.open (sourcefile.read); Path.open and open() go through io.
    monkeypatch.setattr(os, "open", os_spy)
    monkeypatch.setattr(io, "open", io_spy)
    monkeypatch.setattr(builtins, "open", io_spy)
    started = time.process_time()
    problems = _problems(site)
    assert time.process_time() - started < 1.0
    assert "referater/ny.md:1:1: filen er for stor (50.0 MB); grensen er 1 MB." in \
        "\n".join(problems)
    assert "2025-05-14.md" in opened, "the spy must see the ordinary documents being read"
    assert "ny.md" not in opened


def _in_thread(function: object, timeout: float) -> list[str]:
    result: list[list[str]] = []
    assert callable(function)
    thread = threading.Thread(target=lambda: result.append(function()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert result, f"hang: ingen svar etter {timeout} s"
    return result[0]


def _fifo(site: Path, name: str) -> None:
    os.mkfifo(site / name)


def _link(target: str) -> Callable[[Path, str], None]:
    def make(site: Path, name: str) -> None:
        (site / name).symlink_to(target.replace("SITE", str(site)))
    return make


def _socket(site: Path, name: str) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(site / name))
    server.close()


NOT_REGULAR = "1:1: dette er ikke en vanlig fil, men "
DANGLING = "1:1: filen er en snarvei (symbolsk lenke) til noe som ikke finnes."
OUTSIDE = "1:1: filen er en snarvei (symbolsk lenke) som peker ut av innholdsmappen."

# (id, path in the content folder, how to make it, expected problem or None for "ignored")
SPECIAL_FILES: list[tuple[str, str, Callable[[Path, str], None], str | None]] = [
    ("fifo-document", DOC, _fifo, f"{DOC}:{NOT_REGULAR}et navngitt rør (FIFO)."),
    ("fifo-registry", "temaer.yaml", _fifo, f"temaer.yaml:{NOT_REGULAR}et navngitt rør"),
    ("fifo-beside-the-documents", "annet/pipe", _fifo, None),
    ("socket-document", DOC, _socket, f"{DOC}:{NOT_REGULAR}en sokkel (socket)."),
    ("link-to-dev-zero", DOC, _link("/dev/zero"), f"{DOC}:{OUTSIDE}"),
    ("link-to-dev-zero-beside-the-documents", "annet/null.bin", _link("/dev/zero"), None),
    ("link-to-dev-zero-inside", DOC, _link("SITE/annet/zero"), f"{DOC}:{OUTSIDE}"),
    ("dangling-link", DOC, _link("SITE/finnes-ikke.md"), f"{DOC}:{DANGLING}"),
    ("dangling-registry-link", "omrader.yaml", _link("borte.yaml"), f"omrader.yaml:{DANGLING}"),
    ("link-loop", DOC, _link("SITE/referater/ny.md"), f"{DOC}:1:1: kan ikke lese filen: "
     "snarveiene (symbolske lenker) går i ring."),
    ("link-to-a-folder", DOC, _link("SITE/referater"),
     f"{DOC}:1:1: mappen er en snarvei (symbolsk lenke) og leses ikke."),
]


@pytest.fixture
def special_site(site: Path) -> Path:
    (site / "annet").mkdir()
    (site / "annet" / "zero").symlink_to("/dev/zero")
    return site


@pytest.mark.parametrize(("name", "make", "expected"), [case[1:] for case in SPECIAL_FILES],
                         ids=[case[0] for case in SPECIAL_FILES])
def test_special_file_is_refused_unread_by_check_and_build_alike(
        special_site: Path, tmp_path: Path, name: str, make: Callable[[Path, str], None],
        expected: str | None) -> None:
    """A FIFO, socket, device or odd link is never opened: one Norwegian problem (or nothing,
    beside the documents), the same from ``check`` and ``build``, and never a hang."""
    if (special_site / name).exists():
        (special_site / name).unlink()
    make(special_site, name)
    for command in ("check", "build"):
        extra = ["--out", str(tmp_path / "site")] if command == "build" else []
        result = run_cli(command, "--content", special_site, *extra, timeout=60)
        assert "Traceback" not in result.err
        if expected is None:
            assert result.code == 0, result.err
        else:
            assert result.code == 1, result.err
            problems = [line.removeprefix(f"{load.display(special_site)}/")
                        for line in result.err.splitlines() if ":1:1:" in line]
            assert problems == [problems[0]] and problems[0].startswith(expected), result.err


def test_symlink_out_of_content_is_refused(site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "hemmelig.md"
    secret.write_text(GOOD.replace("Tekst med", "Hemmelig tekst med"), encoding="utf-8")
    (site / DOC).symlink_to(secret)
    assert _problems(site) == [
        "referater/ny.md:1:1: filen er en snarvei (symbolsk lenke) som peker ut av "
        "innholdsmappen. Kopier innholdet inn i filen i stedet."]


def test_symlinked_folder_is_reported_not_followed(site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "utenfor"
    outside.mkdir()
    (outside / "ny.md").write_text(GOOD, encoding="utf-8")
    (site / "referater" / "mer").symlink_to(outside, target_is_directory=True)
    assert _problems(site) == [
        "referater/mer:1:1: mappen er en snarvei (symbolsk lenke) og leses ikke. Legg filene "
        "direkte i innholdsmappen."]


def test_missing_registry(site: Path) -> None:
    (site / "temaer.yaml").unlink()
    assert "temaer.yaml:1:1: registeret mangler. Lag filen temaer.yaml i innholdsmappen." in \
        _problems(site)


def test_two_documents_with_the_same_address_are_both_reported(site: Path) -> None:
    """Impossible through file names today (they are lower case), so the model is forged:
    on a case-insensitive file system «Ny.md» and «ny.md» would overwrite each other."""
    raw, _ = load.load_content(site)
    schemas = Schemas(load.load_schemas(Paths().schema))
    validated, _ = validate(raw, schemas)
    original = validated.content.by_path()["referater/2025-05-14.md"]
    twin = dataclasses.replace(original, slug="2025-05-14".upper(), path="referater/TWIN.md",
                               source="referater/TWIN.md")
    content = dataclasses.replace(validated.content,
                                  documents=(*validated.content.documents, twin))
    forged = dataclasses.replace(validated, content=content)
    compiled, _ = compile_bodies(forged)
    _, problems = link.link(forged, compiled)
    texts = [str(p).removeprefix(load.display(site) + "/") for p in problems]
    assert "referater/2025-05-14.md:1:1: dokumentet får samme nettadresse " \
        "(/referater/2025-05-14/) som referater/TWIN.md. Gi en av filene et annet navn." in texts
    assert "referater/TWIN.md:1:1: dokumentet får samme nettadresse (/referater/2025-05-14/) " \
        "som " + load.display(site / "referater/2025-05-14.md") + ". Gi en av filene et annet " \
        "navn." in [str(p) for p in problems]


# --- pathological Markdown: parsed in well under a second, or refused with a clear message

TOO_COMPLEX = ("teksten har for mye formatering til å bli en nettside raskt nok: for mange tegn "
               "som [ ] ! ^ < * _ & : # til og med denne linjen.")
ANNEX_ROW = "Bydel Alna og SaLTo-koordinatoren følger opp saken om trygghet på Furuset"

# (id, body after the valid fixture text, expected: None for no problem, else "LINE:COL: text")
BODIES: list[tuple[str, str, str | None]] = [
    ("deep-quotes", ">" * 100_000 + " x\n", None),
    ("many-brackets", "[" * 100_000 + "\n", f"11:1: {TOO_COMPLEX}"),
    ("many-stars", "*" * 100_000 + "\n", f"11:1: {TOO_COMPLEX}"),
    ("stars-and-underscores", "*_" * 4_000 + "\n", None),
    ("underscore-lines", ("_a" * 100 + "\n") * 4_000, f"1010:1: {TOO_COMPLEX}"),
    ("open-links", "[a](" * 2_400 + "\n", None),
    ("nested-images", "![" * 4_900 + "\n", None),
    ("footnote-openers", "[^" * 4_900 + "\n", None),
    ("backticks", "`a" * 9_000 + "\n", None),
    ("angle-brackets", "<" * 9_000 + "\n", None),
    ("autolinks", "<https://a.no> " * 60_000 + "\n", f"11:1: {TOO_COMPLEX}"),
    ("equal-headings", "## Status\n" * 3_000, None),
    ("many-headings", "## Status\n" * 20_000, None),
    ("flat-list", "- x\n" * 4_900, None),
    ("deep-list", "".join("  " * i + "- x\n" for i in range(700)), None),
    ("deep-bullets-one-line", "- " * 9_000 + "x\n", None),
    ("ordered-list", "1. x\n" * 9_000, None),
    ("long-table", "|a|b|\n|-|-|\n" + "|x|y|\n" * 2_400, None),
    ("status-openers", "::: status 2025-1\n" * 1_200,
     "12:1: oppfølgingspunkt 2025-1 har allerede en status i dette dokumentet."),
    ("many-links", "[a](2016-01-12.md)\n" * 1_500, None),
    ("colons", ":" * 500_000 + "\n", f"11:1: {TOO_COMPLEX}"),
    ("long-plain-line", "ord " * 200_000 + "\n", None),
    # long, ordinary documents: never refused for their length (the file limit is 1 MiB)
    ("plain-paragraphs-600-kb", f"{ANNEX_ROW}.\n\n" * 8_000, None),
    ("annex-list", f"- {ANNEX_ROW}, se [referatet](2016-01-12.md).\n" * 6_000, None),
    ("annex-table", "| Sak | Ansvar |\n| --- | --- |\n" + f"| {ANNEX_ROW} | BER |\n" * 8_000,
     None),
]


@pytest.mark.parametrize(("body", "expected"), [case[1:] for case in BODIES],
                         ids=[case[0] for case in BODIES])
def test_pathological_markdown_is_refused_and_long_documents_build(
        site: Path, body: str, expected: str | None) -> None:
    """Refusal looks at the text before parsing, so it costs far less than a second of CPU
    (not wall) time even on a shared machine; what is accepted is parsed and checked."""
    assert len(GOOD + body) < frontmatter.MAX_FILE_BYTES
    _write(site, DOC, GOOD + body)
    started = time.process_time()
    problems = _problems(site)
    elapsed = time.process_time() - started
    if expected is None:
        assert problems == []
    else:
        assert problems[0].startswith(f"referater/ny.md:{expected}"), problems[0]
        assert elapsed < 1.0, f"{elapsed:.2f} s"


def test_many_broken_links_are_capped(site: Path) -> None:
    _write(site, DOC, GOOD + "".join(f"[a](mangler{i}.md)\n" for i in range(1_000)))
    problems = [p for p in _problems(site) if "ny.md" in p]
    assert len(problems) == link.MAX_LINK_PROBLEMS + 1
    assert problems[-1].endswith(f"flere enn {link.MAX_LINK_PROBLEMS} lenkefeil i dokumentet; "
                                 f"resten vises ikke. Rett feilene over og kontroller på nytt.")


# --- through the real command line: exit codes, no traceback

@pytest.mark.parametrize(("file", "content", "expected"), [
    (DOC, "", "referater/ny.md:1:1: filen er tom."),
    (DOC, _billion_laughs(), "referater/ny.md:2:4: YAML-ankere og -aliaser"),
    ("oppfolgingspunkter/2025-8.md", POINT.format(seminar=2025, nummer="9" * 5000),
     "oppfolgingspunkter/2025-8.md:5:9: tallet er for stort."),
    (DOC, "---\nsted: " + "[" * 5000 + "]" * 5000 + "\n---\n", "front matter er nestet for dypt"),
], ids=["empty", "billion-laughs", "huge-integer", "deep-yaml"])
@pytest.mark.parametrize("command", ["check", "build"])
def test_cli_exits_1_with_message_and_no_traceback(site: Path, tmp_path: Path, command: str,
                                                   file: str, content: str,
                                                   expected: str) -> None:
    _write(site, file, content)
    out = tmp_path / "ut"
    args = ["--out", str(out)] if command == "build" else []
    result = run_cli(command, "--content", site, *args, timeout=60)
    assert result.code == 1, result.err
    assert expected in result.err
    assert "Traceback" not in result.err + result.out
    assert not out.exists()


def test_cli_usage_error_exits_2(tmp_path: Path) -> None:
    result = run_cli("check", "--content", tmp_path / "finnes-ikke")
    assert result.code == 2
    assert "fant ikke innholdsmappen" in result.err
    assert "Traceback" not in result.err


def _area_chain(length: int, cycle: bool) -> str:
    """omrader.yaml with a chain of *length* areas, optionally closed into a circle."""
    top = "a0" if cycle else "oslo-politidistrikt"
    lines = ["- {slug: oslo-politidistrikt, navn: O, nivå: politidistrikt, beskrivelse: x}"]
    lines += [f"- {{slug: {slug}, navn: X, nivå: prioritert område, foreldre: [a0], "
              f"beskrivelse: x}}" for slug in ("enhet-ost", "alna", "furuset")]
    lines += [f"- {{slug: a{i}, navn: A, nivå: bydel, foreldre: "
              f"[{f'a{i + 1}' if i + 1 < length else top}], beskrivelse: x}}"
              for i in range(length)]
    return "\n".join(lines) + "\n"


def test_long_area_chain_is_checked_without_recursion(site: Path) -> None:
    """Only four levels make a valid chain; a long one is checked fast, every link reported.
    The whole check takes some 1.2 s of CPU here, most of it not the chain; the bound is only
    there to catch a walk that is quadratic in the chain (9 million steps), not to time it."""
    _write(site, "omrader.yaml", _area_chain(3_000, cycle=False))
    started = time.process_time()
    problems = _problems(site)
    assert time.process_time() - started < 6.0
    assert len(problems) == 2_999
    assert all("(bydel) kan ikke ligge under" in problem for problem in problems)


def test_area_circle_is_reported_on_every_area_in_it(site: Path) -> None:
    _write(site, "omrader.yaml", _area_chain(3_000, cycle=True))
    problems = _problems(site)
    assert len(problems) == 3_000
    assert problems[0] == ("omrader.yaml:5:46: området «a0» ligger under seg selv "
                           "(sirkel i «foreldre»).")


EDGE_DATES = {
    "referater/2000-01-01.md": _good("dato: 2025-06-11", "dato: 2000-01-01\nsluttdato: "
                                     "2099-12-31\nplanlagte_moter:\n  - dato: 2099-12-31\n"
                                     "    sluttdato: 2099-12-31\n    motetype: seminar\n"
                                     "  - dato: 2000-01-01\n    motetype: møte"),
    "oppfolgingspunkter/2099-1.md": POINT.format(seminar=2099, nummer=1).replace(
        "dato: 2025-06-11", "dato: 2099-12-31\nfrist: 2099-12-31\nvedtatt: \"2099-12-31\""),
    "oppfolgingspunkter/2000-1.md": POINT.format(seminar=2000, nummer=1).replace(
        "dato: 2025-06-11", "dato: 2000-01-01\nvedtatt: \"2000\""),
}


def test_dates_at_both_ends_of_the_range_check_and_build(tmp_path: Path) -> None:
    """Whatever check accepts builds: the first and last day of the range, in every date
    field, go through every page, feed and the calendar."""
    out = built_site(tmp_path, extra=EDGE_DATES)
    calendar = (out / "kalender.ics").read_text(encoding="utf-8")
    assert "DTEND;VALUE=DATE:21000101" in calendar
    assert (out / "ar" / "2000" / "index.html").is_file()
    assert (out / "ar" / "2099" / "index.html").is_file()


def test_area_levels_are_the_schemas_in_its_order() -> None:
    schema = json.loads((ROOT / "schema" / "omrader.schema.json").read_text(encoding="utf-8"))
    assert schema["items"]["properties"]["nivå"]["enum"] == list(model.AREA_LEVELS)
