"""`build.py serve` as an editor uses it: a real server process, a real Chromium, real saves."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_fixture, run_cli

from politiradet.store.database import cache_dir_for

REFERAT = "referater/2025-05-14.md"
OVERLAY = "#politiradet-byggfeil"
TIMEOUT_MS = 120_000
"""Upper bound of every wait on the page: the waits end on the event, this only when it never
comes, so it is generous for a busy machine (pytest-timeout stops a test after 300 s)."""


@dataclass
class Preview:
    """A running ``build.py serve`` process on a free loopback port."""

    proc: subprocess.Popen[bytes]
    base: str
    content: Path
    out: Path
    err: Path
    tmp: Path

    def edit(self, old: str, new: str, file: str = REFERAT) -> None:
        path = self.content / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


def start_preview(tmp_path: Path, content: Path, *options: str) -> Preview:
    out, err, tmp = tmp_path / "serve.out", tmp_path / "serve.err", tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0",
             "--content", str(content), *options], cwd=tmp_path, stdout=stdout, stderr=stderr,
            env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:\d+/", out.read_text(encoding="utf-8"))
        if found:
            return Preview(proc, found[0], content, out, err, tmp)
        assert proc.poll() is None, err.read_text(encoding="utf-8")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("serve startet ikke innen 60 s")


def stop_preview(preview: Preview) -> None:
    preview.proc.terminate()
    try:
        preview.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        preview.proc.kill()
        preview.proc.wait()
        pytest.fail("serve avsluttet ikke på SIGTERM")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    running = start_preview(tmp_path, copy_fixture("gyldig", tmp_path))
    yield running
    stop_preview(running)


def wait_until(condition: Any, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "tidsavbrudd"
        time.sleep(0.05)


@pytest.mark.browser
def test_saving_a_file_reloads_the_open_page(preview: Preview, page: Any) -> None:
    page.goto(preview.base + "referater/2025-05-14/")
    page.get_by_text("OPD orienterte om SaLTo").wait_for()
    start = time.perf_counter()
    preview.edit("OPD orienterte om SaLTo", "OPD orienterte om Grorud-prosjektet")
    page.get_by_text("OPD orienterte om Grorud-prosjektet").wait_for(timeout=TIMEOUT_MS)
    latency = time.perf_counter() - start
    print(f"\nfra lagring til oppdatert side: {latency * 1000:.0f} ms")
    assert page.url == preview.base + "referater/2025-05-14/"
    assert page.errors == []


@pytest.mark.browser
def test_a_text_save_is_shown_ahead_of_the_full_build(preview: Preview, page: Any) -> None:
    """The saved page comes first (quickpage.py); the full build that follows leaves it as it
    is, so it is not reloaded a second time (the bytes are compared in test_quickpage.py)."""
    page.goto(preview.base + "referater/2025-05-14/")
    page.evaluate("window.sammeSide = true")  # gone if the page were loaded again
    # the same topics and areas mentioned: a new one would change other pages (full build only)
    preview.edit("OPD orienterte om SaLTo", "OPD orienterte grundig om SaLTo")
    page.get_by_text("OPD orienterte grundig om SaLTo").wait_for(timeout=TIMEOUT_MS)
    wait_until(lambda: preview.out.read_text(encoding="utf-8").count("Bygget") == 2)
    assert "Siden er oppdatert" in preview.out.read_text(encoding="utf-8")
    shown = page.locator("script[data-page]").get_attribute("data-page")
    assert f'data-page="{shown}"' in preview.get("referater/2025-05-14/")[1]
    preview.edit("tittel: Referat fra møte 14. mai 2025", "tittel: Møtet 14. mai 2025")
    page.get_by_role("heading", name="Møtet 14. mai 2025").wait_for(timeout=TIMEOUT_MS)
    assert "Bygger på nytt" in preview.out.read_text(encoding="utf-8")  # no shortcut for that
    assert page.title().startswith("Møtet 14. mai 2025")
    assert page.evaluate("window.sammeSide") is True  # exchanged in place, not reloaded
    assert page.errors == []



@pytest.mark.browser
def test_broken_yaml_shows_overlay_server_survives_and_page_recovers(preview: Preview,
                                                                      page: Any) -> None:
    page.goto(preview.base + "referater/2025-05-14/")
    preview.edit("motetype: møte", "motetype: [møte")
    overlay = page.locator(OVERLAY)
    # the save may reach the preview in two steps (emptied, then written): wait for the problem
    # of the whole file rather than taking the first overlay shown
    overlay.get_by_text(re.compile(r"referater/2025-05-14\.md:\d+:\d+: YAML-feil")).wait_for(
        timeout=TIMEOUT_MS)
    assert "Nettstedet kunne ikke bygges" in overlay.inner_text()
    # both boxes measured in one go: the overlay is put in anew for each failed build (the
    # save's two steps can give two), and one measured before and the other after that
    # differed by the new box's height
    banner, header = page.evaluate(f"""() => [document.querySelector('{OVERLAY}'),
        document.querySelector('.site-header')].map((box) => box && box.getBoundingClientRect())
        .map((box) => box && {{y: box.y, height: box.height}})""")
    assert banner and header and banner["y"] + banner["height"] <= header["y"] + 0.5, \
        "feilmeldingene skal skyve sidehodet ned, ikke dekke det"
    # the browser is told before the problems are written to the terminal: wait for them there
    wait_until(lambda: "referater/2025-05-14.md" in preview.stderr()
               and "YAML-feil" in preview.stderr())
    assert preview.proc.poll() is None
    assert preview.get("referater/2025-05-14/")[0] == 200  # the last good site stays online
    page.reload()
    overlay.wait_for(timeout=TIMEOUT_MS)  # a page opened while broken shows the problems too

    preview.edit("motetype: [møte", "motetype: møte")
    preview.edit("OPD orienterte om SaLTo", "OPD orienterte om Furuset")
    page.get_by_text("OPD orienterte om Furuset").wait_for(timeout=TIMEOUT_MS)
    overlay.wait_for(state="detached", timeout=TIMEOUT_MS)
    assert page.errors == []


@pytest.mark.browser
def test_server_starts_on_broken_content_and_recovers(tmp_path: Path, page: Any) -> None:
    content = copy_fixture("gyldig", tmp_path)
    path = content / REFERAT
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("dato: 2025-05-14", "dato: 2025-02-30"), encoding="utf-8")
    running = start_preview(tmp_path, content)
    try:
        page.goto(running.base + "referater/2025-05-14/")
        page.locator(OVERLAY).get_by_text("2025-02-30").wait_for(timeout=TIMEOUT_MS)
        path.write_text(good, encoding="utf-8")
        page.get_by_text("OPD orienterte om SaLTo").wait_for(timeout=TIMEOUT_MS)
        assert page.locator(OVERLAY).count() == 0
    finally:
        stop_preview(running)


def test_serves_built_pages_with_the_reload_script(preview: Preview) -> None:
    status, html = preview.get("referater/2025-05-14/")
    assert status == 200
    assert re.search(r'<script src="/__reload/reload\.js" data-page="0-[0-9a-f]{20}"></script>'
                     r'</body>', html)
    status, script = preview.get("__reload/reload.js")
    assert status == 200 and "EventSource" in script
    status, html = preview.get("finnes-ikke/")
    assert status == 404 and "/__reload/reload.js" in html


def test_serve_listens_on_loopback_only(preview: Preview) -> None:
    port = int(preview.base.rsplit(":", 1)[1].strip("/"))
    assert listening_addresses(port) == ["127.0.0.1"]


def listening_addresses(port: int) -> list[str]:
    """Local addresses with a listening TCP socket on *port*, from Linux's /proc/net/tcp{,6}."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1])
                             if len(address) == 8 else address)
    return found


def test_sigterm_stops_the_server_and_removes_its_temporary_site(tmp_path: Path) -> None:
    running = start_preview(tmp_path, copy_fixture("gyldig", tmp_path))
    assert any(running.tmp.iterdir())
    stop_preview(running)
    assert running.proc.returncode == 0
    wait_until(lambda: list(running.tmp.iterdir()) == [])  # by a process of its own


def test_a_stopped_preview_leaves_nothing_in_the_build_cache_but_the_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each preview builds into a temporary folder of its own; the publish lock and the folder
    of replaced sites the build keeps for it in the cache were left there, one more for every
    preview ever started."""
    cache = tmp_path / "buffer"
    monkeypatch.setenv("POLITIRADET_CACHE", str(cache))
    running = start_preview(tmp_path, copy_fixture("gyldig", tmp_path))
    running.edit("OPD orienterte om SaLTo", "OPD orienterte om Grorud-prosjektet")  # a swap
    wait_until(lambda: "Grorud-prosjektet" in running.get("referater/2025-05-14/")[1]
               and running.out.read_text(encoding="utf-8").count("Bygget") == 2)
    assert len(list(cache.iterdir())) == 2
    stop_preview(running)
    wait_until(lambda: [path.name for path in cache.iterdir()] == ["lager"])


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_preview_stopped_while_it_builds_ends_that_build_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: signal.Signals) -> None:
    """The build after a save goes on in a thread of its own. Stopped then, the preview waited
    5 s for it and then deleted its temporary folder while the build still wrote there: at
    4,000 documents it exited after 24 s with «Directory not empty» and left the site behind.
    Now the build stops at its next stage and is waited for. The test holds the build at the
    publish lock (as another build into the same folder would) until the preview says that it
    stops, then lets it go on."""
    cache = tmp_path / "buffer"
    monkeypatch.setenv("POLITIRADET_CACHE", str(cache))
    running = start_preview(tmp_path, copy_fixture("gyldig", tmp_path))
    wait_until(lambda: running.out.read_text(encoding="utf-8").count("Bygget") == 1)
    [site] = running.tmp.glob("politiradet-forhandsvisning-*/site")
    lock = os.open(cache_dir_for(site.resolve()) / "publish.lock", os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        running.edit("tittel: Referat fra møte 14. mai 2025", "tittel: Møtet 14. mai 2025")
        wait_until(lambda: "Venter på en annen bygging" in running.stderr())
        running.proc.send_signal(stop)
        wait_until(lambda: "Avslutter forhåndsvisningen." in running.out.read_text("utf-8"))
    finally:
        os.close(lock)  # the build goes on: to its next stage
    running.proc.wait(timeout=60)
    output = running.out.read_text(encoding="utf-8")
    assert running.proc.returncode == 0, running.stderr()
    assert output.count("Bygget") == 1, output  # the stopped build published nothing
    assert "Traceback" not in running.stderr() and "feil" not in running.stderr()
    wait_until(lambda: list(running.tmp.iterdir()) == [])
    wait_until(lambda: [path.name for path in cache.iterdir()] == ["lager"])


def test_change_outside_content_files_does_not_rebuild(preview: Preview) -> None:
    # no pause between the two: a rebuild for notater.txt, on its own or together with the
    # edit after it, would name it in the log, and its event comes before the edit's
    (preview.content / "notater.txt").write_text("ikke en del av nettstedet", encoding="utf-8")
    preview.edit("OPD orienterte", "OPD orienterte igjen")
    wait_until(lambda: preview.out.read_text(encoding="utf-8").count("Bygget") == 2)
    log = preview.out.read_text(encoding="utf-8")
    assert "notater.txt" not in log
    assert log.count("Endret:") == 1


def test_port_in_use_is_explained(preview: Preview) -> None:
    port = preview.base.rsplit(":", 1)[1].strip("/")
    result = run_cli("serve", "--port", port, "--content", preview.content, timeout=60)
    assert result.code == 2
    assert (f"kan ikke lytte på 127.0.0.1:{port} (porten er i bruk av et annet program)"
            in result.err)


def test_a_fifo_made_while_serving_does_not_stop_later_rebuilds(preview: Preview) -> None:
    """Special files are refused unread by the rebuilds too, so the preview keeps working."""
    (preview.content / "annet").mkdir()
    os.mkfifo(preview.content / "annet" / "ror")
    os.mkfifo(preview.content / "referater" / "ror.md")
    wait_until(lambda: "ror.md:1:1: dette er ikke en vanlig fil" in preview.stderr())
    (preview.content / "referater" / "ror.md").unlink()
    preview.edit("OPD orienterte", "OPD orienterte igjen")
    wait_until(lambda: "orienterte igjen" in preview.get("referater/2025-05-14/")[1])
