"""Live reload for the preview server: the build state, its event stream and the page script.

The browser side is an external same-origin script (the site's Content-Security-Policy forbids
inline script and inline style). It listens to server-sent events and either shows the page's
new version when its own HTML changed (exchanged in place, so stylesheets, fonts and the
reader's place stay; a page with scripts, or a changed stylesheet, is reloaded), or shows the
build's problems in an overlay until they are fixed. The page tells the server its path; each
event carries a token of what the server would now send for that path (:func:`page_token`), so
a page changes exactly once per change of its own content, however many builds run, and an
unchanged page is left alone.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import Problem

PREFIX = "/__reload/"
SCRIPT_PATH = PREFIX + "reload.js"
STYLE_PATH = PREFIX + "overlay.css"
EVENTS_PATH = PREFIX + "events"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of the preview at one moment."""

    version: int
    """Bumped on every finished build, good or bad; tells event streams something happened."""
    generation: int
    """Number of successful builds so far; the page reloads when its own is older."""
    problems: tuple[Problem, ...]
    """Problems of the latest build; empty when it succeeded."""
    styles: int = 0
    """Bumped when a stylesheet or another static file changed: every open page reloads."""


class BuildState:
    """Thread-safe record of the latest build, which event streams wait on."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._snapshot = Snapshot(0, 0, ())
        self.closed = False

    def snapshot(self) -> Snapshot:
        with self._changed:
            return self._snapshot

    def succeeded(self, styles: bool = False) -> None:
        """A build (or part of one) is published; *styles* when static files changed."""
        self._publish(lambda s: Snapshot(s.version + 1, s.generation + 1, (),
                                         s.styles + styles))

    def failed(self, problems: Sequence[Problem]) -> None:
        self._publish(lambda s: Snapshot(s.version + 1, s.generation, tuple(problems),
                                         s.styles))

    def close(self) -> None:
        """Wake every waiting stream so it can end (the server is stopping)."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> Snapshot:
        """Return once the version differs from *seen*, the state closes, or *timeout* passes."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._snapshot.version != seen, timeout)
            return self._snapshot

    def _publish(self, change: Callable[[Snapshot], Snapshot]) -> None:
        with self._changed:
            self._snapshot = change(self._snapshot)
            self._changed.notify_all()


def page_token(body: bytes, snapshot: Snapshot) -> str:
    """What a page's content is now: its HTML (before :func:`inject`) and the static files."""
    return f"{snapshot.styles}-{hashlib.sha256(body).hexdigest()[:20]}"


def event(snapshot: Snapshot, page: str = "") -> bytes:
    """One server-sent ``state`` event: the generation, the token of the listening page's
    content (:func:`page_token`) and the problems, as JSON."""
    data = {"generation": snapshot.generation, "page": page,
            "problems": [_problem_json(p) for p in snapshot.problems]}
    return f"event: state\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _problem_json(problem: Problem) -> dict[str, str | int]:
    return {"file": problem.path, "line": problem.line, "col": problem.col,
            "message": problem.message}


KEEPALIVE = b": ping\n\n"
RETRY = b"retry: 500\n\n"


def inject(html: bytes, page: str) -> bytes:
    """Add the reload script to an HTML page, just before ``</body>``, with the page's token."""
    tag = f'<script src="{SCRIPT_PATH}" data-page="{page}"></script>'.encode()
    end = html.lower().rfind(b"</body>")
    if end < 0:
        return html + tag
    return html[:end] + tag + html[end:]


RELOAD_JS = """\
// Forhåndsvisning: laster siden på nytt etter bygging og viser byggfeil.
// Ikke en del av nettstedet.
(function () {
  "use strict";
  var OVERLAY_ID = "politiradet-byggfeil";
  var script = document.currentScript;
  var page = script ? script.dataset.page : "";

  function addStylesheet() {
    if (document.getElementById(OVERLAY_ID + "-stil")) { return; }
    var link = document.createElement("link");
    link.id = OVERLAY_ID + "-stil";
    link.rel = "stylesheet";
    link.href = "@STYLE@";
    document.head.appendChild(link);
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) { old.remove(); }
  }

  function problemItem(problem) {
    var item = document.createElement("li");
    var where = document.createElement("code");
    where.textContent = problem.file + ":" + problem.line + ":" + problem.col + ":";
    item.append(where, document.createTextNode(" " + problem.message));
    return item;
  }

  function showOverlay(problems) {
    addStylesheet();
    hideOverlay();
    var box = document.createElement("section");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", OVERLAY_ID + "-tittel");
    var heading = document.createElement("h2");
    heading.id = OVERLAY_ID + "-tittel";
    heading.textContent = "Nettstedet kunne ikke bygges (" + problems.length + " feil)";
    var help = document.createElement("p");
    help.textContent = "Siden under er fra siste vellykkede bygging. Rett feilene og lagre " +
      "filen, så oppdateres siden av seg selv.";
    var list = document.createElement("ol");
    problems.forEach(function (problem) { list.append(problemItem(problem)); });
    box.append(heading, help, list);
    document.body.prepend(box);
  }

  function reload() {
    source.close();
    window.location.reload();
  }

  function styles(root) {
    return Array.prototype.map.call(root.querySelectorAll("link[rel=stylesheet]"),
      function (link) { return link.getAttribute("href"); }).join(" ");
  }

  function scripts(root) {
    return root.querySelectorAll("script:not([type='application/ld+json'])").length;
  }

  // The new page goes in place of the old one without loading the stylesheets, fonts and
  // images again: the head's other elements and the whole body are exchanged, and the reader
  // keeps their place. A page with scripts of its own, other stylesheets or other static
  // files (the token's first part) is loaded the ordinary way.
  function swapIn(wanted) {
    if (wanted.split("-")[0] !== page.split("-")[0] || scripts(document) > 1) { reload(); return; }
    fetch(window.location.href, {cache: "no-store"}).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html");
      var tag = next.querySelector("script[data-page]");
      if (!tag || scripts(next) > 1 || styles(next) !== styles(document)) { reload(); return; }
      page = tag.dataset.page;
      Array.prototype.forEach.call(document.head.querySelectorAll(
        ":scope > :not(link[rel=stylesheet])"), function (old) { old.remove(); });
      Array.prototype.forEach.call(next.head.querySelectorAll(
        ":scope > :not(link[rel=stylesheet])"), function (item) {
          document.head.append(document.adoptNode(item));
        });
      document.body.replaceWith(document.adoptNode(next.body));
    }).catch(reload);
  }

  var source = new EventSource("@EVENTS@?side=" + encodeURIComponent(location.pathname));
  source.addEventListener("state", function (message) {
    var state = JSON.parse(message.data);
    if (state.problems.length > 0) { showOverlay(state.problems); return; }
    if (state.page !== page) { swapIn(state.page); return; }
    hideOverlay();
  });
})();
""".replace("@STYLE@", STYLE_PATH).replace("@EVENTS@", EVENTS_PATH)

OVERLAY_CSS = """\
/* Forhåndsvisning: feilmeldinger fra byggingen. Ikke en del av nettstedet.
   Står øverst i siden og skyver sidehodet ned, i stedet for å dekke det. */
#politiradet-byggfeil {
  position: static;
  max-height: 70vh; overflow: auto; box-sizing: border-box;
  margin: 0; padding: 1rem 1.5rem; border-bottom: 4px solid #a4000f;
  background: #fff4f4; color: #1a1a1a; font: 1rem/1.5 system-ui, sans-serif;
  box-shadow: 0 4px 16px rgba(0, 0, 0, .25);
}
#politiradet-byggfeil h2 { margin: 0 0 .5rem; font-size: 1.25rem; color: #a4000f; }
#politiradet-byggfeil p { margin: 0 0 .5rem; }
#politiradet-byggfeil ol { margin: 0; padding-left: 1.5rem; }
#politiradet-byggfeil li { margin: .25rem 0; }
#politiradet-byggfeil code { font: .95rem/1.4 ui-monospace, monospace; font-weight: 600; }
"""
