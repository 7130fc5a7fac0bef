"""Run a reader in a child process with a time and memory limit, killed when its time is up.

The readers' libraries (mammoth, pdfminer, ocrmypdf) can work for minutes on a hostile file
that passed every check of its size. The child runs ``python -m politiradet.importer.isolate``
in a process group of its own, takes the reader's name as its argument and the file's bytes on its
standard input, and writes the result (pickled) on its standard output. When the time is up, or
the import is interrupted, the whole group is killed: the reader and anything it started. A
reader whose time depends on what it finds (a PDF's pages) sets that shorter limit itself, in the
child, with :func:`deadline`.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import pickle
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..common import norsk
from .errors import ImportRefused, TooComplex
from .limits import MEMORY_BYTES

READERS = {
    "docx": ("politiradet.importer.read_docx", "read_docx"),
    "pdf": ("politiradet.importer.read_pdf", "read_text_layer"),
    "text": ("politiradet.importer.read_text", "read_bytes"),
}
"""The functions a child may run, by name: module and function."""
ADVICE = {
    "docx": "Lagre den på nytt fra Word som .docx, eller del den opp.",
    "pdf": "Lag PDF-en på nytt fra Word (Lagre som PDF), eller bruk Word-filen.",
    "text": "Del teksten opp i mindre filer.",
}
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


def too_complex(reader: str, what: str) -> ImportRefused:
    """The refusal of a file that is too large or too complex to read, and what to do."""
    return ImportRefused(f"filen er for stor eller for kompleks til å leses ({what}). "
                         f"{ADVICE[reader]}")


def run_reader(reader: str, data: bytes, seconds: float) -> Any:
    """``reader(data)`` in a child process; its result, or :class:`ImportRefused` when the
    reader refused the file, ran out of time or memory, or failed."""
    command = [sys.executable, "-m", "politiradet.importer.isolate", reader]
    try:
        status, value = pickle.loads(run_program(command, data, seconds))
    except TimeoutError:
        raise too_complex(reader, _took_longer(seconds)) from None
    except ChildFailed as exc:
        raise ImportRefused(f"filen kunne ikke leses: leseren stoppet uventet ({exc}). "
                            f"{ADVICE[reader]}") from None
    if status == "ok":
        return value
    if status == "refused":
        raise ImportRefused(value)
    if status == "too-complex":
        raise too_complex(reader, value)
    raise ImportRefused(f"filen kunne ikke leses; dette er en feil i importen. Meld den til "
                        f"utviklerne sammen med filen:\n{value}")


def _took_longer(seconds: float) -> str:
    return f"lesingen tok mer enn {norsk.count(math.ceil(seconds), 'sekund', 'sekunder')}"


class OutOfTime(BaseException):
    """The reader's own time limit (:func:`deadline`) is up. Not an :class:`Exception`, so no
    library's ``except Exception`` around the code it interrupts can swallow it."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`OutOfTime` when *seconds* of wall-clock time have passed inside the block
    (in the main thread, between two steps of Python code), then put back the alarm that was
    set before. The parent's limit still stops a reader stuck where Python cannot."""
    def expire(_signal: int, _frame: object) -> None:
        raise OutOfTime(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    earlier, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if earlier:
            signal.setitimer(signal.ITIMER_REAL, earlier)


class ChildFailed(Exception):
    """The child process ended without an answer; the message says how."""


def run_program(command: Sequence[str], stdin: bytes, seconds: float) -> bytes:
    """Run *command* in a new process group with *stdin*; its standard output. Raises
    :class:`TimeoutError` after *seconds* and :class:`ChildFailed` when it fails; the group
    is killed either way, and when this process is interrupted."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH"))))}
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True, env=env)
    try:
        out, err = process.communicate(stdin, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise TimeoutError(seconds) from None
    finally:
        _kill_group(process)
    if process.returncode != 0:
        raise ChildFailed(_how(process.returncode, err))
    return out


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the child's process group (it is its leader), then wait for the child."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.returncode is None:
        process.kill()
        process.communicate()


def _how(code: int, err: bytes) -> str:
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"avslutningskode {code}"


def _child(reader: str) -> None:
    """In the child: run the reader on the bytes from standard input, answer on standard
    output."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    with contextlib.suppress(ValueError, OSError):  # a system without the limit reads anyway
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, hard))
    data = sys.stdin.buffer.read()
    module, name = READERS[reader]
    answer: tuple[str, Any]
    try:
        answer = ("ok", getattr(importlib.import_module(module), name)(data))
    except ImportRefused as exc:
        answer = ("refused", str(exc))
    except TooComplex as exc:
        answer = ("too-complex", str(exc))
    except OutOfTime as exc:
        answer = ("too-complex", _took_longer(exc.args[0]))
    except MemoryError:
        answer = ("too-complex", f"lesingen brukte mer enn {MEMORY_BYTES // 1024**2} MB minne")
    except RecursionError:
        answer = ("too-complex", "for dypt nøstet innhold")
    except Exception:  # a bug in a reader: the parent reports it with the traceback
        answer = ("error", traceback.format_exc(limit=-8))
    sys.stdout.buffer.write(pickle.dumps(answer))


if __name__ == "__main__":  # the child; its exceptions are those of the package's modules
    from politiradet.importer.isolate import _child as child

    child(sys.argv[1])
