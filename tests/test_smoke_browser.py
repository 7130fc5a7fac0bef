"""The shared browser fixtures work: a built fixture site opens under a sub-path."""

from pathlib import Path

from conftest import run_cli, serve_folder


def test_built_page_opens_in_chromium_under_sub_path(valid_content: Path, tmp_path: Path,
                                                     page) -> None:
    out = tmp_path / "site"
    assert run_cli("build", "--content", valid_content, "--out", out,
                   "--base-url", "/sub/path/").code == 0
    with serve_folder(out, "/sub/path/") as served:
        page.goto(served.base + "referater/2025-05-14/")
        assert page.title().startswith("Referat fra møte 14. mai 2025")
        page.click("text=punkt 1")
        assert page.url == served.base + "oppfolgingspunkter/2025-1/"
    assert page.errors == []
