"""The render inputs' hasher (:class:`politiradet.store.deps.Hasher`): a document's front
matter is hashed as its JSON text, which tells apart what the hasher tells apart."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from politiradet.model.content import Document
from politiradet.rendering.keys import UNSEEN
from politiradet.store.deps import Hasher


def document(fields: dict[str, Any]) -> Document:
    return Document(kind="referat", slug="x", path="referater/x.md", source="referater/x.md",
                    title="x", date=dt.date(2025, 5, 14), topics=(), areas=(), draft=False,
                    fields=fields, body="Tekst.", body_line=5)


def test_front_matter_is_hashed_as_json_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 10,000 documents the hasher's walk of every front matter was the largest part of
    the key every document page shares, on every build."""
    fields = {"tittel": "x", "kilde": {"tittel": "Referat", "form": "pdf"},
              "til_stede": ["A", "B"]}

    def walked(*_: Any) -> None:
        raise AssertionError("the front matter was walked value by value")

    monkeypatch.setattr(Hasher, "_mapping", walked)
    Hasher(UNSEEN).digest(document(fields))


@pytest.mark.parametrize("first, second", [
    ({"a": 1}, {"a": True}), ({"a": 1}, {"a": "1"}), ({"a": 1}, {"a": 1.0}),
    ({"a": None}, {"a": "null"}), ({"a": [1, 2]}, {"a": [2, 1]}), ({"a": 1, "b": 2},
                                                                  {"b": 2, "a": 1}),
    ({"a": {"b": "c"}}, {"a": '{"b":"c"}'}), ({"a": "æ"}, {"a": "\\u00e6"}),
    ({"a": dt.date(2025, 5, 14)}, {"a": "2025-05-14"}),
])
def test_front_matter_that_differs_hashes_differently(first: dict[str, Any],
                                                      second: dict[str, Any]) -> None:
    hasher = Hasher(UNSEEN)
    assert hasher.digest(document(first)) != hasher.digest(document(second))


def test_equal_front_matter_hashes_equally_whatever_else_is_unseen() -> None:
    fields = {"tittel": "x", "dato": "2025-05-14", "temaer": ["salto"], "nummer": 3}
    doc = document(fields)
    other = dataclasses.replace(doc, fields=dict(fields), body="Annen tekst.", body_line=9)
    assert Hasher(UNSEEN).digest(doc) == Hasher(UNSEEN).digest(other)
    assert Hasher(UNSEEN).digest(doc) != Hasher(UNSEEN).digest(
        dataclasses.replace(doc, fields={**fields, "nummer": 4}))
