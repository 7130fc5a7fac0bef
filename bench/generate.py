"""Generate a deterministic synthetic archive of N documents that pass ``check``.

Realistic minutes: about 12 KB of Norwegian Markdown each, 6–8 agenda items, lists, a table,
links to other documents, status updates for follow-up points, 1–4 topics and 0–3 areas from
the registries. The same (N, seed) always gives byte-identical files.

    python bench/generate.py --n 1000 --out bench/out/corpus-1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

TOPICS = [
    ("politiradssamarbeidet", "Politirådssamarbeidet"), ("salto", "SaLTo"),
    ("ipo", "Innsats i prioriterte områder (IPO)"),
    ("barn-og-unge", "Barne- og ungdomskriminalitet"),
    ("hatkriminalitet", "Hatkriminalitet, radikalisering og voldelig ekstremisme"),
    ("beredskap", "Beredskap og samfunnssikkerhet"),
    ("vold-i-naere-relasjoner", "Vold i nære relasjoner og seksuelle overgrep"),
    ("rus", "Rus og åpne rusmiljøer"), ("kriminelle-nettverk", "Kriminelle nettverk"),
    ("uteliv", "Uteliv og skjenking"), ("byutvikling", "Byutvikling og trygghet"),
    ("okonomisk-kriminalitet", "Økonomisk kriminalitet og arbeidslivskriminalitet"),
    ("kriminalitetsbilde", "Kriminalitetsbilde og statistikk"),
    ("ressurser", "Politiets ressurssituasjon"),
    ("informasjonsdeling", "Informasjonsdeling og kunnskapsdeling"), ("pride", "Pride"),
]

AREAS = [  # slug, name, level, parents
    ("oslo-politidistrikt", "Oslo politidistrikt", "politidistrikt", []),
    ("enhet-ost", "Enhet øst", "driftsenhet", ["oslo-politidistrikt"]),
    ("enhet-sentrum", "Enhet sentrum", "driftsenhet", ["oslo-politidistrikt"]),
    ("enhet-vest", "Enhet vest", "driftsenhet", ["oslo-politidistrikt"]),
    ("alna", "Bydel Alna", "bydel", ["enhet-ost"]),
    ("bjerke", "Bydel Bjerke", "bydel", ["enhet-ost"]),
    ("frogner", "Bydel Frogner", "bydel", ["enhet-sentrum", "enhet-vest"]),
    ("gamle-oslo", "Bydel Gamle Oslo", "bydel", ["enhet-sentrum"]),
    ("grorud", "Bydel Grorud", "bydel", ["enhet-ost"]),
    ("grunerlokka", "Bydel Grünerløkka", "bydel", ["enhet-sentrum"]),
    ("nordre-aker", "Bydel Nordre Aker", "bydel", ["enhet-vest"]),
    ("nordstrand", "Bydel Nordstrand", "bydel", ["enhet-ost"]),
    ("sagene", "Bydel Sagene", "bydel", ["enhet-sentrum"]),
    ("st-hanshaugen", "Bydel St. Hanshaugen", "bydel", ["enhet-sentrum"]),
    ("stovner", "Bydel Stovner", "bydel", ["enhet-ost"]),
    ("sondre-nordstrand", "Bydel Søndre Nordstrand", "bydel", ["enhet-ost"]),
    ("ullern", "Bydel Ullern", "bydel", ["enhet-vest"]),
    ("vestre-aker", "Bydel Vestre Aker", "bydel", ["enhet-vest"]),
    ("ostensjo", "Bydel Østensjø", "bydel", ["enhet-ost"]),
    ("oslo-sentrum", "Oslo sentrum", "prioritert område", ["enhet-sentrum"]),
    ("hovseter", "Hovseter", "prioritert område", ["vestre-aker"]),
    ("majorstua", "Majorstua", "prioritert område", ["frogner"]),
    ("gronland-og-toyen", "Grønland og Tøyen", "prioritert område", ["gamle-oslo"]),
    ("mortensrud-bjornerud", "Mortensrud/Bjørnerud", "prioritert område", ["sondre-nordstrand"]),
    ("furuset", "Furuset", "prioritert område", ["alna"]),
    ("vestli", "Vestli", "prioritert område", ["stovner"]),
    ("bjorndal", "Bjørndal", "prioritert område", ["sondre-nordstrand"]),
    ("ellingsrud", "Ellingsrud", "prioritert område", ["alna"]),
    ("trosterud", "Trosterud", "prioritert område", ["alna"]),
    ("fossum", "Fossum", "prioritert område", ["stovner"]),
    ("holmlia-syd", "Holmlia Syd", "prioritert område", ["sondre-nordstrand"]),
]

ABBREVIATIONS = [
    ("OPD", "Oslo politidistrikt"), ("BLK", "Byrådslederens kontor"),
    ("UTD", "Byrådsavdeling for utdanning"), ("KOSS", "Kommunenes koordineringssentral"),
    ("IPO", "Innsats i prioriterte områder"), ("SaLTo", "Sammen lager vi et trygt Oslo"),
    ("SLT", "Samordning av lokale rus- og kriminalitetsforebyggende tiltak"),
    ("PST", "Politiets sikkerhetstjeneste"), ("NHO", "Næringslivets Hovedorganisasjon"),
]

YEARS = 26
"""Documents are dated 2000–2025, whatever their number (the archive accepts 2000–2099)."""
MEETING_TYPES = ("møte", "seminar")
COUNCILS = [
    "oslo", "bergen", "trondheim", "stavanger", "kristiansand", "drammen", "fredrikstad",
    "tromso", "sandnes", "sarpsborg", "skien", "alesund", "bodo", "larvik", "tonsberg",
    "arendal", "haugesund", "porsgrunn", "moss", "hamar", "lillehammer", "gjovik", "molde",
    "harstad", "kongsberg", "halden", "steinkjer", "narvik", "alta", "kristiansund",
]
"""Police councils. Up to a referat for every other day of 2000–2025, the corpus is one
council's archive (as at 10,000: no ``politirad``, no registry; the names only vary the
titles); above that, every referat is of one of these councils (``politirad``, with
``politirad.yaml``), as in an archive of every council in the country."""
COUNCIL_NAMES = {"tromso": "Tromsø", "alesund": "Ålesund", "bodo": "Bodø", "gjovik": "Gjøvik",
                 "tonsberg": "Tønsberg"}
"""Council names with letters their slugs spell otherwise; the rest is the slug capitalised."""

AGENDA = [
    "Dagsorden godkjent", "Orientering fra politimesteren", "Orientering fra byrådslederen",
    "Situasjonsbrief fra politiet", "Status for SaLTo-samarbeidet", "Innsats i prioriterte områder",
    "Beredskap og samfunnssikkerhet", "Barne- og ungdomskriminalitet", "Åpne rusmiljøer",
    "Vold i nære relasjoner", "Uteliv og skjenking", "Informasjonsdeling og taushetsplikt",
    "Kriminelle nettverk", "Arbeidslivskriminalitet", "Byutvikling og trygghet",
    "Politiets ressurssituasjon", "Oppfølgingspunkter fra seminaret", "Eventuelt",
]

SUBJECTS = [
    "Politiet", "Kommunen", "Bydelen", "Byrådet", "Politimesteren", "Utdanningsetaten",
    "Velferdsetaten", "SaLTo-koordinatoren", "Forebyggende enhet", "OPD", "Arbeidsgruppen",
    "Ungdomsrådet", "Beredskapsetaten", "Barne- og familieetaten", "KOSS",
]
VERBS = [
    "orienterte om", "redegjorde for", "la fram en vurdering av", "understreket betydningen av",
    "viste til", "foreslo å styrke", "ba om en oppdatert oversikt over", "vil følge opp",
    "har satt i gang et arbeid med", "pekte på utfordringer knyttet til",
]
OBJECTS = [
    "kriminalitetsbildet i sentrum", "samarbeidet med bydelene", "tiltak mot ungt utenforskap",
    "arbeidet med taushetsplikt og samtykke", "ressurssituasjonen i politiet",
    "oppfølgingen av unge som begår gjentatt kriminalitet", "trygghet i offentlige rom",
    "innsatsen mot åpne rusmiljøer", "beredskapsplanene for sommeren", "sommerjobber for ungdom",
    "forebygging av vold i nære relasjoner", "samarbeidet om et tryggere uteliv",
    "kunnskapsgrunnlaget i SaLTo-rapporten", "arbeidet mot kriminelle nettverk",
    "fritidstilbudet for barn og unge", "informasjonsdelingen mellom etatene",
]
CLAUSES = [
    "og det er gode resultater", "men tallene må tolkes med forsiktighet",
    "og det skal gis en ny orientering på neste møte", "noe som krever tett samordning",
    "og rådet sluttet seg til vurderingen", "selv om ressursene er begrenset",
    "og arbeidet videreføres i samarbeid med frivillige organisasjoner",
    "etter innspill fra ungdomsrådet", "i tråd med politirådsavtalen",
]
EXTRAS = [
    "Det er satt inn tiltak for å møte utfordringene, men det dekker ikke hele behovet.",
    "Kriminalstatistikken viser i grove trekk en nedgang siden samme tid i fjor.",
    "Rådet ba om at erfaringene deles med de andre bydelene.",
    "Det ble vist til at høye boligpriser påvirker rekrutteringen.",
    "Tempoet er høyt, og samarbeidet beskrives som tett og godt.",
    "Saken tas opp igjen når evalueringen foreligger.",
]


@dataclass
class Spec:
    """One document to generate: where it goes and what it refers to."""

    folder: str
    slug: str
    date: dt.date
    topics: list[str]
    areas: list[str]
    links: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    meeting: str = "møte"
    """A referat's ``motetype``: one meeting (council, date and type) has one referat."""
    council: str | None = None
    """A referat's ``politirad``; None in an archive of one council."""

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.slug}.md"


def sentence(rng: random.Random) -> str:
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.6:
        text += f", {rng.choice(CLAUSES)}"
    return text + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    parts = [sentence(rng) for _ in range(sentences)]
    if rng.random() < 0.4:
        parts.insert(rng.randrange(len(parts)), rng.choice(EXTRAS))
    return " ".join(parts)


def relative(source: Spec, target: Spec) -> str:
    if source.folder == target.folder:
        return f"{target.slug}.md"
    return f"../{target.path}"


def plan(n: int, rng: random.Random) -> list[Spec]:
    """Decide every document's kind, slug, date, tags and references before writing any."""
    n_points = max(1, n * 6 // 100)
    n_agreements = max(1, n * 2 // 100)
    n_minutes = n - n_points - n_agreements
    per_seminar = max(25, -(-n_points // YEARS))  # every seminar year inside 2000–2025
    specs = [_point(i, per_seminar, rng) for i in range(n_points)]
    specs += [_agreement(i, rng) for i in range(n_agreements)]
    specs += _minutes(n_minutes, rng)
    points = [s for s in specs if s.folder == "oppfolgingspunkter"]
    others = [s for s in specs if s.folder != "oppfolgingspunkter"]
    for spec in specs:
        spec.links = [relative(spec, target) for target in rng.sample(specs, 3)
                      if target is not spec]
        if spec.folder == "referater":
            spec.statuses = sorted({p.slug for p in rng.sample(points, min(2, len(points)))})
        if spec.folder == "oppfolgingspunkter":
            spec.links.insert(0, relative(spec, rng.choice(others)))
    return specs


def _tags(rng: random.Random) -> tuple[list[str], list[str]]:
    topics = rng.sample([slug for slug, _ in TOPICS], rng.randint(1, 4))
    areas = rng.sample([slug for slug, *_ in AREAS], rng.randint(0, 3))
    return topics, areas


def _point(index: int, per_seminar: int, rng: random.Random) -> Spec:
    seminar, number = 2000 + index // per_seminar, index % per_seminar + 1
    return Spec("oppfolgingspunkter", f"{seminar}-{number}", dt.date(seminar, 2, 1), *_tags(rng))


def _agreement(index: int, rng: random.Random) -> Spec:
    year = 2000 + index % YEARS
    return Spec("avtaler", f"politiradsavtale-{year}-{index:04d}", dt.date(year, 1, 1), *_tags(rng))


def _minutes(count: int, rng: random.Random) -> list[Spec]:
    """*count* referater dated 2000–2025, each of its own meeting: ``check`` refuses two
    referater of one council of one type on one date. One council while half of those days
    suffice (as the corpus always was up to 10,000), else spread over :data:`COUNCILS`."""
    start, days = dt.date(2000, 1, 1), 365 * YEARS
    if count <= days:
        return _one_council(count, start, days, rng)
    if count > days * len(COUNCILS) * 0.9:
        raise SystemExit(f"{count} referater får ikke hvert sitt møte i 2000–2025 (ett referat "
                         f"per politiråd, møtetype og dato i {len(COUNCILS)} råd): velg færre "
                         f"dokumenter.")
    taken: set[tuple[str, dt.date, str]] = set()
    specs = []
    while len(specs) < count:
        date = start + dt.timedelta(days=rng.randrange(days))
        meeting = MEETING_TYPES[rng.random() < 0.1]
        council = rng.choice(COUNCILS)
        if any((council, date, kind) in taken for kind in MEETING_TYPES):
            continue  # one file a council and day: a møte and a seminar would share its name
        taken.add((council, date, meeting))
        specs.append(Spec("referater", f"{date.isoformat()}-{council}", date, *_tags(rng),
                          meeting=meeting, council=council))
    return specs


def _one_council(count: int, start: dt.date, days: int, rng: random.Random) -> list[Spec]:
    """*count* referater of one council; the slugs are named after a council at random."""
    taken: set[tuple[dt.date, str]] = set()
    slugs: set[str] = set()
    specs = []
    while len(specs) < count:
        date = start + dt.timedelta(days=rng.randrange(days))
        meeting = MEETING_TYPES[rng.random() < 0.1]
        if (date, meeting) in taken:
            continue
        slug = f"{date.isoformat()}-{rng.choice(COUNCILS)}"
        if slug in slugs:  # a møte and a seminar that day, named after the same council
            continue
        taken.add((date, meeting))
        slugs.add(slug)
        specs.append(Spec("referater", slug, date, *_tags(rng), meeting=meeting))
    return specs


def council_name(slug: str) -> str:
    return COUNCIL_NAMES.get(slug, slug.capitalize())


def front_matter(spec: Spec, rng: random.Random) -> list[str]:
    council = (council_name(spec.council) if spec.council
               else spec.slug.rsplit("-", 1)[-1].capitalize())
    lines = ["---"]
    if spec.folder == "referater":
        lines += [f"tittel: Referat fra Politirådet i {council} {spec.date:%d.%m.%Y}",
                  f'dato: "{spec.date.isoformat()}"',
                  f"motetype: {spec.meeting}"]
        if spec.council is not None:
            lines.append(f"politirad: {spec.council}")
        if rng.random() < 0.5:
            lines.append(f"sted: Rådhuset i {council}")
    elif spec.folder == "avtaler":
        year = spec.date.year
        lines += [f"tittel: Politirådsavtale {year}–{year + 2} ({spec.slug[-4:]})",
                  f'dato: "{spec.date.isoformat()}"', "avtaletype: politirådsavtale",
                  f"gyldig_fra: {year}", f"gyldig_til: {year + 2}",
                  "signatarer:", "  - navn: Kari Nordmann", "    rolle: Politimester",
                  "  - navn: Ola Nordmann", "    rolle: Ordfører"]
    else:
        seminar, number = spec.slug.split("-")
        lines += [f"tittel: Oppfølgingspunkt {number} fra seminaret {seminar} – "
                  f"{rng.choice(OBJECTS)}", f'dato: "{spec.date.isoformat()}"',
                  f"seminar: {seminar}", f"nummer: {number}",
                  f"avsluttet: {'true' if rng.random() < 0.5 else 'false'}",
                  f"publisert_i: {spec.links[0]}"]
    lines += [f"temaer: [{', '.join(spec.topics)}]", f"omrader: [{', '.join(spec.areas)}]",
              "kilde:", f"  tittel: Referat Politirådet {spec.date:%d.%m.%Y}", "  format: PDF",
              "  utgiver: Kommunen og politidistriktet",
              "  merknad: Tekst overført fra PDF med tekstgjenkjenning; skannefeil er rettet.",
              "---", ""]
    return lines


def body(spec: Spec, rng: random.Random, size: int) -> list[str]:
    """Agenda items with paragraphs, a list, a table, links and status blocks."""
    items = rng.sample(AGENDA, rng.randint(6, 8))
    per_item = size // len(items)
    lines: list[str] = []
    links = list(spec.links)
    statuses = list(spec.statuses)
    for number, title in enumerate(items, start=1):
        lines += [f"## {number}. {title}", ""]
        written = 0
        while written < per_item:
            text = paragraph(rng, rng.randint(3, 6))
            if links and rng.random() < 0.3:
                text += f" Se også [tidligere behandling]({links.pop()})."
            lines += [text, ""]
            written += len(text)
        if number == 2:
            lines += _list(rng) + _table(rng)
        if number == 3:
            lines += ["### Innspill fra rådet", "", paragraph(rng, 3), ""]
        if statuses and number >= 4:
            point = statuses.pop()
            lines += [f"::: status {point}", paragraph(rng, 2), ":::", ""]
    lines += [f"Se også [dette dokumentet]({link})." for link in links]
    return lines


def _list(rng: random.Random) -> list[str]:
    return [f"- {sentence(rng)}" for _ in range(rng.randint(3, 5))] + [""]


def _table(rng: random.Random) -> list[str]:
    rows = ["| Lovbrudd | I fjor | I år | Endring |", "| --- | ---: | ---: | ---: |"]
    for kind in ("Vold", "Ran", "Narkotika", "Vinning", "Skadeverk"):
        before, now = rng.randint(100, 2000), rng.randint(100, 2000)
        rows.append(f"| {kind} | {before} | {now} | {(now - before) * 100 // before} % |")
    return [*rows, ""]


def registries(councils: bool = False) -> dict[str, str]:
    """The registry files; with *councils*, ``politirad.yaml`` too."""
    topics = "".join(f"- slug: {slug}\n  navn: {name}\n  beskrivelse: Temaet {name}.\n"
                     for slug, name in TOPICS)
    areas = "".join(
        f"- slug: {slug}\n  navn: {name}\n  nivå: {level}\n"
        + (f"  foreldre: [{', '.join(parents)}]\n" if parents else "")
        + f"  beskrivelse: Området {name}.\n" for slug, name, level, parents in AREAS)
    abbreviations = "".join(f"- forkortelse: {short}\n  betydning: {meaning}\n"
                            for short, meaning in ABBREVIATIONS)
    files = {"temaer.yaml": topics, "omrader.yaml": areas, "forkortelser.yaml": abbreviations}
    if councils:
        files["politirad.yaml"] = "".join(f"- slug: {slug}\n  navn: Politirådet i "
                                          f"{council_name(slug)}\n" for slug in COUNCILS)
    return files


SIZES = {"referater": 8_400, "avtaler": 7_000, "oppfolgingspunkter": 2_000}


def generate(n: int, out: Path, seed: int = 7) -> Path:
    """Write a corpus of *n* documents into *out* (replacing it) and return *out*."""
    rng = random.Random(seed * 1_000_003 + n)
    if out.exists():
        shutil.rmtree(out)
    for folder in SIZES:
        (out / folder).mkdir(parents=True)
    specs = plan(n, rng)
    for name, text in registries(any(s.council for s in specs)).items():
        (out / name).write_text(text, encoding="utf-8")
    for spec in specs:
        lines = front_matter(spec, rng) + body(spec, rng, SIZES[spec.folder])
        (out / spec.path).write_text("\n".join(lines), encoding="utf-8")
    return out


def ensure(n: int, root: Path, seed: int = 7) -> Path:
    """The corpus for *n* under *root*; generated once, reused while the generator is the same."""
    out = root / f"corpus-{n}"
    stamp = out / ".generator"
    version = f"{seed}:{Path(__file__).stat().st_size}:{hash_file(Path(__file__))}"
    if not (stamp.is_file() and stamp.read_text() == version):
        generate(n, out, seed)
        stamp.write_text(version)
    return out


def hash_file(path: Path) -> str:
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)
    print(f"{args.n} dokumenter skrevet til {args.out}")


if __name__ == "__main__":
    main()
