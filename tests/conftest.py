"""Shared fixtures: run the real CLI, serve a built site on loopback, drive a real Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class Result:
    """Outcome of one run of ``python build.py``."""

    code: int
    out: str
    err: str


def run_cli(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> Result:
    """Run ``python build.py ARGS`` as an editor would, in a separate process."""
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)],
                          cwd=cwd or ROOT, capture_output=True, text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def copy_fixture(name: str, dest: Path) -> Path:
    """Copy a fixture content folder into *dest* (so tests can change it) and return it."""
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


def build_fixture(root: Path, base_url: str = "/", extra: Mapping[str, str] | None = None
                  ) -> tuple[Path, Result]:
    """Copy the valid fixture to *root*/innhold, add the *extra* files (path -> text) and
    build it to *root*/site with the real CLI; return the site folder and the run."""
    content = root / "innhold"
    shutil.copytree(FIXTURES / "gyldig", content)
    for name, text in (extra or {}).items():
        (content / name).write_text(text, encoding="utf-8")
    out = root / "site"
    return out, run_cli("build", "--content", content, "--out", out, "--base-url", base_url)


def built_site(root: Path, base_url: str = "/", extra: Mapping[str, str] | None = None) -> Path:
    """:func:`build_fixture`, which must succeed; return the site folder."""
    out, result = build_fixture(root, base_url, extra)
    assert result.code == 0, result.err
    return out


def open_data_documents(site: Path) -> list[dict[str, Any]]:
    """The documents of a built site's open data (``data/dokumenter.jsonl``), one a line."""
    lines = (site / "data/dokumenter.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture
def cli() -> Any:
    return run_cli


@pytest.fixture
def valid_content(tmp_path: Path) -> Path:
    """A fresh copy of the small valid fixture site."""
    return copy_fixture("gyldig", tmp_path)


class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__utenfor_base_url__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Served:
    """A folder served over HTTP on 127.0.0.1 under a path prefix."""

    root: Path
    base: str
    """Base URL including the prefix, e.g. http://127.0.0.1:4711/sub/path/"""


@contextlib.contextmanager
def serve_folder(root: Path, prefix: str = "/") -> Iterator[Served]:
    """Serve *root* under *prefix* on a free loopback port for the duration of the context."""
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root, f"http://127.0.0.1:{server.server_address[1]}{prefix}")
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str:
    """Debian's Chromium; the suite fails loudly without it (tests/run.sh installs it)."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    if not path:
        pytest.fail("Chromium mangler. Installer med «apt-get install -y chromium» "
                    "(tests/run.sh gjør det).")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One real headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@contextlib.contextmanager
def open_page(browser: Any, **options: Any) -> Iterator[Any]:
    """A fresh page in a browser context of its own, made with *options* (``viewport``,
    ``locale``, ``java_script_enabled`` …) and closed afterwards, whatever happens; console
    errors and page errors are collected in ``page.errors``."""
    context = browser.new_context(**options)
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.errors = errors
        yield tab
    finally:
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (:func:`open_page`)."""
    with open_page(browser) as tab:
        yield tab


PROBLEMS = FIXTURES / "problems"
"""Broken sites as overlays of ``gyldig``: ``problems/<stage>/<case>/`` holds the changed files,
``forventet.txt`` the exact problems ``check`` reports, one ``FILE:LINE:COL: message`` a line."""


def problem_cases(stage: str) -> list[str]:
    """The cases for *stage*, by folder name (the test ids)."""
    return sorted(case.name for case in (PROBLEMS / stage).iterdir() if case.is_dir())


def overlaid(overlay: Path, dest: Path) -> Path:
    """A copy of ``gyldig`` in *dest* with the ``.md`` and ``.yaml`` files of *overlay* laid
    over it (same relative paths); returns the content folder."""
    content = copy_fixture("gyldig", dest)
    for path in sorted(overlay.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".yaml"):
            target = content / path.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return content


def check_overlay(stage: str, case: str, dest: Path) -> None:
    """Check ``gyldig`` with *case*'s files laid over it; compare with ``forventet.txt``.

    ``POLITIRADET_REGENERATE=1`` writes the file instead (read the diff before committing).
    """
    from politiradet.pipeline import Paths, check

    overlay = PROBLEMS / stage / case
    content = overlaid(overlay, dest)
    _archive, problems = check(Paths(content=content), use_cache=False)
    found = "".join(f"{Path(p.path).resolve().relative_to(content.resolve()).as_posix()}:"
                    f"{p.line}:{p.col}: {p.message}\n" for p in sorted(problems))
    expected = overlay / "forventet.txt"
    if os.environ.get("POLITIRADET_REGENERATE") == "1":
        expected.write_text(found, encoding="utf-8")
    assert found, f"{stage}/{case}: check found nothing; a broken fixture must break"
    assert found == expected.read_text(encoding="utf-8"), found


def search_records(site: Path) -> dict[str, dict[str, Any]]:
    """Every record the search page of a built site finds, by URL, as Pagefind's fragment
    (gzipped JSON): the base's records less those the manifest hides, and the delta's,
    without the filter that marks them (search.DELTA_FILTER) and without each bundle's word
    guard (search.sentinel_html). A site whose index is split into base and delta gives the
    same as one bundle of the same content."""
    from politiradet.stages import search

    manifest = json.loads((site / search.MANIFEST).read_text(encoding="utf-8"))
    records: dict[str, dict[str, Any]] = {}
    folders = [part["mappe"] for part in manifest["grunn"]]
    folders += [manifest["endring"]["mappe"]] if manifest["endring"] else []
    for folder in folders:
        for path in sorted((site / "pagefind" / folder / "fragment").glob("*.pf_fragment")):
            if path.stem in manifest["skjult"].get(folder, {}) or \
                    path.stem == manifest.get("vakt", {}).get(folder):
                continue
            data = search.read_fragment(path.read_bytes())
            data["filters"].pop(search.DELTA_FILTER, None)
            assert data["url"] not in records, data["url"]
            records[data["url"]] = data
    return records


def swept(trash: Path) -> bool:
    """Wait (up to a minute, however loaded the machine) until the build cache's folder of
    replaced sites *trash* holds only the site replaced last (kept for the next publish): the
    sweeping process deletes the rest after :func:`~politiradet.stages.write.wait_for_sweep`
    returns."""
    from politiradet.stages.write import PREVIOUS
    deadline = time.monotonic() + 60
    while any(p.name != PREVIOUS for p in trash.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p.name for p in trash.iterdir()] == [PREVIOUS]
