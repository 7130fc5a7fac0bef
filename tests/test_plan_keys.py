"""The render plan's keys are the same in every process: a key that depends on the order of a
set (which varies with Python's string hash seed) makes its file again on every build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLAN_KEYS = """
import hashlib, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from politiradet import pipeline
from politiradet.stages.render import plan
paths = pipeline.Paths(content=Path(sys.argv[1]) / "content")
archive, problems = pipeline.check(paths, use_cache=False)
assert not problems, problems
planned = plan(archive, paths.templates, "/")
for output in sorted((*planned.outputs, *planned.feeds), key=lambda o: o.path):
    print(output.path, output.key)
"""


def _keys(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed, "POLITIRADET_JOBS": "1"}
    return subprocess.run([sys.executable, "-c", PLAN_KEYS, str(ROOT)], env=env, check=True,
                          capture_output=True, text=True).stdout


def test_plan_keys_do_not_depend_on_the_hash_seed() -> None:
    first = _keys("1")
    assert first
    for seed in ("2", "3"):
        assert _keys(seed) == first
