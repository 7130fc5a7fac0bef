"""Where the site is published: the ``--base-url`` read once, checked, split into origin and path.

A base URL is either a path prefix (``/politiradet/``, ``politiradet``) or an absolute
``http(s)://host[:port]/path/`` (feeds, sitemap and calendar need an absolute address; with
only a path they use :data:`DEFAULT_ORIGIN`). What cannot be a path prefix is refused: a query
or fragment, ``.``/``..`` segments, control characters, backslashes, other schemes, user names.
What can be is normalised: missing slashes are added, doubled ones dropped, and characters
that are not allowed in a URL path (spaces, æøå) are percent-encoded, so every link, the
sitemap and the feeds carry the same valid address.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from ..errors import UsageError

DEFAULT_ORIGIN = "https://www.oslo.kommune.no"
"""Used for absolute addresses (feeds, sitemap, calendar) when ``--base-url`` is only a path."""

EXAMPLE = "for eksempel /politiradet/ eller https://www.oslo.kommune.no/politiradet/"
_BAD_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\\\"<>^`{|}]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_PATH_SAFE = "!$&'()*+,;=:@%~-._"


@dataclass(frozen=True, slots=True)
class SiteAddress:
    """The public address of the site."""

    origin: str
    """Scheme and host, without a trailing slash: ``https://www.oslo.kommune.no``."""
    path: str
    """Base path with leading and trailing slash, percent-encoded: ``/politiradet/``."""

    @classmethod
    def parse(cls, base_url: str) -> SiteAddress:
        """Accept «/sub/path/», «sub/path» or a full «https://host/sub/path/»; refuse the rest
        with :class:`UsageError` (a Norwegian message)."""
        text = base_url.strip()
        if found := _BAD_CHARACTER.search(text):
            raise _refused(base_url, f"tegnet {_shown(found[0])} kan ikke stå i en nettadresse")
        parsed = urllib.parse.urlsplit(text)
        if parsed.query or parsed.fragment or "?" in text or "#" in text:
            raise _refused(base_url, "en sti kan ikke ha «?» (spørring) eller «#» (anker)")
        if parsed.scheme or parsed.netloc:
            return cls(_origin(base_url, parsed), _normalise_path(base_url, parsed.path))
        return cls(DEFAULT_ORIGIN, _normalise_path(base_url, text))

    def __str__(self) -> str:
        """The address in one canonical form: parsing it again gives the same address."""
        return self.absolute()

    def url(self, path: str = "") -> str:
        """Root-relative URL of a site-relative path, as used in links between pages."""
        return self.path + path.lstrip("/")

    def absolute(self, path: str = "") -> str:
        """Absolute URL of a site-relative path, for feeds, sitemap and structured data."""
        return self.origin + self.url(path)


def _origin(base_url: str, parsed: urllib.parse.SplitResult) -> str:
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise _refused(base_url, "en full adresse må begynne med http:// eller https:// og et "
                                 "vertsnavn")
    if "@" in parsed.netloc or not parsed.hostname:
        raise _refused(base_url, "vertsnavnet kan ikke ha brukernavn eller passord")
    try:
        port = parsed.port
    except ValueError:
        raise _refused(base_url, "portnummeret er ugyldig") from None
    host = _host(base_url, parsed.hostname)
    return f"{parsed.scheme}://{host}" + (f":{port}" if port is not None else "")


def _host(base_url: str, hostname: str) -> str:
    if ":" in hostname:  # an IPv6 address, already checked by urlsplit
        return f"[{hostname}]"
    try:
        ascii_host = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    if not _HOST.fullmatch(ascii_host):
        raise _refused(base_url, f"«{hostname}» er ikke et gyldig vertsnavn")
    return ascii_host


def _normalise_path(base_url: str, path: str) -> str:
    segments = [segment for segment in path.split("/") if segment]
    if any(urllib.parse.unquote(segment) in (".", "..") for segment in segments):
        raise _refused(base_url, "stien kan ikke ha «.» eller «..» som ledd")
    if any(_BAD_PERCENT.search(segment) for segment in segments):
        raise _refused(base_url, "«%» må følges av to sifre i hex, som i %20")
    encoded = [urllib.parse.quote(segment, safe=_PATH_SAFE) for segment in segments]
    return "/" + "".join(f"{segment}/" for segment in encoded)


def _shown(character: str) -> str:
    return f"«{character}»" if character.isprintable() else f"U+{ord(character):04X}"


def _refused(base_url: str, reason: str) -> UsageError:
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in base_url)
    return UsageError(f"--base-url «{shown}» kan ikke "
                      f"brukes: {reason}. Skriv stien nettstedet publiseres under, {EXAMPLE}.")
