"""Hostile content cannot run a script in a citizen's browser, in any output.

One site is built from the valid fixture plus content an attacker might write: raw HTML,
``javascript:``/``data:`` links in every disguise, and markup in every front matter and
registry value. Then every HTML page is checked statically (CSP, no inline script, no event
handlers, no dangerous links) and opened in Chromium with a dialog listener; the Atom feed,
sitemap, open data and calendar are parsed and must carry the hostile text as inert text.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, Served, run_cli, serve_folder

BASE = "/sub/path/"
TITLE = "\"><script>alert('tittel')</script>'<img src=x onerror=alert(1)>"
SOURCE = "</script><script>alert('kilde')</script><!--"
ICS_TITLE = 'Møte; med, komma\\ og\nBEGIN:VEVENT\nSUMMARY:injisert'
XML_TEXT = "]]><x>&amp;</x><![CDATA["
HOSTILE_REFERAT = f"""\
---
tittel: {json.dumps(TITLE)}
dato: 2025-06-01
motetype: møte
sted: "<svg onload=alert('sted')>"
temaer: [salto, xss]
omrader: [xss-omrade]
kilde:
  tittel: {json.dumps(SOURCE)}
  utgiver: {json.dumps(XML_TEXT)}
  merknad: "<iframe src=javascript:alert('merknad')>"
vedlegg:
  - tittel: "<img src=x onerror=alert('vedlegg')>"
    lenke: "https://example.org/\\"><script>alert('lenke')</script>"
---
## <img src=x onerror=alert('overskrift')>

XSS står først her.

<script>alert('script')</script>

<img src=x onerror=alert('img')>

<svg onload=alert('svg')></svg>

<a href="javascript:alert('a')">rå lenke</a>

[a](javascript:alert('a1')) [b](JaVaScRiPt:alert('b')) [c](  javascript:alert('c'))
[d](java&#115;cript:alert('d')) [e](&#106;avascript:alert('e')) [f](vbscript:msgbox('f'))
[g](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [h](DATA:text/html,x)
[i](javascript&#58;alert('i')) [j](&#x6A;avascript:alert('j'))

<javascript:alert('autolenke')>

[k][ondsinnet]

[ondsinnet]: javascript:alert('referanse')

`<script>alert('kode')</script>`

```html
<script>alert('blokk')</script>
```

Fotnote[^x].

[^x]: <script>alert('fotnote')</script> [l](javascript:alert('l'))

| <script>alert('celle')</script> | b |
|---|---|
| [m](javascript:alert('m')) | <b onmouseover=alert('b')>c</b> |

::: status 2025-1
<script>alert('status')</script> Status med [n](javascript:alert('n')).
:::
"""
ICS_REFERAT = f"""\
---
tittel: {json.dumps(ICS_TITLE)}
dato: 2025-06-02
motetype: møte
temaer: [salto]
omrader: []
kilde:
  tittel: Kilde
planlagte_moter:
  - {{dato: 2025-09-01, motetype: møte}}
---
Tekst.
"""
REGISTRY_EXTRAS = {
    "temaer.yaml": """
- slug: xss
  navn: "<script>alert('tema')</script>"
  beskrivelse: "<img src=x onerror=alert('temabeskrivelse')>"
""",
    "omrader.yaml": """
- slug: xss-omrade
  navn: "</title><script>alert('område')</script>"
  nivå: bydel
  foreldre: [enhet-ost]
  beskrivelse: "\\"><svg onload=alert('områdebeskrivelse')>"
""",
    "forkortelser.yaml": """
- forkortelse: XSS
  betydning: "\\"><img src=x onerror=alert('forkortelse')>"
  beskrivelse: "<script>alert('forkortelsesbeskrivelse')</script>"
""",
}
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
OWN = (BASE + "assets/", BASE + "sok/")
"""The site's own logo and search form: the only images and forms allowed."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fiendtlig")
    content = root / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    (content / "referater" / "2025-06-01.md").write_text(HOSTILE_REFERAT, encoding="utf-8")
    (content / "referater" / "2025-06-02.md").write_text(ICS_REFERAT, encoding="utf-8")
    for name, extra in REGISTRY_EXTRAS.items():
        with (content / name).open("a", encoding="utf-8") as handle:
            handle.write(extra)
    out = root / "site"
    result = run_cli("build", "--content", content, "--out", out, "--base-url", BASE)
    assert result.code == 0, result.err
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


def test_hostile_text_reaches_the_pages_as_text(site: Path) -> None:
    """The attack is not silently dropped: the editor's text is shown, escaped."""
    page = _soup(site / "referater/2025-06-01/index.html")
    assert page.find("h1").get_text(strip=True) == TITLE.strip()
    text = page.get_text()
    assert "<script>alert('script')</script>" in text
    assert SOURCE in text


def test_every_page_has_the_csp_and_no_inline_script_handler_or_style(site: Path) -> None:
    problems = []
    for path in _pages(site):
        page = _soup(path)
        name = path.relative_to(site).as_posix()
        policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        if policy is None or "script-src 'self'" not in str(policy.get("content")):
            problems.append(f"{name}: mangler CSP")
        for script in page.find_all("script"):
            if not script.get("src") and script.get("type") != "application/ld+json":
                problems.append(f"{name}: inline <script>")
        for tag in page.find_all(True):
            handlers = [attr for attr in tag.attrs if attr.lower().startswith("on")]
            if handlers or "style" in tag.attrs:
                problems.append(f"{name}: <{tag.name} {handlers or 'style'}>")
    assert problems == []


def test_no_page_has_dangerous_elements_or_links(site: Path) -> None:
    problems = []
    for path in _pages(site):
        page = _soup(path)
        name = path.relative_to(site).as_posix()
        for tag in page.find_all(["img", "svg", "iframe", "object", "embed", "base", "form"]):
            if not str(tag.get("src") or tag.get("action") or "").startswith(OWN):
                problems.append(f"{name}: <{tag.name}>")
        for tag in page.find_all(href=True) + page.find_all(src=True):
            url = "".join(str(tag.get("href") or tag.get("src")).split()).lower()
            scheme = url.split("/", 1)[0]
            if ":" in scheme and not url.startswith(SAFE_SCHEMES):
                problems.append(f"{name}: {url}")
    assert problems == []


def test_json_ld_cannot_end_its_script_and_keeps_the_title(site: Path) -> None:
    raw = (site / "referater/2025-06-01/index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(raw, "html5lib")
    blocks = page.find_all("script", type="application/ld+json")
    assert blocks, "JSON-LD mangler"
    for block in blocks:
        data = json.loads(block.string)
        assert "</script" not in block.string.lower() and "<!--" not in block.string
        assert TITLE in json.dumps(data, ensure_ascii=False) or TITLE in str(data)


def test_xml_outputs_are_well_formed_and_carry_the_text(site: Path) -> None:
    xml_files = sorted(site.rglob("*.xml"))
    assert xml_files, "ingen XML-filer (feed.xml, sitemap.xml)"
    found = ""
    for path in xml_files:
        tree = ET.parse(path)  # raises on anything not well-formed
        found += "".join(tree.getroot().itertext())
    assert TITLE in found


def test_open_data_is_valid_json_and_carries_the_text(site: Path) -> None:
    json_files = [p for p in sorted(site.rglob("*.json")) if "pagefind" not in p.parts]
    lines_files = sorted(site.rglob("*.jsonl"))
    assert json_files and lines_files
    records = [json.loads(p.read_text(encoding="utf-8")) for p in json_files]
    records += [json.loads(line) for p in lines_files
                for line in p.read_text(encoding="utf-8").splitlines()]
    dumped = "".join(json.dumps(record, ensure_ascii=False) for record in records)
    assert json.dumps(TITLE, ensure_ascii=False)[1:-1] in dumped
    assert json.dumps(XML_TEXT, ensure_ascii=False)[1:-1] in dumped


def test_calendar_escapes_line_breaks_semicolons_and_commas(site: Path) -> None:
    raw = (site / "kalender.ics").read_bytes()
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    lines = raw.decode("utf-8").replace("\r\n ", "").split("\r\n")
    assert lines.count("BEGIN:VEVENT") == len(events) == 7
    assert "SUMMARY:injisert" not in lines
    descriptions = [str(event.get("description", "")) for event in events]
    assert sum(ICS_TITLE in text for text in descriptions) == 2, descriptions
    assert any(line.endswith("Møte\\; med\\, komma\\\\ og\\nBEGIN:VEVENT\\nSUMMARY:injisert")
               for line in lines)


# --- in a real browser ------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[Served]:
    with serve_folder(site, BASE) as server:
        yield server


INJECTED = ("script:not([src]):not([type='application/ld+json']), "
            f"img:not([src^='{BASE}assets/']), svg, iframe, object, embed, "
            "[onerror], [onload], [onmouseover], a[href^='javascript' i], a[href^='data' i]")


@pytest.mark.browser
def test_no_dialog_fires_and_nothing_is_injected_on_any_page(page: Any, site: Path,
                                                             served: Served) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    injected = {}
    for path in _pages(site):
        url = path.relative_to(site).as_posix().removesuffix("index.html")
        page.goto(served.base + url)
        page.wait_for_load_state("load")
        for element in page.locator(INJECTED).all():
            injected[url] = element.evaluate("e => e.outerHTML")
        page.mouse.move(10, 10)
        # what a reader can point at: the phone's jump links are hidden on a wide screen
        for hover in page.locator("main b:visible, main abbr:visible, main a:visible").all()[:40]:
            hover.hover(timeout=2000)
    assert dialogs == []
    assert injected == {}


def test_documented_csp_header_is_the_meta_policy_plus_frame_ancestors() -> None:
    """docs/publisering.md gives the server header; it must not drift from the meta tag."""
    root = Path(__file__).resolve().parent.parent
    base = (root / "templates" / "base.html").read_text(encoding="utf-8")
    meta = BeautifulSoup(base, "html5lib").find(
        "meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None
    header = f"{meta['content']}; frame-ancestors 'none'"
    guide = (root / "docs" / "publisering.md").read_text(encoding="utf-8")
    block = guide.split("<!-- csp-header: start -->")[1].split("<!-- csp-header: slutt -->")[0]
    assert block.strip().strip("`").strip() == header
    assert f'add_header Content-Security-Policy "{header}" always;' in guide
    assert f'Header always set Content-Security-Policy "{header}"' in guide
