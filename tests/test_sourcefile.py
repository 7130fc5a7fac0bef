"""sourcefile: a source file is read whole, exactly its bytes, and never past its limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from politiradet.stages import sourcefile


@pytest.mark.parametrize(("actual", "stated", "limit", "expected"), [
    (0, 0, 100, 0), (12, 12, 100, 12), (100, 100, 100, 100), (101, 101, 100, 101),
    (80, 10, 100, 80),  # grew after fstat: the rest is read too
    (300_000, 10, 1_000_000, 300_000),  # grew by more than one block
    (150, 10, 100, 101),  # grew past the limit: one byte more than the limit says so
    (5, 50, 100, 5),  # shrank
])
def test_a_file_is_read_whole_up_to_one_byte_past_the_limit(
        tmp_path: Path, actual: int, stated: int, limit: int, expected: int) -> None:
    path = tmp_path / "fil.md"
    data = bytes(range(256)) * (actual // 256 + 1)
    path.write_bytes(data[:actual])
    descriptor = os.open(path, os.O_RDONLY)
    try:
        assert sourcefile._read_up_to(descriptor, stated, limit) == data[:expected]
    finally:
        os.close(descriptor)


def test_a_file_past_the_limit_is_refused_when_read(tmp_path: Path) -> None:
    (tmp_path / "stor.md").write_bytes(b"x" * (sourcefile.MAX_FILE_BYTES + 1))
    with pytest.raises(sourcefile.TooLarge):
        sourcefile.read(tmp_path, tmp_path / "stor.md")
    (tmp_path / "akkurat.md").write_bytes(b"x" * sourcefile.MAX_FILE_BYTES)
    assert len(sourcefile.read(tmp_path, tmp_path / "akkurat.md")) == sourcefile.MAX_FILE_BYTES
