"""What an href written in a document means: another document, a place on the page, or the web.

Read by the compile stage (to write site addresses into the HTML) and the link stage (to check
that every target exists); neither needs the other to answer it.
"""

from __future__ import annotations

import functools
import posixpath
import urllib.parse

from ..model.archive import Target

EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel")


def resolve_href(doc_path: str, href: str) -> tuple[Target | None, str | None]:
    """Resolve *href* written in *doc_path*; return the target or a Norwegian error."""
    return _resolve(posixpath.dirname(doc_path), href)


@functools.lru_cache(maxsize=1 << 16)
def _resolve(folder: str, href: str) -> tuple[Target | None, str | None]:
    """:func:`resolve_href` from the document's *folder*: the same link is written in many
    documents of a folder, and is resolved when compiled and again when linked."""
    parsed = urllib.parse.urlsplit(href)
    if parsed.scheme:
        if parsed.scheme.lower() in EXTERNAL_SCHEMES:
            return Target(None, ""), None
        return None, (f"lenketypen «{parsed.scheme}:» er ikke tillatt. Bruk https-adresser "
                      f"eller relative lenker til .md-filer.")
    if not parsed.path:
        return Target(None, parsed.fragment), None
    if parsed.path.startswith("/") or parsed.netloc:
        return None, ("lenken er absolutt. Skriv en relativ lenke til .md-filen, for eksempel "
                      "«../referater/2025-05-14.md».")
    joined = posixpath.normpath(posixpath.join(folder, urllib.parse.unquote(parsed.path)))
    if joined == ".." or joined.startswith("../"):
        return None, "lenken peker ut av innholdsmappen. Lenk til en .md-fil i content/."
    if not joined.endswith(".md"):
        return None, ("lenken går ikke til et dokument. Interne lenker skal gå til en .md-fil, "
                      "for eksempel «../referater/2025-05-14.md».")
    return Target(joined, parsed.fragment), None
