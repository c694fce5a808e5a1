"""Running an extraction from the command line: progress while it runs, the
summary after it, Ctrl-C and SIGTERM, and the exit code a run ends with.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import typer

from llmbrief.cli.app import err
from llmbrief.errors import (
    ConfigError,
    InputError,
    LLMBriefError,
)
from llmbrief.exitcodes import ExitCode


def _install_sigterm() -> Any:
    """SIGTERM stops a run like Ctrl-C does: finished work is written first.

    Returns the previous handler (None when not in the main thread, where
    handlers cannot be set).
    """

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding program): leave it be
        return None


class RunProgress:
    """What a user sees while articles are extracted.

    On a terminal: a bar with articles done, questions answered and time left
    (rich, which typer brings). Piped: one plain line per finished article when
    there are several. Callbacks may come from worker threads.
    """

    def __init__(self, total: int, terminal: bool) -> None:
        self.total = total
        self.questions = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._bar: Any = None
        if terminal and total > 0:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("Articles"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("· {task.fields[questions]} questions answered ·"),
                TimeRemainingColumn(compact=True),
                TextColumn("left · {task.fields[path]}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._bar.add_task("", total=total, questions=0, path="")
            self._bar.start()

    def answered(self, path: str) -> None:
        """One more question answered, for the article at ``path``."""
        with self._lock:
            self.questions += 1
            if self._bar is not None:
                self._bar.update(self._task, questions=self.questions, path=Path(path).name)

    def article(self, path: str, done: int, total: int) -> None:
        """An article finished (or failed): ``done`` of ``total``."""
        with self._lock:
            if self._bar is not None:
                self._bar.update(self._task, completed=done, total=total)
            elif total > 1:
                elapsed = time.monotonic() - self.started
                left = elapsed / done * (total - done)
                err(
                    f"[{done}/{total}] {path}; {self.questions} questions answered, "
                    f"{elapsed:.0f} s, about {left:.0f} s left"
                )

    def stop(self) -> None:
        """Remove the bar (the summary follows)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _count_articles(paths: list[Path]) -> int:
    """How many articles a run will read (inputs that fail count as none)."""
    from llmbrief.documents import find_articles

    total = 0
    for p in paths:
        with contextlib.suppress(LLMBriefError):
            total += len(find_articles([p]))
    return total


def run_extract(
    paths: list[Path],
    settings: Any,
    output: Path | None,
    replay: Path | None,
    record: Path | None,
    print_json: bool = False,
) -> Any:
    from llmbrief.pipeline import extract_paths

    if replay is not None and record is not None:
        raise ConfigError("--replay and --record cannot go together")
    previous = _install_sigterm()
    jsonl = output is not None and output.suffix == ".jsonl"
    shown = RunProgress(_count_articles(paths), terminal=sys.stderr.isatty())
    try:
        return extract_paths(
            paths,
            settings,
            output=output,
            jsonl=jsonl,
            replay=replay,
            record=record,
            progress=shown.article,
            on_answer=shown.answered,
        )
    except KeyboardInterrupt as stop:
        shown.stop()
        result = stop.args[0] if stop.args else None
        _interrupted(result, output, print_json)
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    finally:
        shown.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupted(result: Any, output: Path | None, print_json: bool) -> None:
    """Report an interrupted run: what was finished (and where), what was not done."""
    if result is None:
        err("Interrupted: run again to do the rest from the cache.")
        return
    if print_json:
        from llmbrief.documents import documents_to_json

        sys.stdout.write(documents_to_json(result.documents))
    print_summary(result, output)
    not_done = [r.path for r in result.results if r.document is None and r.exception is None]
    names = ", ".join(not_done[:5]) + (", …" if len(not_done) > 5 else "")
    n = len(result.documents)
    finished = f"the {n} finished {'is' if n == 1 else 'are'}"
    if output is not None:
        kept = f"{finished} in {output}"
    elif print_json:
        kept = f"{finished} on stdout"
    else:
        kept = "their answers so far are cached"
    err(
        f"Interrupted: {len(not_done)} of {len(result.results)} inputs not done ({names}); "
        f"{kept}; run again to do the rest from the cache."
    )


def print_summary(result: Any, output: Path | None) -> None:
    for r in result.results:
        if r.document is not None:
            n = len(r.document.records)
            ok = sum(1 for x in r.document.records if x.verification and x.verification.verified)
            err(f"  {r.path}: {n} records, {ok} verified")
        elif r.exception is None and result.interrupted:
            err(f"  {r.path}: not done (interrupted)")
        else:
            # the error usually names the file already: say it once
            reason = (r.error or "").removeprefix(f"{r.path}: ")
            err(f"  {r.path}: FAILED: {reason}")
    u = result.usage
    if u:
        err(
            f"Usage: {u['calls']} calls, {u['reasks']} re-asks, {u.get('cached', 0)} from cache, "
            f"{u['prompt_tokens']}+{u['completion_tokens']} tokens, {u['seconds']:.1f} s"
        )
    if output is not None and result.documents:
        err(f"Wrote {output}")


def exit_for_run(result: Any) -> None:
    if result.failed:
        if result.documents:
            failed, total = len(result.failed), len(result.results)
            err(f"{failed} of {total} inputs failed; the rest were written")
            raise typer.Exit(int(ExitCode.PARTIAL))
        first = result.failed[0]
        prefix = f"{first.path}: "  # name the file, once
        one = first.error if first.error.startswith(prefix) else prefix + first.error
        err(f"Error: {one}" if len(result.failed) == 1 else "Error: every input failed")
        raise typer.Exit(int(ExitCode.USAGE if _all_input_errors(result) else ExitCode.ERROR))


def _all_input_errors(result: Any) -> bool:
    """Every failure was an unusable input (exit 2), not the model or the endpoint (exit 1)."""
    return all(isinstance(r.exception, InputError) for r in result.failed)
