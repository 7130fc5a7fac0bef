"""The benchmark's corpus generator writes as many documents as it is asked for."""

from __future__ import annotations

import random
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import generate


def test_every_planned_document_has_a_file_of_its_own() -> None:
    """A møte and a seminar on one date are two referater, and two files: the second must not
    overwrite the first (dozens were lost at 10,000, so the figures were for fewer)."""
    specs = generate.plan(10_000, random.Random(7 * 1_000_003 + 10_000))
    paths = [spec.path for spec in specs]
    assert len(paths) == 10_000
    assert len(set(paths)) == len(paths)
    assert len({(s.date, s.meeting) for s in specs if s.folder == "referater"}) == \
        sum(s.folder == "referater" for s in specs)
