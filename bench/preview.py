"""The preview scenario of the benchmark: ``build.py serve`` on a corpus, edited as an editor does.

Starts ``python build.py serve`` on the corpus, opens one referat in a real Chromium (Playwright,
Debian's ``/usr/bin/chromium``, the launch flags of ``tests/conftest.py``), then saves that
document *edits* times, each time with one more line at the end of its body, and measures:

- save → the open page shows the new line (what the editor sees; Playwright's wait, so an
  upper bound by a few milliseconds), and of that the server's share: save → the event that
  tells the page it changed (read from the event stream as the page reads it);
- save → the search index has caught up (the server's «Bygget …» line, which it prints after the
  second swap, the one that publishes the search index);
- the first build (start-up) and the largest resident set of the server process.

Each of those saves waits until the previous one is fully built (pages and search index), so
every figure is one save's own. Then five more saves one second apart, as an editor writing
and saving: save → page while full builds run in the background; and after the last of them,
a search in Chromium, tried again and again, must find its word (the index has caught up, not
taken on trust from the log). Each search notes what ``#sok-status`` said and when, console
errors and failed requests; a search page that does not answer within
:data:`SEARCH_SECONDS` stops the run with all of that and the server's last lines. The document
is restored afterwards.

    python bench/run.py --serve --no-build --n 1000 10000
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [  # as tests/conftest.py
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
BUILT = "Bygget "
"""How the server's line after a finished build (pages and search index) starts."""
STARTUP_SECONDS = 1800.0
EDIT_SECONDS = 600.0
BUSY_SAVES = 5


@dataclass
class PreviewResult:
    """The figures of one preview run."""

    n: int
    startup: float
    page: list[float] = field(default_factory=list)
    """Seconds from each save to the open page showing the new line."""
    index: list[float] = field(default_factory=list)
    """Seconds from each save to the server having published the new search index."""
    event: list[float] = field(default_factory=list)
    """Seconds from each save to the server's event telling the open page that it changed (the
    server's part: noticing the save, making the page, the event); the rest of :attr:`page` is
    the browser's (fetching the page and putting it in place)."""
    busy: list[float] = field(default_factory=list)
    """Seconds from save to page for saves made one second apart, while full builds run."""
    peak_mb: float = 0.0
    searched: bool = False
    """Whether a search in Chromium found the last edit's word."""
    caught_up: float = 0.0
    """Seconds from the last of the saves made while builds ran until a search in Chromium
    (tried again and again) found its word."""
    searches: list[SearchTry] = field(default_factory=list)
    """Each of those searches."""
    stopped: float | None = None
    """Seconds from SIGTERM to the server's exit; None when it had to be killed."""

    def summary(self) -> str:
        def ms(values: list[float]) -> str:
            return (f"median {statistics.median(values) * 1000:.0f} ms, "
                    f"maks {max(values) * 1000:.0f} ms" if values else "ingen målinger")
        found = "funnet" if self.searched else "IKKE funnet"
        failed = sum(1 for seen in self.searches if not seen.answered())
        troubled = [seen for seen in self.searches if seen.problems]
        tries = (f" ({len(self.searches)} forsøk; {len(troubled)} med feil underveis, {failed} "
                 f"der søket ikke kunne lastes)"
                 + "".join(f"\n    {seen.describe()}" for seen in troubled[:3]))
        return (f"\nForhåndsvisning (serve), N = {self.n}, {len(self.page)} lagringer:\n"
                f"  første bygging (oppstart): {self.startup:.1f} s\n"
                f"  lagring → oppdatert side i Chromium: {ms(self.page)} (mål < 200 ms)\n"
                f"    av det: lagring → serverens melding om ny side: {ms(self.event)}\n"
                f"  lagring → søkeindeksen oppdatert: {ms(self.index)}\n"
                f"  lagring → oppdatert side, {len(self.busy)} lagringer med 1 s mellomrom "
                f"mens byggingene går: {ms(self.busy)}\n"
                f"  søk i Chromium finner siste lagring: {found} etter {self.caught_up:.1f} s"
                f"{tries}\n"
                f"  største prosess (serve): {self.peak_mb:.0f} MB\n"
                f"  avsluttet på SIGTERM: " + (f"etter {self.stopped:.2f} s" if self.stopped
                                                is not None else "NEI, måtte drepes"))


class _Output(threading.Thread):
    """Reads the server's output line by line, noting when each line arrived."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        self.proc, self.lines = proc, list[tuple[float, str]]()
        self.arrived = threading.Condition()

    def run(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.arrived:
                self.lines.append((time.perf_counter(), line.rstrip("\n")))
                self.arrived.notify_all()

    def wait_for(self, test: Callable[[str], bool], after: int, timeout: float) -> float:
        """The arrival time of the first line from index *after* on that passes *test*."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                for when, line in self.lines[after:]:
                    if test(line):
                        return when
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"serve svarte ikke som ventet:\n{self.tail()}")
                self.arrived.wait(0.5)

    def count(self) -> int:
        with self.arrived:
            return len(self.lines)

    def tail(self, lines: int = 20) -> str:
        with self.arrived:
            return "\n".join(line for _, line in self.lines[-lines:])


class _Events(threading.Thread):
    """Listens to the preview's event stream as the open page does, noting when each event
    arrives and the page token it carries."""

    def __init__(self, base: str, side: str) -> None:
        super().__init__(daemon=True)
        self.url = f"{base}__reload/events?side={urllib.parse.quote(side, safe='')}"
        self.tokens: list[tuple[float, str]] = []
        self.arrived = threading.Condition()

    def run(self) -> None:
        with urllib.request.urlopen(self.url, timeout=3600) as stream:
            for raw in stream:
                line = raw.decode()
                if line.startswith("data: "):
                    with self.arrived:
                        token = json.loads(line[6:])["page"]
                        self.tokens.append((time.perf_counter(), token))
                        self.arrived.notify_all()

    def count(self) -> int:
        with self.arrived:
            return len(self.tokens)

    def changed_after(self, index: int) -> float:
        """When the first event from *index* on with another page token than before arrived."""
        with self.arrived:
            self.arrived.wait_for(lambda: any(
                token != self.tokens[index - 1][1] for _, token in self.tokens[index:]), 60)
            return next(when for when, token in self.tokens[index:]
                        if token != self.tokens[index - 1][1])


def chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    if not found:
        raise SystemExit("Chromium mangler: apt-get install -y chromium")
    return found


def bench_preview(corpus: Path, document: Path, edits: int,
                  sampler: Callable[[int], Callable[[], float]]) -> PreviewResult:
    """Run the scenario on *corpus*, editing *document*; *sampler(pid)* starts sampling the
    memory of a process tree and returns a function that stops it and gives the peak in MB."""
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--content",
         str(corpus)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    stop_sampling = sampler(proc.pid)
    output = _Output(proc)
    output.start()
    original = document.read_bytes()
    result = PreviewResult(int(corpus.name.removeprefix("corpus-")), 0.0)
    try:
        ready = output.wait_for(lambda line: "Forhåndsvisning på" in line, 0, STARTUP_SECONDS)
        result.startup = ready - start
        line = next(line for _, line in output.lines if "Forhåndsvisning på" in line)
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found is not None, line
        base = found[0]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(),
                                                 args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page()
            page.goto(f"{base}referater/{document.stem}/")
            events = _Events(base, f"/referater/{document.stem}/")
            events.start()
            with events.arrived:
                events.arrived.wait_for(lambda: events.tokens, 60)  # the state on connecting
            text = original
            for edit in range(1, edits + 1):
                text, word = _append(text, edit, len(original))
                seen, heard = output.count(), events.count()
                saved = time.perf_counter()
                document.write_bytes(text)
                page.get_by_text(word).wait_for(timeout=EDIT_SECONDS * 1000)
                result.page.append(time.perf_counter() - saved)
                result.event.append(events.changed_after(heard) - saved)
                built = output.wait_for(lambda line: line.startswith(BUILT), seen, EDIT_SECONDS)
                result.index.append(built - saved)
                time.sleep(0.3)
            for edit in range(edits + 1, edits + 1 + BUSY_SAVES):
                text, word = _append(text, edit, len(original))
                saved = time.perf_counter()
                document.write_bytes(text)
                page.get_by_text(word).wait_for(timeout=EDIT_SECONDS * 1000)
                result.busy.append(time.perf_counter() - saved)
                time.sleep(max(0.0, 1.0 - (time.perf_counter() - saved)))
            last_save = time.perf_counter()
            deadline = time.monotonic() + EDIT_SECONDS
            searcher = browser.new_page()
            problems = watch_search(searcher)
            while not result.searched and time.monotonic() < deadline:
                try:
                    seen = search_once(searcher, problems, base, word, document.stem)
                except SearchStuck as stuck:
                    raise SystemExit(f"{stuck}\nServerens siste linjer:\n{output.tail()}"
                                     ) from None
                result.searches.append(seen)
                result.searched = seen.found
                result.caught_up = time.perf_counter() - last_save
            browser.close()
    finally:
        document.write_bytes(original)
        proc.terminate()
        stopping = time.perf_counter()
        try:
            proc.wait(timeout=60)
            result.stopped = time.perf_counter() - stopping
        except subprocess.TimeoutExpired:
            proc.kill()
        result.peak_mb = stop_sampling()
    return result


def _append(text: bytes, edit: int, size: int) -> tuple[bytes, str]:
    """*text* with one more line, and the new word in it."""
    # letters only, and unlike the other saves' words: a search (which matches prefixes)
    # then finds this save's word, not an earlier one's
    digest = int(hashlib.sha256(f"{edit} {size}".encode()).hexdigest(), 16)
    word = "".join(chr(ord("a") + digest // 26**i % 26) for i in range(14))
    return text + f"\nEndret i forhåndsvisningen, lagring {edit}: {word}.\n".encode(), word


SEARCH_SECONDS = 120.0
"""How long one search page may take to answer (a count of results, or that it failed)."""
ANSWERED = ("treff", "kunne ikke lastes")
"""What #sok-status says once the search page has answered, one way or the other."""
EVENTS = "/__reload/events"
"""The live reload's event stream: the browser cuts it off whenever the page is left."""
WATCH_STATUS = """
new MutationObserver(() => {
  const text = document.getElementById("sok-status")?.textContent ?? null;
  const seen = (window.sokStatus ||= []);
  if (text !== null && seen.at(-1)?.[1] !== text) seen.push([Math.round(performance.now()), text]);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""
"""Run in the search page before its own scripts: notes each text #sok-status shows, with
the milliseconds since the page began loading."""


@dataclass
class SearchTry:
    """One search in Chromium: what the page said, and what went wrong on the way."""

    statuses: list[tuple[int, str]]
    """Each text #sok-status showed, with the milliseconds since the page began loading."""
    problems: list[str]
    """Console errors, uncaught errors and requests that failed or were answered with an error."""
    found: bool = False

    def describe(self) -> str:
        shown = ", ".join(f"«{text}» ({ms} ms)" for ms, text in self.statuses) or "ingenting"
        problems = "".join(f"\n    {problem}" for problem in self.problems[-12:])
        return f"#sok-status viste {shown}{problems}"

    def answered(self) -> bool:
        """Whether the page gave a count of results (else it said the search failed)."""
        return bool(self.statuses) and "treff" in self.statuses[-1][1]


def watch_search(page: Any) -> list[str]:
    """Note what goes wrong in *page* from now on (see :attr:`SearchTry.problems`)."""
    problems: list[str] = []
    page.add_init_script(WATCH_STATUS)
    page.on("console", lambda msg: problems.append(f"konsoll: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"feil i siden: {exc}"))
    page.on("requestfailed", lambda request: None if EVENTS in request.url else problems.append(
        f"forespørsel feilet: {request.url} ({request.failure})"))
    page.on("response", lambda response: problems.append(
        f"HTTP {response.status}: {response.url}") if response.status >= 400 else None)
    return problems


def search_once(page: Any, problems: list[str], base: str, word: str, stem: str) -> SearchTry:
    """Search for *word* on the site's search page in *page* (made by :func:`watch_search`,
    noting into *problems*); found when the document is among the results. Raises
    :class:`SearchStuck` when the page neither shows results nor says that it failed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    problems.clear()
    page.goto(f"{base}sok/?q={word}")
    answered = " || ".join(f"text.includes({json.dumps(part)})" for part in ANSWERED)
    try:
        page.wait_for_function(
            f"() => {{ const text = document.getElementById('sok-status')?.textContent || '';"
            f" return {answered}; }}", timeout=SEARCH_SECONDS * 1000, polling=100)
    except PlaywrightTimeout:
        raise SearchStuck(SearchTry(_statuses(page), list(problems))) from None
    seen = SearchTry(_statuses(page), list(problems))
    links = page.locator(".search-result a").all()
    seen.found = any(f"/referater/{stem}/" in str(link.get_attribute("href")) for link in links)
    return seen


def _statuses(page: Any) -> list[tuple[int, str]]:
    return [(int(ms), str(text)) for ms, text in page.evaluate("window.sokStatus || []")]


class SearchStuck(Exception):
    """The search page did not answer within :data:`SEARCH_SECONDS`."""

    def __init__(self, seen: SearchTry) -> None:
        super().__init__(f"søkesiden svarte ikke på {SEARCH_SECONDS:.0f} s: {seen.describe()}")
        self.seen = seen
