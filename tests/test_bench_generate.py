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


def test_a_hundred_thousand_are_referater_of_many_councils_dated_2000_to_2025() -> None:
    """One council cannot hold 92,000 meetings in 2000–2025 (one referat per meeting): above
    half of those days the referater are spread over the councils, each meeting once."""
    specs = generate.plan(100_000, random.Random(7 * 1_000_003 + 100_000))
    minutes = [s for s in specs if s.folder == "referater"]
    assert len({spec.path for spec in specs}) == 100_000
    assert min(s.date for s in minutes).year == 2000 and max(s.date for s in minutes).year == 2025
    assert {s.council for s in minutes} == set(generate.COUNCILS)
    assert len({(s.council, s.date, s.meeting) for s in minutes}) == len(minutes)
    assert "politirad.yaml" in generate.registries(councils=True)


def test_ten_thousand_stay_one_councils_archive() -> None:
    """At 10,000 the corpus is what it was before councils: no ``politirad``, no registry."""
    specs = generate.plan(10_000, random.Random(7 * 1_000_003 + 10_000))
    assert {s.council for s in specs} == {None}
    assert "politirad.yaml" not in generate.registries()
