"""Index the rendered pages for full-text search with Pagefind (placeholder, see search issue)."""

from __future__ import annotations

from collections.abc import Mapping


def index(pages: Mapping[str, bytes], base_url: str) -> dict[str, bytes]:
    """Return the Pagefind bundle files to add to the site, keyed by output path."""
    del pages, base_url
    return {}
