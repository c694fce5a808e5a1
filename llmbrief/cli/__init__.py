"""The ``llmbrief`` command line: parse, call one library function, print, pick an exit code.

This package is the only place that knows typer, prints, or exits: the frame
(:mod:`~llmbrief.cli.app`: apps, shared options, errors to exit codes), runs
with progress and summaries (:mod:`~llmbrief.cli.run`), and the commands
(:mod:`~llmbrief.cli.commands`, :mod:`~llmbrief.cli.inspection`,
:mod:`~llmbrief.cli.batch`). Heavy libraries (openai, instructor, llama_cpp,
vcrpy) are imported inside the commands that need them, so ``llmbrief --help``
starts fast.
"""

from __future__ import annotations

from llmbrief.cli.app import app, fail, handles_errors
from llmbrief.cli.batch import batch_collect, batch_prepare, batch_run_local
from llmbrief.cli.commands import brief, check, eval_cmd, extract, render, review, verify
from llmbrief.cli.inspection import logs, prompts_list, prompts_show, schema

__all__ = [
    "app",
    "batch_collect",
    "batch_prepare",
    "batch_run_local",
    "brief",
    "check",
    "eval_cmd",
    "extract",
    "fail",
    "handles_errors",
    "logs",
    "main",
    "prompts_list",
    "prompts_show",
    "render",
    "review",
    "schema",
    "verify",
]


def main() -> None:
    """Run the command line (the console script enters by :func:`llmbrief.entry.main`)."""
    app()
