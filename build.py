#!/usr/bin/env python3
"""Entry point: ``python build.py check|build|serve|new`` (see ``politiradet.commands.cli``)."""

import signal
import sys


def _interrupt(_signum: int, _frame: object) -> None:
    """Ctrl-C: stop the command; a second Ctrl-C must not cut the cleanup short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _run() -> int:
    try:
        from politiradet.commands.cli import main

        return main()
    except KeyboardInterrupt:  # Ctrl-C while the tool was still importing
        from politiradet.commands.cli import (
            interrupted,  # Ctrl-C is ignored now: the import completes
        )

        return interrupted()


if __name__ == "__main__":
    # First thing, before the slow imports, so Ctrl-C at any moment ends with a message.
    signal.signal(signal.SIGINT, _interrupt)
    code = _run()
    from politiradet.common.heap import leave

    leave()  # the shutdown need not walk what the command left: the process ends here
    sys.exit(code)
