"""The site's datasets described in a DCAT-AP-NO catalogue (JSON-LD) that data.norge.no can
harvest: ``data/katalog.jsonld``.

DCAT-AP-NO is the Norwegian profile of the EU's DCAT application profile for data catalogues.
The catalogue lists four datasets, each with the files that carry it: the archive (open data
as JSON Lines, and the OParl 1.1 interface as a data service), the meetings (iCalendar) and the
news feeds (Atom). Controlled values come from the EU vocabularies the profile names (file
types, languages, themes, access rights, frequencies); each such value says which vocabulary
it is from (``skos:inScheme``), as the profile's SHACL shapes check, so the catalogue can be
validated on its own. The publisher is Oslo kommune, named by its organisation number in the
national organisation catalogue. No licence is stated: that is the owner's decision (the
README says so), and the shapes only recommend one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from ..common.address import SiteAddress
from ..model.archive import Archive
from ..model.content import SITE_NAME
from . import feeds, oparl
from .feeds import OPEN_DATA, REGISTRIES

CATALOGUE = "data/katalog.jsonld"
PAGE = "data/"
"""The human page about the open data (``templates/data.html``)."""
PUBLISHER = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/958935420"
PUBLISHER_ID = "958935420"
"""Oslo kommune's organisation number (Enhetsregisteret)."""
EU = "http://publications.europa.eu/resource/authority/"
OPARL_SPEC = "https://oparl.org/spezifikation/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#",
}


def outputs(archive: Archive, address: SiteAddress
            ) -> Iterator[tuple[str, functools.partial[bytes]]]:
    """The catalogue, made from the address and the day the archive last changed alone."""
    yield CATALOGUE, functools.partial(catalogue_file, address, last_changed(archive))


def last_changed(archive: Archive) -> str:
    """The day the archive last changed: the newest time a document's feed entry has
    (:func:`.feeds.entry_updated`: its date, or a later commit), never a day made up from an
    undated agreement's year."""
    stamps = [feeds.entry_updated(archive, doc) for doc in archive.documents]
    return max((stamp.date() for stamp in stamps if stamp), default=oparl.FIRST_DAY).isoformat()


def catalogue_file(address: SiteAddress, modified: str) -> bytes:
    text = json.dumps(catalogue(address, modified), ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def catalogue(address: SiteAddress, modified: str) -> dict[str, Any]:
    """The catalogue as JSON-LD: the catalogue, its datasets, the OParl service, and the
    publisher and vocabulary values they name."""
    def node(path: str) -> str:
        return address.absolute(path)

    datasets = [
        _dataset(node("data/#dokumenter"), "Arkivet til Politirådet i Oslo",
                 "Alle publiserte referater og seminaroppsummeringer, politirådsavtaler og "
                 "oppfølgingspunkter fra Politirådet i Oslo, med metadata, ren tekst og "
                 "oppfølgingspunktenes daterte statushistorikk.",
                 modified, address, [
                     _distribution(node(OPEN_DATA), "Åpne data (JSON Lines)",
                                   "Alle dokumenter og punkter, ett JSON-objekt per linje.",
                                   "JSON", None, address, download=True),
                     _distribution(node(REGISTRIES), "Temaer og områder (JSON)",
                                   "Hva dataene er, og temaene og områdene dokumentene viser "
                                   "til, med navn og adresse.", "JSON", "application/json",
                                   address, download=True),
                     _distribution(node(oparl.SYSTEM), "OParl 1.1",
                                   "Rådet, møtene med dagsordenspunkter, avtalene og "
                                   "oppfølgingspunktene som statiske OParl-filer. Start i "
                                   "System-objektet.", "JSON", "application/json", address,
                                   service=node("data/#oparl"), conforms=OPARL_SPEC)]),
        _dataset(node("data/#kalender"), "Møter og seminarer i Politirådet i Oslo",
                 "Politirådets møter og seminarer, både de som er holdt og de som er "
                 "fastsatt, som kalender.", modified, address, [
                     _distribution(node("kalender.ics"), "Møtekalender (iCalendar)",
                                   "Kalenderfil som kan abonneres på.", "ICS", "text/calendar",
                                   address, download=True)]),
        _dataset(node("data/#nyheter"), "Nye dokumenter fra Politirådet i Oslo",
                 "Nyhetsstrømmer med de nyeste dokumentene: alt, per tema, per område og per "
                 "oppfølgingspunkt.", modified, address, [
                     _distribution(node("feed.xml"), "Nyhetsstrøm for alle dokumenter (Atom)",
                                   "De 50 nyeste dokumentene. Temaer, områder og "
                                   "oppfølgingspunkter har egne strømmer, lenket fra sidene.",
                                   "ATOM", "application/atom+xml", address)]),
    ]
    service = {
        "@id": node("data/#oparl"), "@type": "dcat:DataService",
        "dct:identifier": node("data/#oparl"),
        "dct:title": _nb("OParl-grensesnittet til arkivet for Politirådet i Oslo"),
        "dct:description": _nb("Statiske JSON-filer etter OParl 1.1, standarden for "
                               "rådsinformasjonssystemer. Start i System-objektet."),
        "dcat:endpointURL": {"@id": node(oparl.SYSTEM)},
        "dcat:endpointDescription": {"@id": OPARL_SPEC},
        "dct:conformsTo": {"@id": OPARL_SPEC},
        "dct:publisher": {"@id": PUBLISHER},
        "dcat:landingPage": {"@id": node(PAGE)},
        "dct:accessRights": {"@id": EU + "access-right/PUBLIC"},
        "dcat:servesDataset": {"@id": node("data/#dokumenter")},
    }
    catalogue_node = {
        "@id": node(CATALOGUE), "@type": "dcat:Catalog", "dct:identifier": node(CATALOGUE),
        "dct:title": _nb(f"Datakatalog for arkivet til {SITE_NAME}"),
        "dct:description": _nb(f"Datasettene arkivet til {SITE_NAME} publiserer som åpne "
                               "data: arkivet (JSON Lines og OParl), møtene (iCalendar) og "
                               "nyhetsstrømmene (Atom)."),
        "dct:publisher": {"@id": PUBLISHER},
        "foaf:homepage": {"@id": node(PAGE)},
        "dct:language": {"@id": EU + "language/NOB"},
        "dct:modified": {"@value": modified, "@type": "xsd:date"},
        "dcat:dataset": [{"@id": d["@id"]} for d in datasets],
        "dcat:service": [{"@id": service["@id"]}],
    }
    publisher = {"@id": PUBLISHER, "@type": "foaf:Agent", "foaf:name": _nb("Oslo kommune"),
                 "dct:identifier": PUBLISHER_ID}
    standard = {"@id": OPARL_SPEC, "@type": "dct:Standard", "dct:title": _nb("OParl 1.1"),
                "owl:versionInfo": "1.1"}
    return {"@context": CONTEXT,
            "@graph": [catalogue_node, *datasets, service, publisher, standard, *_vocabulary()]}


def _dataset(identifier: str, title: str, description: str, modified: str,
             address: SiteAddress, distributions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@id": identifier, "@type": "dcat:Dataset", "dct:identifier": identifier,
        "dct:title": _nb(title), "dct:description": _nb(description),
        "dct:publisher": {"@id": PUBLISHER},
        "dcat:theme": [{"@id": EU + "data-theme/GOVE"}, {"@id": EU + "data-theme/JUST"}],
        "dcat:keyword": [_nb("politiråd"), _nb("Oslo"), _nb("kriminalitetsforebygging")],
        "dct:language": {"@id": EU + "language/NOB"},
        "dct:accessRights": {"@id": EU + "access-right/PUBLIC"},
        "dct:accrualPeriodicity": {"@id": EU + "frequency/IRREG"},
        "dcat:landingPage": {"@id": address.absolute(PAGE)},
        "dct:modified": {"@value": modified, "@type": "xsd:date"},
        "dcat:distribution": distributions,
    }


def _distribution(url: str, title: str, description: str, file_type: str, media_type: str | None,
                  address: SiteAddress, download: bool = False, service: str | None = None,
                  conforms: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@id": url + "#distribusjon" if "#" not in url else url, "@type": "dcat:Distribution",
        "dct:title": _nb(title), "dct:description": _nb(description),
        "dcat:accessURL": {"@id": url},
        "dct:format": {"@id": EU + f"file-type/{file_type}"},
        "dct:language": {"@id": EU + "language/NOB"},
        "foaf:page": {"@id": address.absolute(PAGE)},
    }
    if media_type:  # JSON Lines has no registered media type yet
        data["dcat:mediaType"] = {
            "@id": f"https://www.iana.org/assignments/media-types/{media_type}"}
    if download:
        data["dcat:downloadURL"] = {"@id": url}
    if service:
        data["dcat:accessService"] = {"@id": service}
    if conforms:
        data["dct:conformsTo"] = {"@id": conforms}
    return data


def _vocabulary() -> list[dict[str, Any]]:
    """The controlled values used, each with the vocabulary it belongs to."""
    values = {"access-right": ("PUBLIC",), "data-theme": ("GOVE", "JUST"),
              "file-type": ("JSON", "ICS", "ATOM"), "frequency": ("IRREG",),
              "language": ("NOB",)}
    return [{"@id": f"{EU}{scheme}/{code}", "skos:inScheme": {"@id": EU + scheme}}
            for scheme, codes in values.items() for code in codes]


def _nb(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "nb"}
