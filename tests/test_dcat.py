"""The DCAT-AP-NO catalogue of the site's datasets, and the «Åpne data» page that explains them:
the catalogue checked with the official SHACL shapes (pySHACL), the page in Chromium."""

from __future__ import annotations

import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyshacl
import pytest
import rdflib
from axe_playwright_python.sync_playwright import Axe
from conftest import FIXTURES, ROOT, Served, open_page, serve_folder
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, XSD
from site_helpers import build
from standards import standard_file

from politiradet import pipeline
from politiradet.stages import dcat, feeds, oparl

PUBLIC = "https://example.test/sti/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHAPES = "shacl/DCAT-AP-NO-shacl_shapes_2.00.ttl"
LICENCE_WARNING = "Varsel: Fant ingen lisens (dct:license). Lisens er anbefalt egenskap for " \
                  "Distribusjon."
"""The one finding expected: no licence is stated until the owner chooses one."""


@pytest.fixture(scope="module", params=["gyldig", "content"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = FIXTURES / "gyldig" if request.param == "gyldig" else ROOT / "content"
    return build(tmp_path_factory.mktemp("dcat") / "site", base_url=PUBLIC, content=content)


def catalogue(site: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(site / dcat.CATALOGUE, format="json-ld")


def test_catalogue_has_no_violations_of_the_dcat_ap_no_shapes(site: Path) -> None:
    shapes = rdflib.Graph().parse(data=standard_file("dcat-ap-no", SHAPES), format="turtle")
    ontologies = rdflib.Graph().parse(data=standard_file("dcat-ap-no", "shacl/ontologies.ttl"),
                                      format="turtle")
    _conforms, report, text = pyshacl.validate(catalogue(site), shacl_graph=shapes,
                                               ont_graph=ontologies, allow_warnings=True)
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    violations = [r for r in results if report.value(r, SH.resultSeverity) == SH.Violation]
    assert violations == [], text
    messages = {str(report.value(r, SH.resultMessage)) for r in results}
    assert messages <= {LICENCE_WARNING}, text


def test_mandatory_properties_without_the_shapes(site: Path) -> None:
    """What DCAT-AP-NO makes mandatory, checked without the official shapes too: title,
    description and identifier of the catalogue, each dataset and the service, one publisher
    with a name, a theme for each dataset, and a date for every ``dct:modified``."""
    graph = catalogue(site)
    nodes = [*graph.subjects(RDF.type, DCAT.Catalog), *graph.subjects(RDF.type, DCAT.Dataset),
             *graph.subjects(RDF.type, DCAT.DataService)]
    assert len(nodes) == 5
    for node in nodes:
        for prop in (DCTERMS.title, DCTERMS.identifier):
            assert isinstance(graph.value(node, prop), rdflib.Literal), (node, prop)
        publishers = list(graph.objects(node, DCTERMS.publisher))
        assert publishers == [rdflib.URIRef(dcat.PUBLISHER)], node
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        assert graph.value(dataset, DCTERMS.description) is not None
        assert list(graph.objects(dataset, DCAT.theme)), dataset
    assert str(graph.value(rdflib.URIRef(dcat.PUBLISHER), FOAF.name)) == "Oslo kommune"
    for modified in graph.objects(None, DCTERMS.modified):
        assert modified.datatype == XSD.date, modified


def test_every_dataset_has_files_that_exist(site: Path) -> None:
    graph = catalogue(site)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 3
    for dataset in datasets:
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions, dataset
        for distribution in distributions:
            url = str(graph.value(distribution, DCAT.accessURL))
            assert url.startswith(PUBLIC) and (site / url[len(PUBLIC):]).is_file(), url
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    for node in graph.subjects(RDF.type, None):
        if str(node).startswith(PUBLIC + "data/#"):  # a dataset or the service: its section
            assert f'id="{str(node).split("#", 1)[1]}"' in page, node
    service = graph.value(predicate=RDF.type, object=DCAT.DataService)
    assert str(graph.value(service, DCAT.endpointURL)) == PUBLIC + oparl.SYSTEM
    assert str(graph.value(graph.value(predicate=RDF.type, object=DCAT.Catalog),
                           DCTERMS.identifier)) == PUBLIC + dcat.CATALOGUE


# --- the «Åpne data» page ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = build(tmp_path_factory.mktemp("data-page") / "site", base_url=PUBLIC,
                 content=FIXTURES / "gyldig")
    with serve_folder(site, "/sti/") as served:
        yield served


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 320])
def test_open_data_page_is_reached_from_the_footer_and_passes_axe(
        browser: Any, served: Served, width: int) -> None:
    with open_page(browser, viewport={"width": width, "height": 900}) as tab:
        tab.goto(served.base)
        tab.get_by_role("contentinfo").get_by_role("link", name="Åpne data").click()
        assert tab.url == served.base + "data/"
        assert tab.get_by_role("heading", level=1).inner_text() == "Åpne data"
        result = Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert [v["id"] for v in result.response["violations"]] == []
        assert tab.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
def test_open_data_page_shows_the_absolute_addresses_and_its_links_resolve(
        page: Any, served: Served) -> None:
    page.goto(served.base + "data/")
    shown = page.locator(".data-address a").all_inner_texts()
    assert shown == [PUBLIC + dcat.CATALOGUE, PUBLIC + oparl.SYSTEM, PUBLIC + feeds.OPEN_DATA,
                     PUBLIC + feeds.REGISTRIES, PUBLIC + "kalender.ics", PUBLIC + "feed.xml"]
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
    assert len(hrefs) >= len(shown)
    for href in hrefs:
        path = urllib.parse.urlsplit(href).path
        assert href.startswith(served.base), href
        assert page.request.get(href).status == 200, path
    terms = page.locator("dl.extensions dt").all_inner_texts()
    assert terms == list(oparl.EXTENSION)


def test_the_catalogue_is_not_modified_on_a_day_made_up_from_an_undated_agreements_year(
        tmp_path: Path) -> None:
    """An undated agreement valid from 2030 sorts on 1 January 2030, a day no source gives:
    outside git it has no time at all, so the archive last changed on its newest dated
    document's day, as its feeds say, not in a made-up (future) day."""
    content = tmp_path / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    agreement = content / "avtaler" / "avtale-2023.md"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace(
        "dato: 2023-01-01", "dato: 2030-01-01\nudatert: true").replace(
        "gyldig_fra: 2023", "gyldig_fra: 2030").replace("gyldig_til: 2025", "gyldig_til: 2031"),
        encoding="utf-8")
    archive, problems = pipeline.check(pipeline.Paths(content=content))
    assert problems == [] and not archive.documents[0].dated
    assert dcat.last_changed(archive) == "2025-05-14"
