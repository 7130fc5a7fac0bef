"""From the web editor to the live site on the git host, as far as this machine allows.

The path (docs/publisering.md, docs/redaktorveiledning.md): ``python -m politiradet.editor
--repo EIER/NAVN`` writes the editor for the git host; a document saved there becomes a branch
and a pull request (Decap's editorial workflow); CI runs ``check --format github`` on it
(.github/workflows/arkiv.yml); a merge into main builds and publishes. Without the git host,
the tests check each link in that chain on real files: the editor folder as written, opened in
Chromium; the workflow's own commands; and what the secretary sees on the pull request when the
check fails (an annotation on the line, naming the fix).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, open_page, run_cli, serve_folder

WORKFLOW = ROOT / ".github" / "workflows" / "arkiv.yml"


def _write_editor(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "admin"
    proc = subprocess.run([sys.executable, "-m", "politiradet.editor", "--repo",
                           "oslokommune/politiradet-arkiv", "--ut", str(out), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"Webredigeringen er skrevet til {out}/."
    return out


def test_the_editor_for_the_git_host_saves_through_pull_requests(tmp_path: Path) -> None:
    out = _write_editor(tmp_path, "--nettsted", "https://www.oslo.kommune.no/politiradet/")
    config = yaml.safe_load((out / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"] == {"name": "github", "repo": "oslokommune/politiradet-arkiv",
                                 "branch": "main", "squash_merges": True}
    assert config["publish_mode"] == "editorial_workflow" and "local_backend" not in config
    assert config["site_url"] == "https://www.oslo.kommune.no/politiradet/"
    for collection in config["collections"]:  # the pull request is the draft; merge publishes
        draft = next(field for field in collection["fields"] if field["name"] == "utkast")
        assert draft["default"] is False
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "politiradet-lagring" not in index  # «Publiser» means publish there
    assert sorted(p.name for p in out.iterdir()) == [
        "config.yml", "decap", "favicon.svg", "index.html", "norsk.js", "oppstart.js",
        "politiradet-cms.css", "politiradet-cms.js", "punkter.json"]


@pytest.mark.browser
def test_the_editor_for_the_git_host_opens_in_norwegian(tmp_path: Path, browser: Any) -> None:
    out = _write_editor(tmp_path)
    with open_page(browser, locale="en-US") as page, serve_folder(out, "/admin/") as served:
        problems = page.errors
        page.on("response", lambda response: problems.append(
            f"{response.status} {response.url}") if response.status >= 400 else None)
        page.goto(served.base)
        page.get_by_role("button", name="Logg inn med GitHub").wait_for(timeout=30_000)
        phrases = page.evaluate("CMS.getLocale('nb_no').editor.editorToolbar")
        text = page.inner_text("body")
    assert (phrases["publish"], phrases["save"], phrases["publishNow"]) == (
        "Publiser", "Lagre", "Publiser nå")
    assert not re.search(r"\b(Login|Log in|with)\b", text), text
    assert problems == [], problems


def _workflow_steps(job: str) -> dict[str, str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return {step.get("name", ""): step.get("run", "")
            for step in workflow["jobs"][job]["steps"]}


def test_ci_checks_each_pull_request_and_publishes_only_from_main() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key «on» as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert workflow["jobs"]["kontroll"]["if"] == "github.event_name == 'pull_request'"
    assert "refs/heads/main" in workflow["jobs"]["publiser"]["if"]
    assert _workflow_steps("kontroll")["Kontroller innholdet"] == (
        "python build.py check --format github")


def test_what_the_secretary_sees_on_a_pull_request_whose_check_fails(tmp_path: Path) -> None:
    """A second referat of one meeting, as Decap on the git host names it (-1), runs through
    the workflow's own command: the pull request fails and GitHub shows the message on the
    line of each file, with the fix."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    original = tmp_path / "content" / "referater" / "2025-05-14.md"
    duplicate = original.with_name("2025-05-14-1.md")
    duplicate.write_text(original.read_text(encoding="utf-8").replace(
        "tittel: Referat fra Politirådet i Oslo 14. mai 2025", "tittel: Referat 14. mai"),
        encoding="utf-8")
    command = _workflow_steps("kontroll")["Kontroller innholdet"].split()
    assert command[:2] == ["python", "build.py"]
    result = run_cli(*command[2:], cwd=tmp_path)
    assert result.code == 1
    annotations = [line for line in result.err.splitlines() if line.startswith("::error ")]
    fix = ("Ett møte har ett referat: flytt det som mangler inn i det ene og slett det andre, "
           "eller rett «dato» eller «motetype» i det som er feil.")
    assert annotations == [
        "::error file=content/referater/2025-05-14-1.md,line=3,col=7::content/referater/"
        f"2025-05-14.md er også et referat fra møte 2025-05-14. {fix}",
        "::error file=content/referater/2025-05-14.md,line=3,col=7::content/referater/"
        f"2025-05-14-1.md er også et referat fra møte 2025-05-14. {fix}"]
    duplicate.unlink()
    assert run_cli(*command[2:], cwd=tmp_path).code == 0  # fixed: the check turns green
