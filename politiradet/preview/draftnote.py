"""A draft's address in the preview without ``--utkast``: what it is and how to see it.

The web editor saves a new document as a draft, and its «Forhåndsvis» link leads to the
document's address. A preview started without ``--utkast`` has no page there; instead of a bare
«Fant ikke siden» the editor learns that the document is a draft, how to see it and how to
publish it. The note is the site's own «fant ikke siden» page with its main column replaced, so
it looks like the rest of the preview.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..model.content import FOLDERS
from ..stages.load import read_document

DOCUMENT_ADDRESS = re.compile(
    rf"/(?P<folder>{'|'.join(FOLDERS)})/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)/(?:index\.html)?")
MAIN = re.compile(r"(<main\b[^>]*>).*?(</main>)", re.S)
TITLE = re.compile(r"<title>.*?</title>", re.S)

NOTE = """
<div class="container">
<div class="pkt-alert pkt-alert--warning draft-banner" role="note" aria-label="Utkast">
  <p class="pkt-alert__title">Utkast – ikke publisert</p>
  <p class="pkt-alert__text">Denne forhåndsvisningen viser ikke utkastene.</p>
</div>
<h1>«{title}» er et utkast</h1>
<div class="document-body">
<p class="lead">Dokumentet er lagret i <code>{file}</code> med «Utkast» slått på. Et utkast
kontrolleres, men publiseres ikke, og denne forhåndsvisningen er startet uten utkastene.</p>
<h2>Slik ser du utkastet</h2>
<p>Stopp forhåndsvisningen (Ctrl+C i terminalen) og start den igjen med
<code>python build.py serve --utkast</code>. Da vises utkastene her, merket som utkast.</p>
<h2>Slik publiserer du det</h2>
<p>Åpne dokumentet i <a href="/admin/#/collections/{folder}/entries/{slug}">webredigeringen</a>,
slå av «Utkast» og lagre (eller slett linjen <code>utkast: true</code> i filen). Det publiseres
når endringen er i git og nettstedet bygges.</p>
</div>
</div>
"""

PLAIN = """<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<title>{title}</title>
</head>
<body>
<main>{main}</main>
</body>
</html>
"""


def draft_note(content: Path, request_path: str, not_found: bytes) -> bytes | None:
    """The note for the draft whose address *request_path* is, built into the site's
    *not_found* page; None when the address is not a draft's."""
    address = DOCUMENT_ADDRESS.fullmatch(unquote(urlsplit(request_path).path))
    if address is None:
        return None
    folder, slug = address["folder"], address["slug"]
    title = _draft_title(content, content / folder / f"{slug}.md")
    if title is None:
        return None
    main = NOTE.format(title=escape(title), file=f"content/{folder}/{slug}.md", folder=folder,
                       slug=slug)
    head = f"<title>Utkast: {escape(title)} – ikke publisert</title>"
    page = not_found.decode("utf-8", errors="replace")
    if MAIN.search(page) is None:
        return PLAIN.format(title=head[7:-8], main=main).encode("utf-8")
    page = MAIN.sub(lambda found: found[1] + main + found[2], page, count=1)
    return TITLE.sub(lambda _: head, page, count=1).encode("utf-8")


def _draft_title(content: Path, path: Path) -> str | None:
    """The title of the draft at *path*, or None if there is no readable draft there."""
    raw = read_document(content, path, [], set(), None)  # read as the build reads it
    data = raw.file.front.data if raw is not None else None
    if not isinstance(data, dict) or data.get("utkast") is not True:
        return None
    return str(data.get("tittel") or path.stem)
