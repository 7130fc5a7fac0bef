"""The web editor end to end, as an editor uses it: ``serve --utkast``, Chromium, /admin/.

Create a referat with a title, a date, topics, areas and a status update for an existing
point; save. The file appears in content/ written as a careful editor would, passes
``check``, and its page shows in the preview as a draft. Publish it (untick «Utkast») and the
page is there without the banner. A mistake ``check`` rejects is shown in the editor and
nothing is written. axe-core (WCAG 2.1 AA) runs on the editor's screens, and the status form
can be reached with the keyboard alone.
"""

from __future__ import annotations

import difflib
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_fixture, run_cli
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_serve import Preview, start_preview, stop_preview

pytestmark = pytest.mark.browser

DOCUMENT = "referater/2026-03-12.md"
BANNER = "Utkast – ikke publisert"
TIMEOUT_MS = 30_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DECAP_VIOLATIONS: dict[str, str] = {}
"""axe rules Decap CMS itself still breaks on the screens below, with why; empty since
politiradet-cms.css and politiradet-cms.js mend contrast (grey text, publish button, badges,
messages), the text box's name, the list items' icon buttons and drag handles, the toolbar's
nested buttons, the Markdown switch's name and state, and the menus' structure. Before that,
Decap 3.16 broke color-contrast, aria-input-field-name, aria-required-attr, button-name,
nested-interactive, aria-command-name, aria-required-children, aria-required-parent, list and
aria-toggle-field-name."""


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    content = copy_fixture("gyldig", tmp_path)
    running = start_preview(tmp_path, content, "--utkast")
    yield running
    stop_preview(running)


def _wait_for(condition: Any, what: str | Callable[[], str], seconds: float = 60) -> None:
    """Wait until *condition()*; else fail with *what* (or what it says at that moment)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"ventet forgjeves på: {what() if callable(what) else what}")


def _open_editor(page: Any, preview: Preview, route: str) -> None:
    """Open a screen of the editor, logging in (to the local backend) the first time.

    From another screen of the editor, the page is left first: going to a new address after
    ``#`` only changes the route, and until Decap has put up the new screen, the old one's
    fields are there to be found. A new referat's title and date, filled in on the old screen,
    were lost, the new one could not be saved, and Decap never went on to its address (CI,
    under load)."""
    if "/admin/" in page.url:
        page.goto("about:blank")
    page.goto(f"{preview.base}admin/#/{route}")
    login = page.get_by_role("button", name="Logg inn")
    login.or_(page.get_by_label("Tittel", exact=True).first).wait_for()
    if login.is_visible():
        login.click()


def _choose(page: Any, label: str, *values: str) -> None:
    for value in values:
        page.get_by_label(label, exact=True).first.click()
        page.keyboard.type(value)
        page.keyboard.press("Enter")


def _publish(page: Any) -> None:
    """Save: in the preview Decap's «Publiser» only writes to content/, so it says «Lagre»."""
    page.get_by_role("button", name="Lagre", exact=True).first.click()
    page.get_by_text("Lagre nå", exact=True).click()


def _saved_and_opened(page: Any, preview: Preview, document: str, seconds: float = 60) -> Path:
    """Wait for a new *document* («referater/2026-03-12.md») to be written to content/ and for
    Decap to open it at its own address; the file. What the editor showed, what content/ holds
    and what the preview said are in the failure."""
    saved = preview.content / document
    slug = Path(document).stem

    def shown(what: str) -> str:
        alerts = page.locator("[role=alert], [role=status]").all_inner_texts()
        return (f"{what}. Adressen: {page.url}\nMeldinger: {alerts}\n"
                f"Siden:\n{page.inner_text('body')[:1500]}\ncontent/{saved.parent.name}: "
                f"{sorted(p.name for p in saved.parent.iterdir())}\n"
                f"Forhåndsvisningen:\n{preview.stderr()[-2000:]}")

    _wait_for(saved.is_file, lambda: shown(f"{document} i content/"), seconds)
    try:
        page.wait_for_url(f"**/entries/{slug}", timeout=seconds * 1000)
    except PlaywrightTimeout:
        pytest.fail(f"ventet forgjeves på: {shown(f'at Decap åpner entries/{slug}')}")
    return saved


def _write_referat(page: Any, preview: Preview) -> None:
    _open_editor(page, preview, "collections/referater/new")
    page.get_by_label("Tittel", exact=True).first.fill("Referat fra møte 12. mars 2026")
    page.get_by_label("Dato", exact=True).first.fill("2026-03-12")
    _choose(page, "Møtetype", "møte")
    _choose(page, "Temaer (valgfritt)", "SaLTo", "Beredskap")
    _choose(page, "Områder (valgfritt)", "Bydel Alna")
    page.get_by_label("Tittel", exact=True).nth(1).fill("Referat Politirådet i Oslo 12.03.2026")
    page.locator("[data-slate-editor=true]").click()
    page.keyboard.type("Politirådet drøftet beredskapen i Alna.")
    page.locator("[title='Sett inn']").click()
    page.get_by_text("Status for oppfølgingspunkt", exact=True).click()
    _choose(page, "Oppfølgingspunkt", "2025-1")
    page.get_by_label("Status", exact=True).fill("Beredskapsetaten har fulgt opp i Alna.")


EXPECTED = """\
---
tittel: Referat fra møte 12. mars 2026
dato: 2026-03-12
motetype: møte
temaer: [salto, beredskap]
omrader: [alna]
utkast: true
kilde:
  tittel: Referat Politirådet i Oslo 12.03.2026
---

Politirådet drøftet beredskapen i Alna.

::: status 2025-1
Beredskapsetaten har fulgt opp i Alna.
:::
"""


def test_write_preview_and_publish_a_referat_with_a_status_update(page: Any,
                                                                   preview: Preview) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    _write_referat(page, preview)
    _publish(page)
    saved = preview.content / DOCUMENT
    _wait_for(saved.is_file, "filen i content/")
    assert saved.read_text(encoding="utf-8") == EXPECTED
    result = run_cli("check", "--content", preview.content)
    assert result.code == 0, result.err
    _wait_for(lambda: BANNER in preview.get("referater/2026-03-12/")[1],
              "utkastet i forhåndsvisningen")
    status, html = preview.get("referater/2026-03-12/")
    assert "<title>Utkast: Referat fra møte 12. mars 2026" in html
    assert "Beredskapsetaten har fulgt opp i Alna." in html

    _open_editor(page, preview, "collections/referater/entries/2026-03-12")
    page.get_by_label("Utkast (valgfritt)").click()
    _publish(page)
    _wait_for(lambda: "utkast" not in saved.read_text(encoding="utf-8"), "publisering")
    assert saved.read_text(encoding="utf-8") == EXPECTED.replace("utkast: true\n", "")
    _wait_for(lambda: BANNER not in preview.get("referater/2026-03-12/")[1], "publisert side")
    status, html = preview.get("referater/2026-03-12/")
    assert status == 200 and "<title>Referat fra møte 12. mars 2026" in html
    assert "Beredskapsetaten har fulgt opp i Alna." in preview.get("oppfolgingspunkter/2025-1/")[1]
    assert run_cli("check", "--content", preview.content).code == 0


def test_a_mistake_check_rejects_is_shown_and_nothing_is_written(page: Any,
                                                                 preview: Preview) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    _open_editor(page, preview, "collections/referater/new")
    page.get_by_label("Tittel", exact=True).first.fill("Seminar")
    page.get_by_label("Dato", exact=True).first.fill("2026-04-12")
    page.get_by_label("Sluttdato (valgfritt)", exact=True).first.fill("2026-04-10")
    _choose(page, "Møtetype", "seminar")
    page.get_by_label("Tittel", exact=True).nth(1).fill("Kilde")
    _publish(page)
    page.get_by_text("sluttdatoen 2026-04-10 er før datoen 2026-04-12").first.wait_for()
    assert "content/referater/2026-04-12.md:4:12" in page.inner_text("body")
    assert not (preview.content / "referater/2026-04-12.md").exists()


def test_editor_screens_pass_axe_except_for_decaps_own_violations(page: Any,
                                                                   preview: Preview) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{preview.base}admin/")
    page.get_by_role("button", name="Logg inn").wait_for()
    screens = {"innlogging": _axe(page, Axe())}
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("2025-05-14 – Referat").first.wait_for()
    screens["referater"] = _axe(page, Axe())
    page.goto(f"{preview.base}admin/#/collections/referater/new")
    page.get_by_label("Tittel", exact=True).first.wait_for()
    screens["nytt referat"] = _axe(page, Axe())
    page.get_by_role("button", name="Sett inn").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Status for oppfølgingspunkt", exact=True).click()
    page.get_by_label("Oppfølgingspunkt", exact=True).wait_for()
    screens["statusskjema"] = _axe(page, Axe())
    page.on("dialog", lambda dialog: dialog.accept())  # leave the unsaved new referat
    page.goto(f"{preview.base}admin/#/collections/referater/entries/2016-01-12")
    page.reload()  # Decap keeps the unsaved new referat on a route change alone
    page.locator("[aria-roledescription='sortable']").first.wait_for()
    screens["referat med lister"] = _axe(page, Axe())
    page.get_by_label("Sted (valgfritt)", exact=True).fill("Rådhuset")
    page.get_by_role("button", name="Lagre", exact=True).first.click()
    page.get_by_text("Lagre nå", exact=True).wait_for()
    screens["publiseringsmeny"] = _axe(page, Axe())
    page.get_by_text("Lagre nå", exact=True).click()
    page.get_by_text("Dokumentet er lagret").first.wait_for()
    screens["melding"] = _axe(page, Axe())
    unexpected = {screen: ids - set(DECAP_VIOLATIONS) for screen, ids in screens.items()}
    assert all(not ids for ids in unexpected.values()), unexpected
    assert page.locator("html").get_attribute("lang") == "nb"


def _axe(page: Any, axe: Any) -> set[str]:
    result = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return {violation["id"] for violation in result.response["violations"]}


def _fill(page: Any, values: dict[str, str]) -> None:
    for label, value in values.items():
        page.get_by_label(label, exact=True).first.fill(value)


def test_agreements_and_points_are_written_from_their_forms(page: Any,
                                                            preview: Preview) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    _open_editor(page, preview, "collections/oppfolgingspunkter/new")
    _fill(page, {"Tittel": "Trygghet i Alna", "Seminar": "2026", "Nummer": "8"})
    page.get_by_label("Dato", exact=True).first.fill("2026-01-30")
    page.get_by_label("Tittel", exact=True).nth(1).fill("Oppsummering seminar 2026")
    page.locator("[data-slate-editor=true]").click()
    page.keyboard.type("Punktet slik det ble vedtatt.")
    _publish(page)
    point = _saved_and_opened(page, preview, "oppfolgingspunkter/2026-8.md")
    assert point.read_text(encoding="utf-8") == (
        "---\ntittel: Trygghet i Alna\ndato: 2026-01-30\nseminar: 2026\nnummer: 8\n"
        "temaer: []\nomrader: []\nutkast: true\nkilde:\n  tittel: Oppsummering seminar 2026\n"
        "---\n\nPunktet slik det ble vedtatt.\n")

    page.goto(f"{preview.base}admin/#/collections/avtaler/new")
    page.get_by_label("Avtaletype", exact=True).wait_for()
    _fill(page, {"Tittel": "Politirådsavtale 2026–2028", "Gyldig fra": "2026",
                 "Gyldig til": "2028"})
    page.get_by_label("Dato", exact=True).first.fill("2026-01-01")
    _choose(page, "Avtaletype", "politirådsavtale")
    page.get_by_label("Tittel", exact=True).nth(1).fill("Politirådsavtale 2026–2028")
    _publish(page)
    agreement = preview.content / "avtaler/politiradsavtale-2026-2028.md"
    _wait_for(agreement.is_file, "avtalen i content/")
    assert agreement.read_text(encoding="utf-8").startswith(
        "---\ntittel: Politirådsavtale 2026–2028\ndato: 2026-01-01\n"
        "avtaletype: politirådsavtale\ngyldig_fra: 2026\ngyldig_til: 2028\n")
    assert run_cli("check", "--content", preview.content).code == 0


MARKDOWN_BODY = "Punktet **slik** det ble vedtatt i [Oslo](https://www.oslo.kommune.no/)."


def test_the_text_can_be_written_as_markdown(page: Any, preview: Preview) -> None:
    """The switch above the text turns it into its Markdown source and back (axe-clean, named,
    with its state); what is typed there is saved as typed, and rich text shows it formatted."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_default_timeout(TIMEOUT_MS)
    _open_editor(page, preview, "collections/oppfolgingspunkter/new")
    _fill(page, {"Tittel": "Trygghet i Alna", "Seminar": "2026", "Nummer": "8"})
    page.get_by_label("Dato", exact=True).first.fill("2026-01-30")
    page.get_by_label("Tittel", exact=True).nth(1).fill("Oppsummering seminar 2026")
    switch = page.get_by_role("switch", name="Markdown", exact=True)
    assert switch.get_attribute("aria-checked") == "false"
    switch.click()
    assert switch.get_attribute("aria-checked") == "true"
    page.locator("[data-slate-editor=true]").click()
    page.keyboard.type(MARKDOWN_BODY)
    assert not (ids := _axe(page, Axe()) - set(DECAP_VIOLATIONS)), ids
    switch.click()
    page.locator("[data-slate-editor=true] strong", has_text="slik").wait_for()
    switch.click()
    _publish(page)
    point = preview.content / "oppfolgingspunkter/2026-8.md"
    _wait_for(point.is_file, "punktet i content/")
    assert point.read_text(encoding="utf-8").endswith(f"---\n\n{MARKDOWN_BODY}\n")


ENGLISH = re.compile(
    r"\b(Add|Bold|Italic|Link|Headings|Quote|Bulleted List|Numbered List|Add Component|"
    r"Publish(ed|ing)?|Changes saved|Unsaved Changes|Login|Log in|Search|Sort by|View as|"
    r"Collections|Toggle|Entry|Entries|Delete|Quick add|Contents|Media|Writing in|Expand|"
    r"Collapse|Choose|Save|Saving|Status:|Ready|Draft|In review|Now|Clear|mm/dd/yyyy|"
    r"string|select|list|markdown|boolean|object|Remove)\b")
"""Decap's English, as it showed before the Norwegian phrases (norsk.js) filled its gaps; the
names of Decap's widgets were read out as the name of each field («Feltet string»)."""


def _shown(page: Any) -> list[str]:
    """Every text the editor sees: visible text, tooltips, names, placeholders."""
    attributes = page.locator("[title], [aria-label], [placeholder]").evaluate_all(
        "els => els.filter(e => e.getClientRects().length).flatMap(e => "
        "[e.title, e.getAttribute('aria-label'), e.getAttribute('placeholder')])")
    return [page.inner_text("body"), *(text for text in attributes if text)]


def _english(page: Any) -> list[str]:
    return [found.group() for text in _shown(page) for found in ENGLISH.finditer(text)]


@pytest.fixture
def english_page(browser: Any) -> Iterator[Any]:
    """A page in an English-language browser (where date fields showed mm/dd/yyyy), with
    console errors and failed requests collected."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda msg: tab.problems.append(msg.text) if msg.type == "error"
           or "Invalid RegExp" in msg.text else None)
    tab.on("pageerror", lambda exc: tab.problems.append(str(exc)))
    tab.on("response", lambda response: tab.problems.append(
        f"{response.status} {response.url}") if response.status >= 400 else None)
    yield tab
    context.close()


def test_every_string_on_the_main_screens_is_norwegian(english_page: Any,
                                                       preview: Preview) -> None:
    page = english_page
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{preview.base}admin/")
    login = page.get_by_role("button", name="Logg inn")
    login.wait_for()
    logo = page.locator("[class*='DecapLogoIcon'] svg").bounding_box()
    assert logo["y"] + logo["height"] <= login.bounding_box()["y"], "logoen dekker knappen"
    screens = {"innlogging": _english(page)}
    login.click()
    page.get_by_text("2025-05-14 – Referat").first.wait_for()
    screens["referater"] = _english(page)

    page.goto(f"{preview.base}admin/#/collections/referater/new")
    page.get_by_label("Tittel", exact=True).first.wait_for()
    page.get_by_text("Legg til vedlegg").wait_for()
    screens["nytt referat"] = _english(page)
    shown = "\n".join(_shown(page))
    for tooltip in ("Fet", "Kursiv", "Lenke", "Overskrifter", "Sitat", "Punktliste",
                    "Nummerert liste", "Sett inn"):
        assert page.locator(f"[title='{tooltip}']").count() == 1, tooltip
    assert "Legg til planlagte møter" in shown
    assert "ENDRINGER LAGRET" not in shown.upper(), "et urørt skjema er ikke lagret"
    page.locator("[title='Sett inn']").click()
    menu = page.get_by_role("menu")
    menu.get_by_text("Status for oppfølgingspunkt").wait_for()
    assert menu.inner_text().split("\n").count("Status for oppfølgingspunkt") == 1
    screens["sett inn"] = _english(page)
    page.keyboard.press("Escape")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{preview.base}admin/#/collections/referater/entries/2025-05-14")
    page.reload()
    date = page.get_by_label("Dato", exact=True).first
    date.wait_for()
    assert date.input_value() == "2025-05-14"  # as stored and as the hint says, ÅÅÅÅ-MM-DD
    page.get_by_role("button", name="Lagret", exact=True).wait_for()
    screens["referat"] = _english(page)
    assert all(not found for found in screens.values()), screens
    assert page.problems == [], page.problems  # no console errors, no 404 (favicon)
    assert page.locator("link[rel=icon]").get_attribute("href") == "favicon.svg"


def test_a_second_referat_of_one_meeting_is_refused_in_the_editor(page: Any,
                                                                  preview: Preview) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    _open_editor(page, preview, "collections/referater/new")
    page.get_by_label("Tittel", exact=True).first.fill("Referat fra møte 14. mai 2025, igjen")
    page.get_by_label("Dato", exact=True).first.fill("2025-05-14")
    _choose(page, "Møtetype", "møte")
    page.get_by_label("Tittel", exact=True).nth(1).fill("Referat 14.05.2025")
    _publish(page)
    page.get_by_text("Det finnes allerede et referat fra møte 2025-05-14").first.wait_for()
    assert "content/referater/2025-05-14.md" in page.inner_text("body")
    assert sorted(p.name for p in (preview.content / "referater").iterdir()) == [
        "2016-01-12.md", "2025-05-14.md", "utkast.md"]


@pytest.fixture
def real_preview(tmp_path: Path) -> Iterator[Preview]:
    """The archive's own content, previewed without --utkast, as an editor starts it."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    running = start_preview(tmp_path, content)
    yield running
    stop_preview(running)


def test_an_edit_of_a_real_referat_is_one_line_and_a_new_draft_links_to_its_note(
        page: Any, real_preview: Preview) -> None:
    preview = real_preview
    page.set_default_timeout(TIMEOUT_MS)
    saved = preview.content / "referater/2025-05-14.md"
    before = saved.read_text(encoding="utf-8")
    _open_editor(page, preview, "collections/referater/entries/2025-05-14")
    page.get_by_label("Sted (valgfritt)", exact=True).fill("Rådhuset")
    _publish(page)
    _wait_for(lambda: saved.read_text(encoding="utf-8") != before, "lagringen")
    diff = [line for line in difflib.unified_diff(
        before.splitlines(), saved.read_text(encoding="utf-8").splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert diff == ["+sted: Rådhuset"], diff

    _open_editor(page, preview, "collections/referater/new")
    page.get_by_label("Tittel", exact=True).first.fill("Referat fra møte 1. desember 2026")
    page.get_by_label("Dato", exact=True).first.fill("2026-12-01")
    _choose(page, "Møtetype", "møte")
    page.get_by_label("Tittel", exact=True).nth(1).fill("Referat 01.12.2026")
    _publish(page)
    _saved_and_opened(page, preview, "referater/2026-12-01.md")
    link = page.get_by_role("link", name="Forhåndsvis")
    assert link.get_attribute("href") == f"{preview.base}referater/2026-12-01/"
    with page.context.expect_page() as opened:
        link.click()
    note = opened.value
    note.locator("main h1").wait_for()
    assert note.locator("main h1").inner_text() == (
        "«Referat fra møte 1. desember 2026» er et utkast")
    assert "python build.py serve --utkast" in note.inner_text("main")
    page.goto(f"{preview.base}admin/#/collections/referater")
    page.get_by_text("2026-12-01 – Referat fra møte 1. desember 2026 (utkast)").wait_for()
    page.get_by_text("2025-05-14 – Referat fra Politirådet i Oslo 14. mai 2025").wait_for()
    assert "2025-05-14 – Referat fra Politirådet i Oslo 14. mai 2025 (utkast)" not in (
        page.inner_text("body"))


def test_a_decision_and_a_closing_status_are_written_as_their_blocks(page: Any,
                                                                     preview: Preview) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    _open_editor(page, preview, "collections/referater/new")
    page.get_by_label("Tittel", exact=True).first.fill("Referat fra møte 12. mars 2026")
    page.get_by_label("Dato", exact=True).first.fill("2026-03-12")
    _choose(page, "Møtetype", "møte")
    page.get_by_label("Tittel", exact=True).nth(1).fill("Referat 12.03.2026")
    page.locator("[data-slate-editor=true]").click()
    page.keyboard.type("Politirådet drøftet beredskapen.")
    page.locator("[title='Sett inn']").click()
    page.get_by_role("menu").get_by_text("Vedtak", exact=True).click()
    page.get_by_label("Vedtak", exact=True).fill("Bydelen legger fram en statusrapport.")
    page.locator("[title='Sett inn']").click()
    page.get_by_text("Status for oppfølgingspunkt", exact=True).click()
    _choose(page, "Oppfølgingspunkt", "2025-1")
    page.get_by_label("Status", exact=True).fill("Tiltaket er gjennomført.")
    page.get_by_label("Politirådet avsluttet punktet", exact=True).click()
    _publish(page)
    saved = _saved_and_opened(page, preview, "referater/2026-03-12.md")
    blocks = ("::: vedtak\nBydelen legger fram en statusrapport.\n:::\n\n"
              "::: status 2025-1 avsluttet\nTiltaket er gjennomført.\n:::\n")
    assert saved.read_text(encoding="utf-8").endswith(blocks)
    assert run_cli("check", "--content", preview.content).code == 0

    page.reload()  # read back from the file: the blocks become the forms again
    page.get_by_text("Tiltaket er gjennomført.").first.wait_for()
    page.locator("[data-slate-editor=true] p", has_text="beredskapen").click()
    page.keyboard.press("End")
    page.keyboard.type(" Alle var enige.")
    _publish(page)
    _wait_for(lambda: "Alle var enige" in saved.read_text(encoding="utf-8"), "lagringen")
    assert saved.read_text(encoding="utf-8").endswith(blocks)
