"""The preview's HTTP side: files from the built site only, plus the live reload endpoints.

Every request path is decoded segment by segment and refused if any segment could climb out
(``..``, an encoded ``/`` or ``\\``, a NUL byte); the file's real path, after following
symlinks, must still lie inside the site folder. Anything else is a plain 404.

With the web editor mounted (:mod:`politiradet.editor.admin`), ``/admin/`` serves it and
``POST /admin/api/v1`` is its local backend: JSON only, from a page on this loopback origin
only, so no other web page can make the editor's browser write a file. Its body must have
one numeric ``Content-Length`` of at most 2 MB and arrive within
:data:`REQUEST_TIMEOUT_SECONDS`; anything else gets a Norwegian 4xx, so a slow or malformed
client never holds a thread.
"""

from __future__ import annotations

import http.server
import io
import json
import math
import mimetypes
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..editor.admin import API_PATH, CONTENT_SECURITY_POLICY, PREFIX, TOO_LARGE, Admin, Response
from ..editor.backend import MAX_REQUEST_BYTES
from ..stages.sourcefile import inside
from . import livereload
from .draftnote import draft_note

KEEPALIVE_SECONDS = 15.0
REQUEST_TIMEOUT_SECONDS = 20.0
"""How long a client has to send its whole request (line, headers, body), and each write of
the answer may wait; then the server answers 408 (a body) or closes the connection."""
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".txt": "text/plain; charset=utf-8",
}
FORBIDDEN_IN_SEGMENT = ("/", "\\", "\x00")
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost"})
"""Host names a request may carry; another name means DNS rebinding by some web page."""

ERRORS = {
    400: ("Ugyldig forespørsel", "Forhåndsvisningen forstod ikke forespørselen."),
    405: ("Metoden er ikke tillatt", "Forhåndsvisningen viser bare sider: den svarer på "
          "metodene i «Allow»."),
    408: ("Tidsavbrudd", "Forespørselen kom ikke fram i tide."),
    413: ("For stor forespørsel", "Forespørselen er større enn forhåndsvisningen tar imot."),
    414: ("Adressen er for lang", "Adressen i forespørselen er for lang. Sjekk lenken."),
    431: ("For store overskriftsfelt", "Forespørselen har for mange eller for lange "
          "overskriftsfelt (headers)."),
    500: ("Intern feil", "Forhåndsvisningen kunne ikke svare. Se meldingene i terminalen."),
    505: ("HTTP-versjonen støttes ikke", "Bruk HTTP/1.0 eller HTTP/1.1."),
}
"""Norwegian error pages, by status: (title, explanation)."""

NOT_BUILT = (b'<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
             b"<title>Ikke bygget \xe2\x80\x93 forh\xc3\xa5ndsvisning</title>\n</head>\n<body>\n"
             b"<h1>Nettstedet er ikke bygget enn\xc3\xa5</h1>\n"
             b"<p>Rett feilene som vises, og lagre filen.</p>\n</body>\n</html>\n")


def safe_relative(request_path: str) -> list[str] | None:
    """The URL path as folder and file names, or None if it tries to leave the site."""
    path = urlsplit(request_path).path
    if not path.startswith("/"):
        return None
    parts: list[str] = []
    for segment in path.split("/"):
        try:
            name = unquote(segment, errors="strict")
        except UnicodeDecodeError:
            return None
        if name in (".", "..") or any(bad in name for bad in FORBIDDEN_IN_SEGMENT):
            return None
        if name:
            parts.append(name)
    return parts


def locate(root: Path, parts: list[str]) -> Path | None:
    """The existing file or folder inside *root* that *parts* name, after following symlinks.

    None when it does not exist or its real path lies outside *root*.
    """
    target = Path(root, *parts)
    if not inside(root, target):
        return None
    real = Path(os.path.realpath(target))
    return real if real.exists() else None


def loopback_host(host: str | None) -> bool:
    """Whether the Host header names this machine (or is absent, as HTTP/1.0 allows)."""
    if host is None:
        return True
    return host.rsplit(":", 1)[0].lower() in LOOPBACK_NAMES


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or \
        "application/octet-stream"


class Overlay:
    """Pages shown ahead of the site folder: a saved document's page, rendered before the
    full build publishes it (:mod:`politiradet.preview.quickpage`). Thread-safe.

    Each page carries the number of the save it shows; a full build that has read that save
    drops it when its own pages are published (:meth:`drop_covered`), so the site folder is
    only ever written by the build, and a page never goes back to an older text.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[str, tuple[int, bytes]] = {}

    def put(self, path: str, save: int, content: bytes) -> None:
        with self._lock:
            self._pages[path] = (save, content)

    def get(self, path: str) -> bytes | None:
        with self._lock:
            found = self._pages.get(path)
        return found[1] if found else None

    def drop_covered(self, save: int) -> None:
        """Forget the pages of saves up to number *save*: the site folder has them now."""
        with self._lock:
            self._pages = {path: page for path, page in self._pages.items() if page[0] > save}


class Incoming(io.RawIOBase):
    """A connection's incoming bytes, each read waiting only until :attr:`deadline`: a client
    that sends its request line, headers or body a byte at a time is cut off all the same."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.deadline = math.inf

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("forespørselen kom ikke fram i tide")
        self.connection.settimeout(remaining)
        return self.connection.recv_into(buffer)


class PreviewServer(http.server.ThreadingHTTPServer):
    """Serves *site* (with the *overlay* in front of it) on a loopback address; one thread
    per connection."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    """Connections waiting to be taken (the standard library's 5 dropped a burst's sixth)."""

    def __init__(self, address: tuple[str, int], site: Path,
                 state: livereload.BuildState, admin: Admin | None = None,
                 overlay: Overlay | None = None,
                 request_timeout: float = REQUEST_TIMEOUT_SECONDS, drafts: bool = False) -> None:
        self.site, self.state, self.admin = site, state, admin
        self.drafts = drafts
        """``serve --utkast``: a draft gets its own page, so its address never shows the note
        that drafts are not shown (:mod:`.draftnote`) while that page is being built."""
        self.overlay = overlay or Overlay()
        self.request_timeout = request_timeout
        self.stopping = threading.Event()
        """Set when the preview is to stop; :meth:`serve_forever` then ends (see
        :meth:`service_actions`)."""
        super().__init__(address, PreviewHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def service_actions(self) -> None:
        """Between requests (each poll of :meth:`serve_forever`): end the loop as Ctrl-C does
        once :attr:`stopping` is set, also when the signal that set it could not."""
        if self.stopping.is_set():
            raise KeyboardInterrupt

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a closed tab, a reset connection) is no fault: nothing is
        printed. Any other error is, with its traceback in the terminal."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD for the site's files and the live reload endpoints; nothing else."""

    server: PreviewServer
    server_version = "politiradet-forhandsvisning"
    sys_version = ""

    def setup(self) -> None:
        """The request is read against one deadline (:class:`Incoming`); each write of the
        answer waits at most the server's timeout."""
        super().setup()
        self.rfile.close()
        self.incoming = Incoming(self.connection)
        self.rfile = io.BufferedReader(self.incoming)

    def handle_one_request(self) -> None:
        """One request, which must arrive whole (line, headers, body) within the timeout."""
        self.incoming.deadline = time.monotonic() + self.server.request_timeout
        super().handle_one_request()

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self.connection.settimeout(self.server.request_timeout)
        return parsed

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def allowed_methods(self) -> tuple[str, ...]:
        """The methods the requested path answers; every other method gets 405 with these."""
        if self.server.admin is not None and urlsplit(getattr(self, "path", "")).path == API_PATH:
            return ("POST",)
        return ("GET", "HEAD")

    def do_POST(self) -> None:
        """The web editor's local backend; nothing else accepts a POST."""
        admin = self.server.admin
        if not loopback_host(self.headers.get("Host")):
            self._send(421, b"Bare for 127.0.0.1.\n", TYPES[".txt"], False)
        elif admin is None or urlsplit(self.path).path != API_PATH:
            self.send_error(405)
        elif not self._same_origin_json():
            self._send(403, "Bare webredigeringen på denne maskinen kan lagre.\n".encode(),
                       TYPES[".txt"], False)
        else:
            body = self._body()
            if body is not None:
                self._answer(admin.post(body), head=False)

    def _body(self) -> bytes | None:
        """The request's body, or None once the refusal is sent (the connection then closes).

        The body is read to its declared length, no further than the limit, and within
        :attr:`PreviewServer.request_timeout` in all: a client that sends less than it
        declared gets 408 instead of holding this thread for ever.
        """
        lengths = self.headers.get_all("Content-Length") or []
        if self.headers.get("Transfer-Encoding") is not None or len(lengths) != 1:
            self._refuse(411, "Forespørselen må oppgi lengden sin i ett Content-Length-felt.")
        elif not (lengths[0].isascii() and lengths[0].isdigit()):
            self._refuse(400, "Lengden i forespørselen (Content-Length) er ikke et heltall.")
        elif int(lengths[0]) > MAX_REQUEST_BYTES:  # refused before it is sent, not waited for
            self._refuse(413, TOO_LARGE)
        else:
            try:
                return self._read_within(int(lengths[0]))
            except TimeoutError:
                self._refuse(408, "Forespørselen kom ikke fram i tide. Lagre på nytt.")
        return None

    def _read_within(self, length: int) -> bytes | None:
        """*length* bytes of the body before the request's deadline; None if the client went
        away."""
        chunks: list[bytes] = []
        while length > 0:
            chunk = self.rfile.read1(length)
            if not chunk:
                self.close_connection = True
                return None
            chunks.append(chunk)
            length -= len(chunk)
        self.connection.settimeout(self.server.request_timeout)
        return b"".join(chunks)

    def _refuse(self, status: int, message: str) -> None:
        """Answer a request whose body cannot be taken, as JSON for the editor, and close."""
        self.close_connection = True
        self.connection.settimeout(self.server.request_timeout)
        self._send(status, json.dumps({"error": message}, ensure_ascii=False).encode(),
                   TYPES[".json"], False, {"Connection": "close"})

    def _same_origin_json(self) -> bool:
        """A JSON request from a page on this loopback origin (never a form from elsewhere)."""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        origin = self.headers.get("Origin")
        return ctype == "application/json" and (
            origin is None or (origin.startswith("http://") and loopback_host(origin[7:])
                               and origin[7:] == self.headers.get("Host", origin[7:])))

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """Every error the HTTP machinery raises (unknown method, over-long request line or
        headers, bad syntax) as a short Norwegian page; an unknown method is 405 with Allow."""
        if code == 501:  # the standard library's answer to a method without a do_ handler
            code = 405
        title, text = ERRORS.get(code, (f"Feil {code}", "Forespørselen kunne ikke besvares."))
        body = (f'<!DOCTYPE html>\n<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
                f"<title>{title} – forhåndsvisning</title>\n</head>\n<body>\n<h1>{title}</h1>\n"
                f"<p>{text}</p>\n</body>\n</html>\n").encode()
        self.close_connection = True
        self.send_response(code)
        if code == 405:
            self.send_header("Allow", ", ".join(self.allowed_methods()))
        self.send_header("Connection", "close")
        self.send_header("Content-Type", TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _respond(self, head: bool) -> None:
        route = urlsplit(self.path).path
        if not loopback_host(self.headers.get("Host")):
            self._send(421, b"Bare for 127.0.0.1.\n", TYPES[".txt"], head)
        elif route == livereload.EVENTS_PATH and not head:
            self._events()
        elif route == livereload.SCRIPT_PATH:
            self._send(200, livereload.RELOAD_JS.encode(), TYPES[".js"], head)
        elif route == livereload.STYLE_PATH:
            self._send(200, livereload.OVERLAY_CSS.encode(), TYPES[".css"], head)
        elif self.server.admin is not None and (route + "/").startswith(PREFIX):
            self._admin(head)
        else:
            self._file(head)

    def _admin(self, head: bool) -> None:
        parts = safe_relative(self.path)
        if urlsplit(self.path).path == PREFIX[:-1]:
            self._redirect(PREFIX)
            return
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.port}"
        admin = self.server.admin
        found = admin.get(parts, f"http://{host}") if parts is not None and admin else None
        if found is None:
            self._not_found(head)
        else:
            self._answer(found, head)

    def _answer(self, response: Response, head: bool) -> None:
        self._send(response.status, response.body, response.content_type, head,
                   {"Content-Security-Policy": CONTENT_SECURITY_POLICY})

    def _file(self, head: bool) -> None:
        found = self._lookup(self.path)
        if isinstance(found, str):
            self._redirect(found)
        else:
            self._page(*found, head)

    def _lookup(self, request_path: str) -> tuple[int, bytes, str] | str:
        """What a GET of *request_path* answers: (status, body, type), or where to redirect."""
        parts = safe_relative(request_path)
        found = locate(self.server.site, parts) if parts is not None else None
        if parts is not None and found is not None and found.is_dir():
            if not urlsplit(request_path).path.endswith("/"):
                return "/" + "/".join(quote(part) for part in parts) + "/"
            parts = [*parts, "index.html"]
            found = locate(self.server.site, parts)
        ahead = self.server.overlay.get("/".join(parts)) if parts is not None else None
        if ahead is not None and found is not None:
            return 200, ahead, content_type(found)
        body = _read(found) if found is not None and found.is_file() else None
        if found is None or body is None:
            return 404, self._missing(request_path), TYPES[".html"]
        return 200, body, content_type(found)

    def _missing(self, request_path: str = "") -> bytes:
        """The site's «fant ikke siden» page, or a note that the site is not built yet; at a
        draft's address, what the draft is and how to see it (:mod:`.draftnote`)."""
        page = locate(self.server.site, ["404.html"])
        body = (_read(page) if page is not None and page.is_file() else None) or NOT_BUILT
        admin = self.server.admin
        note = draft_note(admin.content, request_path, body) \
            if admin and request_path and not self.server.drafts else None
        return note or body

    def _page(self, status: int, body: bytes, ctype: str, head: bool) -> None:
        if ctype.startswith("text/html"):
            snapshot = self.server.state.snapshot()
            body = livereload.inject(body, livereload.page_token(body, snapshot))
        self._send(status, body, ctype, head)

    def _not_found(self, head: bool) -> None:
        self._page(404, self._missing(), TYPES[".html"], head)

    def _token(self, page: str, snapshot: livereload.Snapshot) -> str:
        """The token of what *page* (a URL path) shows now, for the page listening there."""
        found = self._lookup(page) if page.startswith("/") else "/"
        return "" if isinstance(found, str) else livereload.page_token(found[1], snapshot)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, ctype: str, head: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Stream the build state as server-sent events until the client or server goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state, seen = self.server.state, -1
        page = parse_qs(urlsplit(self.path).query).get("side", [""])[0]
        try:
            self.wfile.write(livereload.RETRY)
            while not state.closed:
                snapshot = state.wait(seen, KEEPALIVE_SECONDS)
                changed = snapshot.version != seen
                self.wfile.write(livereload.event(snapshot, self._token(page, snapshot))
                                 if changed else livereload.KEEPALIVE)
                self.wfile.flush()
                seen = snapshot.version
        except (BrokenPipeError, ConnectionResetError):
            return


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None if it vanished (a rebuild swapped the site meanwhile)."""
    try:
        return path.read_bytes()
    except OSError:
        return None
