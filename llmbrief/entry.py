"""The ``llmbrief`` console script: what a run waits for longest starts first, then the CLI.

A run of ``brief`` or ``extract`` waits longest for spaCy: ~0.5 s to import and
load in the parsing process (:mod:`llmbrief.parse_process`) before the first
article's analysis. So that process is started here, from the command line's
first word alone, before the command line itself (typer, ~35 ms to import) is
even loaded; ~0.1 s sooner than the first article not in the cache would start
it. When every article turns out to be cached, :class:`llmbrief.ahead.Ahead`
stops it unused (~13 ms of a cached run, measured).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import suppress

__all__ = ["ANALYSING", "main", "start_parsing_early"]

#: Commands that analyse articles: their parsing process starts with the process.
ANALYSING = ("brief", "extract")


def start_parsing_early(argv: Sequence[str]) -> None:
    """Start the parsing process if ``argv`` (without the program) runs an analysing
    command, not its help."""
    if not argv or argv[0] not in ANALYSING or {"--help", "-h"} & set(argv[1:]):
        return
    from llmbrief.errors import NotAvailableError
    from llmbrief.parse_process import parser

    with suppress(NotAvailableError):  # said by the command, if an article needs parsing
        parser().start()


def main() -> None:
    """Entry point of the ``llmbrief`` console script (and of ``python -m llmbrief``)."""
    start_parsing_early(sys.argv[1:])
    from llmbrief.cli import main as cli_main

    cli_main()
