"""Every column of every table of the build store, given a value of the wrong type (and NULL
where the layout allows it): the next build still publishes the edited site, mends the store
without a word, and the site equals a cold build.

``test_store.py`` names the damage a person would think of; this file derives it from the
store's own layout, so a table or column added later is damaged here without anyone listing it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from test_incremental import site
from test_store import NOTICE, cold_site, own_cache, sql, stored  # noqa: F401 (fixtures)

from politiradet.pipeline import Paths, build
from politiradet.store import database

WRONG = {"INTEGER": "'x'", "TEXT": "7", "BLOB": "7", "": "X'00ff'"}
"""A value of another type than the column's (SQLite stores whatever it is given)."""


def _columns() -> list[tuple[str, str, str]]:
    """(table, column, the damaging value) for every column of :data:`database.TABLES`, plus
    NULL for the columns that allow it."""
    found = []
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        db.executescript(database.SCHEMA)
        for table in database.TABLES:
            for _, column, kind, notnull, _, _ in db.execute(f"PRAGMA table_info({table})"):
                found.append((table, column, WRONG[kind.upper()]))
                if not notnull:
                    found.append((table, column, "NULL"))
    return found


def test_every_table_is_damaged_here() -> None:
    assert {table for table, _, _ in _columns()} == set(database.TABLES)


@pytest.mark.parametrize(("table", "column", "value"), _columns(),
                         ids=[f"{t}.{c}={v}" for t, c, v in _columns()])
def test_a_column_of_the_wrong_type_never_stops_a_build(
        stored: tuple[Path, Path], table: str, column: str, value: str,  # noqa: F811
        capsys: pytest.CaptureFixture[str], cold_site: dict[str, bytes]) -> None:  # noqa: F811
    content, out = stored
    changed = sql(content, f"UPDATE OR IGNORE {table} SET {column} = {value}",
                  "SELECT changes()")[1][0][0]
    assert changed >= 1, f"{table} is empty after a build: this damage would test nothing"
    build(Paths(content=content, out=out))
    assert b"Endret." in site(out)["referater/2016-01-12/index.html"]
    build(Paths(content=content, out=out))  # the store made again is used
    assert NOTICE not in capsys.readouterr().err, "damage is repaired without a word"
    document = content / "referater" / "2016-01-12.md"
    document.write_text(document.read_text(encoding="utf-8").replace("\nEndret.\n", ""),
                        encoding="utf-8")
    build(Paths(content=content, out=out))
    assert site(out) == cold_site
    assert build(Paths(content=content, out=out)).cached
