"""The link stage's problems: topics, areas, points and links that lead nowhere.

Data-driven, as the compile fixtures are: each folder in ``tests/fixtures/problems/link/`` is a
broken copy of the ``gyldig`` site (only its changed files) and ``forventet.txt`` the exact
problems ``check`` reports. ``POLITIRADET_REGENERATE=1`` rewrites the expectations.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_overlay, problem_cases


@pytest.mark.parametrize("case", problem_cases("link"))
def test_problems_are_reported_exactly(case: str, tmp_path: Path) -> None:
    check_overlay("link", case, tmp_path)
