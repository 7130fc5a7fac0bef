"""The preview server serves only files inside the built site, whatever the request looks like."""

from __future__ import annotations

import gc
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from conftest import ROOT, copy_fixture

from politiradet.common import heap
from politiradet.model.archive import Archive
from politiradet.pipeline import Paths
from politiradet.preview import livereload, watch
from politiradet.preview.http import PreviewServer, safe_relative
from politiradet.preview.serve import Rebuilder, unexpected_problem
from politiradet.preview.watch import Debouncer, Worker, is_scratch

SECRET = "HEMMELIG-innhold-utenfor-nettstedet"
SERVERS: dict[int, PreviewServer] = {}
"""The running test servers by port, for tests that change their build state."""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A built site with symlinks pointing inside and outside it, beside a secret file."""
    (tmp_path / "hemmelig.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "utenfor").mkdir()
    (tmp_path / "utenfor" / "hemmelig.txt").write_text(SECRET, encoding="utf-8")
    root = tmp_path / "site"
    (root / "referater" / "2025-05-14").mkdir(parents=True)
    (root / "index.html").write_text("<html><body><p>Forside</p></body></html>")
    (root / "404.html").write_text("<html><body><p>Fant ikke siden</p></body></html>")
    (root / "referater" / "2025-05-14" / "index.html").write_text("<p>Referat</p></body>")
    (root / "lenke-ut.txt").symlink_to(tmp_path / "hemmelig.txt")
    (root / "mappe-ut").symlink_to(tmp_path / "utenfor", target_is_directory=True)
    (root / "lenke-inn.html").symlink_to(root / "index.html")
    return root


@pytest.fixture
def port(site: Path) -> Iterator[int]:
    server = PreviewServer(("127.0.0.1", 0), site, livereload.BuildState())
    thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                              daemon=True)
    thread.start()
    SERVERS[server.port] = server
    yield server.port
    del SERVERS[server.port]
    server.state.close()
    server.shutdown()
    server.server_close()


def raw_get(port: int, target: str, method: str = "GET",
            host: str = "127.0.0.1") -> tuple[int, bytes]:
    """Send the request target exactly as given, as a browser never would."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                     f"Connection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


ESCAPES = [
    "/../hemmelig.txt",
    "/../../../../../../etc/passwd",
    "/%2e%2e/hemmelig.txt",
    "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "/..%2fhemmelig.txt",
    "/%2e%2e%2fhemmelig.txt",
    "/referater/..%2f..%2f..%2fhemmelig.txt",
    "/referater/%2e%2e/%2e%2e/hemmelig.txt",
    "/%252e%252e/hemmelig.txt",
    "/..%5chemmelig.txt",
    "/.%2e/hemmelig.txt",
    "/%c0%ae%c0%ae/hemmelig.txt",
    "/hemmelig.txt%00.html",
    "/lenke-ut.txt",
    "/mappe-ut/hemmelig.txt",
    "/mappe-ut/",
    "http://127.0.0.1/../hemmelig.txt",
    "//../hemmelig.txt",
    "..",
    "*",
]


@pytest.mark.parametrize("target", ESCAPES)
def test_requests_cannot_read_outside_the_site(port: int, target: str) -> None:
    status, data = raw_get(port, target)
    assert status in (400, 403, 404)
    assert SECRET.encode() not in data and b"root:" not in data


def test_etc_passwd_is_never_served(port: int) -> None:
    for target in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"):
        status, data = raw_get(port, target)
        assert status == 404 and b"root:" not in data


def test_files_inside_the_site_are_served_with_the_reload_script(port: int) -> None:
    status, data = raw_get(port, "/referater/2025-05-14/")
    assert status == 200
    token = livereload.page_token(b"<p>Referat</p></body>", livereload.Snapshot(0, 0, ()))
    assert (f'<p>Referat</p><script src="/__reload/reload.js" data-page="{token}"></script>'
            f'</body>').encode() in data
    assert raw_get(port, "/lenke-inn.html")[0] == 200  # a symlink that stays inside is fine
    assert raw_get(port, "/index.html?x=1#y")[0] == 200


def test_folder_without_slash_redirects_to_the_folder(port: int) -> None:
    status, data = raw_get(port, "/referater/2025-05-14")
    assert status == 301
    assert b"\r\nLocation: /referater/2025-05-14/\r\n" in data


def test_missing_page_gets_the_sites_404_page(port: int) -> None:
    status, data = raw_get(port, "/finnes-ikke/")
    assert status == 404 and b"Fant ikke siden" in data and b"reload.js" in data


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def _request(method: str, target: str = "/", headers: str = "") -> bytes:
    return (f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}"
            f"Connection: close\r\n\r\n").encode("latin-1")


# (id, raw request, status, Norwegian title on the page)
BAD_REQUESTS = [
    ("post", _request("POST", headers="Content-Length: 0\r\n"), 405, "Metoden er ikke tillatt"),
    ("put", _request("PUT", headers="Content-Length: 0\r\n"), 405, "Metoden er ikke tillatt"),
    ("delete", _request("DELETE", "/index.html"), 405, "Metoden er ikke tillatt"),
    ("options", _request("OPTIONS", "*"), 405, "Metoden er ikke tillatt"),
    ("patch", _request("PATCH"), 405, "Metoden er ikke tillatt"),
    ("made-up-method", _request("BREW"), 405, "Metoden er ikke tillatt"),
    ("request-line-too-long", _request("GET", "/" + "a" * 70_000), 414, "Adressen er for lang"),
    ("header-too-long", _request("GET", headers=f"X-Lang: {'a' * 70_000}\r\n"), 431,
     "For store overskriftsfelt"),
    ("too-many-headers", _request("GET", headers="X-A: 1\r\n" * 150), 431,
     "For store overskriftsfelt"),
    ("garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400,
     "Ugyldig forespørsel"),
    ("bad-version", b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 505,
     "HTTP-versjonen støttes ikke"),
]


@pytest.mark.parametrize(("request_bytes", "status", "title"),
                         [case[1:] for case in BAD_REQUESTS],
                         ids=[case[0] for case in BAD_REQUESTS])
def test_bad_requests_get_norwegian_error_pages(port: int, request_bytes: bytes, status: int,
                                                title: str) -> None:
    answer = raw_request(port, request_bytes)
    if not answer.startswith(b"HTTP/"):  # the request line was unreadable: an HTTP/0.9 answer
        answer = b"HTTP/0.9 %d -\r\n\r\n" % status + answer
    head, _, body = answer.partition(b"\r\n\r\n")
    assert int(head.split(b" ", 2)[1]) == status, head
    page = body.decode()
    assert '<html lang="nb">' in page and f"<h1>{title}</h1>" in page
    assert "Error response" not in page and "Unsupported method" not in page
    if status == 405:
        assert b"\r\nAllow: GET, HEAD\r\n" in head


def test_head_still_answers(port: int) -> None:
    assert raw_get(port, "/", "HEAD")[0] == 200


def test_other_host_names_are_refused_against_dns_rebinding(port: int) -> None:
    status, data = raw_get(port, "/", host="angriper.example")
    assert status == 421 and b"Forside" not in data
    assert raw_get(port, "/", host="localhost")[0] == 200
    assert raw_get(port, "/__reload/events", host="angriper.example")[0] == 421


@pytest.mark.parametrize(("target", "parts"), [
    ("/", []),
    ("/referater/2025-05-14/", ["referater", "2025-05-14"]),
    ("/s%C3%B8k/?q=a", ["søk"]),
    ("/%2e%2e/", None),
    ("/a%2fb", None),
    ("/%ff", None),
    ("relative", None),
])
def test_safe_relative(target: str, parts: list[str] | None) -> None:
    assert safe_relative(target) == parts


def test_event_stream_starts_with_the_current_state(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /__reload/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = read_until(conn, b'"generation": 0')
        assert b"text/event-stream" in first


def page_event(conn: socket.socket) -> str:
    """Read the stream up to the end of the next state event; that event's page token."""
    data = b""
    while b"event: state" not in data or not data.endswith(b"\n\n"):
        chunk = conn.recv(4096)
        assert chunk, data
        data += chunk
    event = data[data.index(b"event: state"):]
    return str(json.loads(event.partition(b"data: ")[2].partition(b"\n")[0])["page"])


def test_events_tell_a_page_whether_its_own_content_changed(port: int, site: Path) -> None:
    """The token in the events is the one injected into the page, until the page changes;
    a build that leaves the page alone does not reload it."""
    page = site / "referater" / "2025-05-14" / "index.html"
    served = raw_get(port, "/referater/2025-05-14/")[1].decode()
    injected = re.search(r'data-page="([^"]+)"', served)
    assert injected
    state = SERVERS[port].state
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /__reload/events?side=%2Freferater%2F2025-05-14%2F HTTP/1.1\r\n"
                     b"Host: 127.0.0.1\r\n\r\n")
        token = page_event(conn)
        assert token == injected[1]
        (site / "index.html").write_text("<p>En annen side</p>")
        state.succeeded()
        token = page_event(conn)
        assert token == injected[1]  # another page changed: this one stays
        page.write_text("<p>Referat, endret</p></body>")
        state.succeeded()
        token = page_event(conn)
        assert token != injected[1]
        changed = token
        state.succeeded(styles=True)  # a stylesheet changed: every page reloads
        token = page_event(conn)
        assert token not in (changed, injected[1])


def read_until(conn: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = conn.recv(4096)
        assert chunk, data
        data += chunk
    return data


def test_state_changes_wake_waiting_streams() -> None:
    state = livereload.BuildState()
    seen = state.snapshot().version
    threading.Timer(0.05, state.failed, args=[()]).start()
    assert state.wait(seen, timeout=10).version == seen + 1
    state.succeeded()
    snapshot = state.snapshot()
    assert (snapshot.generation, snapshot.problems) == (1, ())
    assert b'"generation": 1' in livereload.event(snapshot)


def test_inject_without_body_end_appends() -> None:
    assert livereload.inject(b"<p>x</p>", "3-ab").endswith(b'data-page="3-ab"></script>')
    assert livereload.inject(b"<BODY></BODY>", "1-cd").startswith(b"<BODY><script")


def test_debouncer_turns_a_burst_into_one_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changes closer together than the quiet time are one build; a longer pause starts the
    next. The debouncer's clock is the test's, and after each step the test waits until the
    debouncer has looked at the clock twice (and so has had every chance to start a build too
    early), so how busy the machine is does not matter."""
    now = [1000.0]
    looked = threading.Condition()
    looks = [0]

    def clock() -> float:
        if threading.current_thread().name == "ombygging":
            with looked:
                looks[0] += 1
                looked.notify_all()
        return now[0]

    def debouncer_has_looked_twice() -> bool:
        with looked:
            since = looks[0]
            return looked.wait_for(lambda: looks[0] >= since + 2, timeout=60)

    monkeypatch.setattr(watch, "time", SimpleNamespace(monotonic=clock))
    batches: list[set[Path]] = []
    built = threading.Semaphore(0)

    def action(batch: set[Path]) -> None:
        batches.append(batch)
        built.release()

    debouncer = Debouncer(action, quiet=0.1)
    debouncer.start()
    try:
        for number in range(5):
            debouncer.add(Path(f"{number}.md"))
            now[0] += 0.09  # within the quiet time of the change before
            assert debouncer_has_looked_twice(), f"a build started after {number + 1} changes"
        assert batches == []
        now[0] += 0.02  # quiet for 0.11 s since the last change: the burst is over
        assert built.acquire(timeout=60)
        debouncer.add(Path("5.md"))
        now[0] += 0.2
        assert built.acquire(timeout=60)
    finally:
        debouncer.stop()
    assert batches == [{Path(f"{number}.md") for number in range(5)}, {Path("5.md")}]


@pytest.mark.parametrize(("name", "scratch"), [
    (".2025-05-14.md.swp", True), ("2025-05-14.md~", True), ("4913", True),
    ("#2025-05-14.md#", True), ("2025-05-14.md", False), ("temaer.yaml", False),
])
def test_editor_scratch_files_are_ignored(name: str, scratch: bool) -> None:
    assert is_scratch(Path(name)) is scratch


def test_template_error_is_located_in_the_template(tmp_path: Path) -> None:
    (tmp_path / "side.html").write_text("<p>\n{{ mangler.felt }}\n</p>\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path),
                             undefined=jinja2.StrictUndefined, autoescape=True)
    with pytest.raises(jinja2.UndefinedError) as caught:
        env.get_template("side.html").render()
    problem = unexpected_problem(caught.value, tmp_path)
    assert problem.path.endswith("side.html")
    assert problem.line == 2
    assert "mangler" in problem.message


def _with_own_templates(tmp_path: Path) -> Paths:
    """The example content, built into *tmp_path* with a copy of the templates to edit."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    return Paths(content=copy_fixture("gyldig", tmp_path), out=tmp_path / "site",
                 templates=templates, schema=ROOT / "schema")


def _archives_left_as_serve_runs(builds: Callable[[], None]) -> int:
    """The archives left after *builds*, run with the heap frozen as ``serve`` keeps it and
    the garbage collector off: what refcounting alone did not free."""
    gc.collect()
    gc.disable()
    try:
        with heap.frozen():
            builds()
            assert gc.get_freeze_count() > 10_000, "what the builds left is left out"
        return sum(isinstance(thing, Archive) for thing in gc.get_objects())
    finally:
        gc.enable()


def test_edited_stylesheet_is_copied_without_a_full_build(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _with_own_templates(tmp_path)
    templates = paths.templates
    state = livereload.BuildState()
    rebuilder = Rebuilder(paths, state)
    rebuilder.build()
    assert state.snapshot().generation == 1, state.snapshot().problems
    stylesheet = templates / "assets" / "site.css"
    stylesheet.write_text(stylesheet.read_text() + "\n/* endret */\n")
    start = time.perf_counter()
    rebuilder.rebuild({stylesheet.resolve()})
    assert time.perf_counter() - start < 5
    assert (paths.out / "assets" / "site.css").read_bytes() == stylesheet.read_bytes()
    assert state.snapshot().generation == 2

    (templates / "assets" / "ny.css").write_text("p {}\n")  # a new file needs a build
    rebuilder.rebuild({(templates / "assets" / "ny.css").resolve()})
    assert (paths.out / "assets" / "ny.css").is_file()
    assert state.snapshot().generation == 3
    said = capsys.readouterr().out.splitlines()
    assert "Kopiert inn" in said[-3] and "Bygger på nytt" in said[-2]  # a build, not a copy


def test_rebuilds_keep_one_archive_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    """The preview builds again and again in one process: nothing may keep an old build's
    archive alive (a cache on the renderer once kept every build's, 300 MB each at 10 000)."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "buffer"))
    content = copy_fixture("gyldig", tmp_path)
    paths = Paths(content=content, out=tmp_path / "site")
    rebuilder = Rebuilder(paths, livereload.BuildState())
    rebuilder.build()
    document = (content / "referater" / "2025-05-14.md").resolve()
    for number in range(3):
        document.write_text(document.read_text(encoding="utf-8") + f"\nLinje {number}.\n",
                            encoding="utf-8")
        rebuilder.rebuild({document})
        gc.collect()
        assert sum(isinstance(thing, Archive) for thing in gc.get_objects()) == 1


def test_an_old_archive_goes_without_a_full_collection(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview keeps its heap out of the garbage collector's full collections between
    builds (a full collection held the interpreter 0.6-2.3 s at 10,000 documents, and the next
    save's page waited for it), so each build's archive must go by refcounting as soon as the
    next build's is taken over: none may be left to a collection (Jinja's templates, modules
    and macros hold each other, and each module a copy of the globals)."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "buffer"))
    content = copy_fixture("gyldig", tmp_path)
    rebuilder = Rebuilder(Paths(content=content, out=tmp_path / "site"), livereload.BuildState())
    document = (content / "referater" / "2025-05-14.md").resolve()

    def builds() -> None:
        rebuilder.build()
        for number in range(2):
            document.write_text(document.read_text(encoding="utf-8") + f"\nLinje {number}.\n",
                                encoding="utf-8")
            rebuilder.rebuild({document})
    assert _archives_left_as_serve_runs(builds) == 1


def test_a_build_that_fails_in_a_template_leaves_no_archive_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A template broken while the preview runs: each build stops halfway, and what it held
    must not stay frozen with the rest of the heap (at 10,000 documents, 300 MB a build)."""
    monkeypatch.setenv("POLITIRADET_CACHE", str(tmp_path / "buffer"))
    paths = _with_own_templates(tmp_path)
    state = livereload.BuildState()
    rebuilder = Rebuilder(paths, state)
    template = paths.templates / "dokument.html"

    def builds() -> None:
        rebuilder.build()
        template.write_text(template.read_text(encoding="utf-8").replace(
            "{% block main %}", "{% block main %}{{ finnes_ikke.her }}"), encoding="utf-8")
        for _ in range(2):
            rebuilder.rebuild({template.resolve()})
            assert state.snapshot().problems
    assert _archives_left_as_serve_runs(builds) == 0, \
        "the shortcut forgot its archive, and the failed builds theirs"


def test_the_overlay_is_served_ahead_of_the_folder_until_a_build_covers_it(
        port: int, site: Path) -> None:
    overlay = SERVERS[port].overlay
    overlay.put("referater/2025-05-14/index.html", 2, b"<p>Vist med en gang</p></body>")
    assert b"Vist med en gang" in raw_get(port, "/referater/2025-05-14/")[1]
    assert b"Vist med en gang" in raw_get(port, "/referater/2025-05-14/index.html")[1]
    overlay.drop_covered(1)  # a build that started before save 2
    assert b"Vist med en gang" in raw_get(port, "/referater/2025-05-14/")[1]
    overlay.drop_covered(2)
    assert b"<p>Referat</p>" in raw_get(port, "/referater/2025-05-14/")[1]
    overlay.put("finnes-ikke/index.html", 3, b"<p>x</p>")  # never a page the folder lacks
    assert raw_get(port, "/finnes-ikke/")[0] == 404


def test_worker_runs_once_more_for_requests_made_while_it_ran() -> None:
    runs: list[int] = []
    release, started = threading.Event(), threading.Event()

    def action() -> None:
        runs.append(len(runs))
        started.set()
        release.wait(10)

    worker = Worker(action)
    worker.start()
    worker.request()
    assert started.wait(10)
    for _ in range(3):
        worker.request()
    assert worker.busy
    release.set()
    deadline = time.monotonic() + 10
    while worker.busy and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.stop()
    assert runs == [0, 1]


def test_debouncer_ends_a_burst_early_when_its_last_event_finished_a_file() -> None:
    done = threading.Event()
    debouncer = Debouncer(lambda batch: done.set(), quiet=60, settled=0.01)
    debouncer.start()
    debouncer.add(Path("a.md"))
    assert not done.wait(0.5)  # still within the quiet time of an unfinished write
    debouncer.add(Path("a.md"), finished=True)
    assert done.wait(30)
    debouncer.stop()


def test_a_burst_of_connections_is_queued_not_dropped(tmp_path: Path) -> None:
    """Connections the server has not yet taken wait in the kernel's queue: a burst (many
    slow clients, a browser's parallel requests) does not leave the next editor's connection
    unanswered until TCP retries it. With the standard library's queue of 5, the seventh
    connection to a busy server was dropped."""
    server = PreviewServer(("127.0.0.1", 0), tmp_path, livereload.BuildState())
    try:  # the server takes no connection here: each stays in the queue
        connections = [socket.create_connection(("127.0.0.1", server.port), timeout=10)
                       for _ in range(40)]
        for connection in connections:
            connection.close()
    finally:
        server.server_close()
