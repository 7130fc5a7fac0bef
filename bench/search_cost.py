"""What a first search costs the browser: requests and bytes under ``pagefind/``.

    python bench/search_cost.py SITE [SITE …]
    python bench/search_cost.py --files SITE   # also every file each step fetched, to stderr

Each SITE is a built site (``build --out SITE``). In a fresh headless Chromium for each
step, the search page is opened (filters with their counts shown), then one search is made:
two queries, and a filter with no query. Prints one Markdown table row per site (requests /
bytes, and the number of hits shown), as in docs/ytelse.md, «Søkeindeksen: grunnindeks og
endringer».
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

QUERIES = ("beredskap", "samarbeid politiet")
FILTER = "Referat"
WAIT_MS = 300_000
FILES = False
"""Also list every file each step fetched (``--files``), to see what a search costs."""


class _Counter(http.server.SimpleHTTPRequestHandler):
    """Serves the site and counts the requests and bytes of the search bundle."""

    counted: ClassVar[list[Any]] = [0, 0, []]

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if "/pagefind/" in self.path and path.is_file():
            self.counted[0] += 1
            self.counted[1] += path.stat().st_size
            self.counted[2].append((self.path.split("?")[0], path.stat().st_size))
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _served(root: Path) -> Iterator[tuple[str, list[Any]]]:
    counted: list[Any] = [0, 0, []]
    handler = type("Handler", (_Counter,), {"counted": counted})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", counted
    finally:
        server.shutdown()
        server.server_close()


def _step(browser: Any, base: str, counted: list[Any],
          search: Callable[[Any], None] | None) -> tuple[int, int, str]:
    """Requests and bytes of opening the search page, or of *search* once it is open, and
    the number of hits the page shows."""
    context = browser.new_context()
    page = context.new_page()
    counted[:] = [0, 0, []]
    page.goto(base + "sok/")
    page.locator("#sok-filtre fieldset").first.wait_for(timeout=WAIT_MS)
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)
    if search is not None:
        counted[:] = [0, 0, []]
        search(page)
        page.locator("#sok-status", has_text="treff").wait_for(timeout=WAIT_MS)
        page.wait_for_load_state("networkidle", timeout=WAIT_MS)
    status = page.locator("#sok-status").inner_text()
    result = (counted[0], counted[1], status.split(" treff")[0] if "treff" in status else "")
    if FILES:
        for path, size in counted[2]:
            print(f"  {size:>8} {path}", file=sys.stderr)
        print(f"  {counted[0]} / {counted[1]}: {status}", file=sys.stderr)
    context.close()
    return result


def _query(text: str) -> Callable[[Any], None]:
    return lambda page: page.fill("#sok-q", text)


def _filter(page: Any) -> None:
    page.locator(f"#sok-filtre input[value='{FILTER}']").first.check()


def row(browser: Any, site: Path) -> str:
    manifest = json.loads((site / "pagefind" / "sok.json").read_text(encoding="utf-8"))
    delta, base = manifest["endring"], manifest["grunn"]
    parts = f"grunn i {len(base)} deler" if len(base) > 1 else "grunn"
    parts += f" + {delta['sider']} endret" if delta else ""
    hidden = sum(len(ids) for ids in manifest["skjult"].values())
    parts += f", {hidden} skjult" if hidden else ""
    with _served(site) as (base, counted):
        cells = [_step(browser, base, counted, None)]
        cells += [_step(browser, base, counted, _query(text)) for text in QUERIES]
        cells.append(_step(browser, base, counted, _filter))
    shown = " | ".join(f"{n} / {size / 1e6:.3f} MB" + (f" ({hits} treff)" if hits else "")
                       for n, size, hits in cells)
    return f"| {site.name} | {parts} | {shown} |"


def main(sites: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "chromium"
    print("| nettsted | indeks | åpne søkesiden | " + " | ".join(f"søk «{q}»" for q in QUERIES)
          + f" | bare filter (type={FILTER}) |")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True,
            args=["--headless", "--no-sandbox", "--disable-background-networking",
                  "--disable-component-update"])
        for site in sites:
            print(row(browser, Path(site)), flush=True)
        browser.close()


if __name__ == "__main__":
    if "--files" in sys.argv:
        sys.argv.remove("--files")
        FILES = True
    main(sys.argv[1:])
