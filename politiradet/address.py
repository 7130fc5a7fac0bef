"""Where the site is published: the ``--base-url`` split into origin and path."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

DEFAULT_ORIGIN = "https://www.oslo.kommune.no"
"""Used for absolute addresses (feeds, sitemap, calendar) when ``--base-url`` is only a path."""


@dataclass(frozen=True, slots=True)
class SiteAddress:
    """The public address of the site."""

    origin: str
    """Scheme and host, without a trailing slash: ``https://www.oslo.kommune.no``."""
    path: str
    """Base path with leading and trailing slash: ``/politiradet/``."""

    @classmethod
    def parse(cls, base_url: str) -> SiteAddress:
        """Accept «/sub/path/», «sub/path» or a full «https://host/sub/path/»."""
        parsed = urllib.parse.urlsplit(base_url.strip())
        if parsed.scheme in ("http", "https") and parsed.netloc:
            return cls(f"{parsed.scheme}://{parsed.netloc}", _normalise_path(parsed.path))
        return cls(DEFAULT_ORIGIN, _normalise_path(base_url))

    def url(self, path: str = "") -> str:
        """Root-relative URL of a site-relative path, as used in links between pages."""
        return self.path + path.lstrip("/")

    def absolute(self, path: str = "") -> str:
        """Absolute URL of a site-relative path, for feeds, sitemap and structured data."""
        return self.origin + self.url(path)


def _normalise_path(path: str) -> str:
    stripped = path.strip().strip("/")
    return f"/{stripped}/" if stripped else "/"
