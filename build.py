#!/usr/bin/env python3
"""Entry point: ``python build.py check|build|serve|new`` (see ``politiradet.cli``)."""

import sys

from politiradet.cli import main

if __name__ == "__main__":
    sys.exit(main())
