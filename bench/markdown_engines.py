"""Markdown engines on the same corpus: seconds per engine and where their records differ.

    python bench/markdown_engines.py --n 800              # a generated archive of 800
    python bench/markdown_engines.py --content content    # a content folder

For every body: markdown-it-py's parse (our dialect, ``engine="py"``), the fast path
(:mod:`politiradet.stages.markdown_rs`: markdown-it-pyrs plus our rules, falling back to
markdown-it-py), markdown-it-pyrs' own tree and HTML, and the whole compile with either
engine. Then the differential check: the compiled record (its encoded row, byte for byte)
with the fast path against markdown-it-py's, and which bodies fell back and why. Prints a
table; exits 1 when any record differs.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from politiradet.model.content import Document  # noqa: E402
from politiradet.pipeline import Paths  # noqa: E402
from politiradet.stages import compile as compile_stage  # noqa: E402
from politiradet.stages import markdown, markdown_rs  # noqa: E402
from politiradet.stages.load import load_content, load_schemas  # noqa: E402
from politiradet.stages.mentions import Names, registry_names  # noqa: E402
from politiradet.stages.validate import Schemas, validate  # noqa: E402


def corpus(root: Path) -> tuple[list[Document], dict[str, str], Names]:
    """Every document below *root* (drafts and invalid ones too), its registries' names."""
    raw, _problems = load_content(root)
    validated, _found = validate(raw, Schemas(load_schemas(Paths().schema)))
    content = validated.content
    return ([*content.documents, *validated.unvalidated],
            {a.short: a.meaning for a in content.abbreviations}, registry_names(content))


@contextlib.contextmanager
def engine(name: str) -> Iterator[None]:
    """Compile with markdown-it-py alone ("py") or with the fast path ("fast")."""
    original = markdown_rs.parse
    if name == "py":
        markdown_rs.parse = lambda *_args: None
    try:
        yield
    finally:
        markdown_rs.parse = original


def differences(docs: Sequence[Document], abbreviations: dict[str, str], names: Names
                ) -> list[tuple[str, str]]:
    """(path, what differs) for every body whose record differs between the engines."""
    found = []
    for doc in docs:
        with engine("py"):
            slow = compile_stage._compiled(doc, abbreviations, names)[1]
        fast = compile_stage._compiled(doc, abbreviations, names)[1]
        if slow != fast:
            part = "meta" if slow.meta != fast.meta else "body"
            found.append((doc.path, part))
    return found


def fallback_reason(body: str) -> str | None:
    """Why the fast path leaves *body* to markdown-it-py (None: it takes it)."""
    trace: list[str] = []
    original = markdown_rs.Fallback.__init__

    def note(self: Exception, *args: object) -> None:
        frame = sys._getframe(1)
        trace.append(f"{frame.f_code.co_name}:{frame.f_lineno}")
        original(self, *args)

    markdown_rs.Fallback.__init__ = note  # type: ignore[method-assign]
    try:
        taken = markdown_rs.parse(body, markdown._container_name) is not None
    finally:
        markdown_rs.Fallback.__init__ = original  # type: ignore[method-assign]
    return None if taken else (trace[0] if trace else "?")


def timed(work: Callable[[], object], repeats: int = 3) -> float:
    """CPU seconds of *work*, the least of *repeats* runs (the machine is shared)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def each(function: Callable[[_T], object], items: Sequence[_T]) -> Callable[[], None]:
    """Work that calls *function* on every item and keeps nothing (as compile does: a
    body's tokens are dropped once it is compiled; keeping them all skews the timing)."""
    def work() -> None:
        for item in items:
            function(item)
    return work


def stage(root: Path) -> None:
    """The compile stage of a cold build without the store, engines in turn: wall seconds and
    CPU seconds of this process and its workers, least of three."""
    raw, _problems = load_content(root)
    validated, _found = validate(raw, Schemas(load_schemas(Paths().schema)))
    best: dict[str, tuple[float, float]] = {}
    for _ in range(3):
        for name in ("py", "fast"):
            with engine(name):
                before, start = os.times(), time.perf_counter()
                compile_stage.compile_bodies(validated)
                wall, after = time.perf_counter() - start, os.times()
            cpu = sum(after[:4]) - sum(before[:4])
            old = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(old[0], wall), min(old[1], cpu))
    print("kompileringsstadiet (arbeidsprosesser, uten lager), minste av 3:")
    for name, (wall, cpu) in best.items():
        print(f"  engine {name:5} {wall:7.2f} s veggklokke, {cpu:7.2f} s CPU")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=800)
    parser.add_argument("--content", type=Path, help="a content folder instead of --n")
    parser.add_argument("--no-diff", action="store_true", help="only the timings")
    parser.add_argument("--stage", action="store_true",
                        help="also the whole compile stage as a build runs it (worker "
                             "processes, no store), each engine three times in turn")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        if args.content is None:
            import generate
            generate.generate(args.n, Path(folder))
            root = Path(folder)
        else:
            root = args.content
        docs, abbreviations, names = corpus(root)
        if args.stage:
            stage(root)
    bodies = [doc.body for doc in docs]
    print(f"{len(bodies)} dokumenter, {sum(map(len, bodies)) / 1e6:.1f} M tegn")

    import markdown_it_pyrs
    rs = markdown_it_pyrs.MarkdownIt("zero").enable_many(markdown_rs._RULES)  # type: ignore[arg-type]
    rows = [
        ("markdown-it-py parse (our dialect)",
         each(lambda b: markdown.parse(b, abbreviations, engine="py"), bodies)),
        ("fast path parse (the same tokens)",
         each(lambda b: markdown.parse(b, abbreviations), bodies)),
        ("  of which markdown-it-pyrs tree()", each(rs.tree, bodies)),
        ("markdown-it-pyrs render() alone", each(rs.render, bodies)),
    ]
    print("CPU-sekunder (minste av 3):")
    for label, work in rows:
        print(f"  {label:40} {timed(work):7.2f} s")
    for name in ("py", "fast"):
        with engine(name):
            seconds = timed(each(lambda d: compile_stage.compile_document(
                d, abbreviations, names), docs))
        print(f"  {'compile_document, engine ' + name:40} {seconds:7.2f} s")

    reasons = collections.Counter(fallback_reason(body) or "tatt" for body in bodies)
    print("hurtigsporet:", ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    if args.no_diff:
        return 0
    found = differences(docs, abbreviations, names)
    by_part = collections.Counter(part for _path, part in found)
    print(f"ulike poster: {len(found)} av {len(docs)}", dict(by_part))
    for path, part in found[:20]:
        print(f"  {path}: {part}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
