"""The --base-url: read once, what can be a path prefix normalised, the rest refused in Norwegian.

Data-driven: (given, origin, path) for accepted addresses, (given, reason) for refused ones;
then through the real CLI (exit 2, nothing built) and a build whose every link, sitemap entry
and feed link carries the same encoded prefix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from politiradet.common.address import DEFAULT_ORIGIN, SiteAddress
from politiradet.errors import UsageError

D = DEFAULT_ORIGIN
ACCEPTED = [
    ("", D, "/"), ("/", D, "/"), ("  /sub/  ", D, "/sub/"), ("sub/path", D, "/sub/path/"),
    ("/a//b///", D, "/a/b/"), ("/a b/", D, "/a%20b/"), ("/a%20b/", D, "/a%20b/"),
    ("/politirådet/", D, "/politir%C3%A5det/"), ("/a;v=1/~x/", D, "/a;v=1/~x/"),
    ("/...hidden/", D, "/...hidden/"),
    ("https://example.org", "https://example.org", "/"),
    ("HTTPS://Example.ORG/Sti", "https://example.org", "/Sti/"),
    ("http://localhost:8080/a", "http://localhost:8080", "/a/"),
    ("https://[::1]:8443/a/", "https://[::1]:8443", "/a/"),
    ("https://blåbær.no/", "https://xn--blbr-roah.no", "/"),
]
REFUSED = [
    ("/a?x=1#f/", "«?» (spørring) eller «#» (anker)"), ("/a#top", "«#» (anker)"),
    ("/a?", "«?»"), ("/a/../b/", "«.» eller «..»"), ("/./", "«.» eller «..»"),
    ("/a/%2e%2E/b", "«.» eller «..»"), ("/a\nb/", "tegnet U+000A"), ("/a\tb/", "tegnet U+0009"),
    ("/a\x00/", "tegnet U+0000"), ("/a\u0085/", "tegnet U+0085"), ("\\sti\\", "tegnet «\\»"),
    ("/a<b>/", "tegnet «<»"), ("/a\"/", "tegnet «\"»"), ("/100%/", "«%» må følges av to sifre"),
    ("//host/a/", "http:// eller https://"), ("ftp://host/a/", "http:// eller https://"),
    ("javascript:alert(1)", "http:// eller https://"), ("C:/site/", "http:// eller https://"),
    ("https:///a/", "http:// eller https://"), ("https://user:pw@host/", "brukernavn"),
    ("https://host:99999/", "portnummeret"), ("https://host:x/", "portnummeret"),
    ("https://a b/", "gyldig vertsnavn"), ("https://-a.no/", "gyldig vertsnavn"),
]


@pytest.mark.parametrize(("given", "origin", "path"), ACCEPTED)
def test_usable_base_url_is_normalised(given: str, origin: str, path: str) -> None:
    address = SiteAddress.parse(given)
    assert (address.origin, address.path) == (origin, path)
    assert SiteAddress.parse(str(address)) == address, "the canonical form parses to itself"


@pytest.mark.parametrize(("given", "reason"), REFUSED)
def test_base_url_that_cannot_be_a_path_prefix_is_refused(given: str, reason: str) -> None:
    with pytest.raises(UsageError) as caught:
        SiteAddress.parse(given)
    message = str(caught.value)
    assert message.startswith("--base-url «") and reason in message, message
    assert "for eksempel /politiradet/" in message


@pytest.mark.parametrize("given", ["/a?x=1#f/", "/a/../b/", "/a\nb/", "ftp://h/"])
def test_cli_refuses_it_with_exit_2_and_builds_nothing(tmp_path: Path, given: str) -> None:
    result = run_cli("build", "--content", FIXTURES / "gyldig", "--out", tmp_path / "site",
                     "--base-url", given)
    assert (result.code, "Traceback" in result.err) == (2, False), result.err
    assert result.err.startswith("feil: --base-url «")
    assert not (tmp_path / "site").exists()


def test_an_encoded_prefix_is_the_same_in_links_sitemap_and_feeds(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_cli("build", "--content", FIXTURES / "gyldig", "--out", out,
                     "--base-url", " politi rådet//arkiv ")
    assert result.code == 0, result.err
    prefix = "/politi%20r%C3%A5det/arkiv/"
    page = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src|action)="(/[^"]*)"', page)
    assert links and all(link.startswith(prefix) for link in links), links
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert re.findall(r"<loc>([^<]*)</loc>", sitemap), "the sitemap lists the pages"
    checked = 0
    for path in [*out.rglob("*.xml"), *out.rglob("*.ics"), *out.rglob("*.json")]:
        text = path.read_text(encoding="utf-8").replace("\r\n ", "")  # unfold calendar lines
        addresses = re.findall(re.escape(DEFAULT_ORIGIN) + r"/[^\s\"<]*", text)
        assert all(found.startswith(DEFAULT_ORIGIN + prefix) for found in addresses), path
        checked += len(addresses)
    assert checked > 10
