"""Every command's help is Norwegian, like its messages: argparse's English words are replaced
(«usage:», «options:», «show this help message and exit», «positional arguments»)."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

from politiradet.commands import cli

ENGLISH = ("usage:", "options:", "optional arguments", "positional arguments",
           "show this help message and exit", "error:")


def _sub_commands() -> list[str]:
    parser = cli._parser()
    [commands] = [action for action in parser._actions
                  if isinstance(action, argparse._SubParsersAction)]
    return sorted(commands.choices)


def _assert_norwegian(help_text: str, prog: str) -> None:
    assert help_text.startswith(f"bruk: {prog} [-h]"), help_text
    assert "\nvalg:\n" in help_text
    assert "  -h, --help" in help_text and "vis denne hjelpen og avslutt" in help_text
    for english in ENGLISH:
        assert english not in help_text, f"«{english}» i hjelpen til {prog}"


def test_every_sub_command_is_covered() -> None:
    assert {"build", "check", "import", "new", "serve"} <= set(_sub_commands())


@pytest.mark.parametrize("command", ["", *_sub_commands()])
def test_build_py_help_is_norwegian(command: str) -> None:
    result = run_cli(*([command] if command else []), "--help")
    assert result.code == 0, result.err
    _assert_norwegian(result.out, f"python build.py {command}".rstrip())
    assert result.err == ""


@pytest.mark.parametrize("module", ["politiradet.editor", "politiradet.commands.guide"])
def test_module_help_is_norwegian(module: str) -> None:
    done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    _assert_norwegian(done.stdout, f"python -m {module}")


def test_positional_arguments_are_argumenter() -> None:
    result = run_cli("new", "--help")
    assert "\nargumenter:\n  TYPE" in result.out


def test_a_usage_error_is_norwegian_with_exit_code_2() -> None:
    result = run_cli("serve", "--port", "abc")
    assert result.code == 2
    assert result.err == ("feil: argumentet --port: ugyldig heltall: 'abc'. "
                          "Se «python build.py serve --help».\n")
