"""The ``batch`` commands: the questions out to a batch engine (OpenAI Batch API,
vllm run-batch, or the local runner), its answers into the cache.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from llmbrief.cli.app import (
    BaseUrlOpt,
    ModelOpt,
    ModelPathOpt,
    ModeOpt,
    PromptOpt,
    ReasksOpt,
    batch_app,
    err,
    handles_errors,
    settings_from,
)
from llmbrief.errors import (
    InputError,
)
from llmbrief.exitcodes import ExitCode


def _count_on_terminal(what: str) -> Callable[..., None]:
    def show(*args: Any) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{args[-1]} {what}")
            sys.stderr.flush()

    return show


@batch_app.command("prepare")
@handles_errors
def batch_prepare(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .md).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The request file to write (JSONL).")
    ],
    base_url: BaseUrlOpt = None,
    model: ModelOpt = None,
    mode: ModeOpt = None,
    model_path: ModelPathOpt = None,
    max_reasks: ReasksOpt = None,
    prompt: PromptOpt = None,
) -> None:
    """Write one OpenAI batch request per question the cache cannot answer.

    Give the settings you will extract with (--base-url, --model, --mode): they
    shape each request and its cache key. Nothing is sent anywhere.
    """
    from llmbrief.batch import prepare

    settings = settings_from(
        base_url=base_url,
        model=model,
        mode=mode,
        model_path=model_path,
        max_reasks=max_reasks,
        prompt=prompt,
    )
    result = prepare(paths, settings, output, progress=_count_on_terminal("articles"))
    if sys.stderr.isatty() and result.articles:
        sys.stderr.write("\n")
    for _path, reason in result.failed:
        err(f"  FAILED: {reason}")
    err(
        f"{result.articles} articles, {result.questions} questions: {result.cached} answered "
        f"from the cache, {result.written} requests written to {output}"
    )
    if result.failed:
        if not result.articles:
            raise InputError("no article could be read")
        raise typer.Exit(int(ExitCode.PARTIAL))


@batch_app.command("collect")
@handles_errors
def batch_collect(
    results: Annotated[Path, typer.Argument(help="The engine's output file (OpenAI format).")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where re-asks go (default: RESULTS with .reasks.jsonl)."
        ),
    ] = None,
) -> None:
    """Store a batch output file's answers in the cache, as if asked live.

    Each answer is validated and verified as a live one; one that fails becomes
    a request of the next round (as many rounds as --max-reasks at prepare). A
    line that cannot be used is reported and counted (exit 4); collecting the
    same file twice changes nothing.
    """
    from llmbrief.batch_collect import collect
    from llmbrief.config import resolve_settings

    nxt = output or results.with_name(results.name.removesuffix(".jsonl") + ".reasks.jsonl")
    shown = 0

    def failed(f: Any) -> None:
        nonlocal shown
        shown += 1
        if shown <= 50:
            err(f"{results}:{f.line}: {f.custom_id or '-'}: {f.reason}")

    r = collect(results, resolve_settings().db_path, nxt, on_failure=failed)
    err(
        f"{r.lines} lines: {r.stored} answers stored, {r.unchanged} already in the cache, "
        f"{r.reasked} re-asked, {r.failures} failed"
    )
    for kind, n in sorted(r.by_reason.items()):
        err(f"  {n} {kind}")
    if r.next_round is not None:
        err(f"Wrote {r.next_round}: run it like the first file, then collect its results")
    if r.failures:
        if not r.kept:
            raise InputError(f"{results}: no line could be used")
        raise typer.Exit(int(ExitCode.PARTIAL))


@batch_app.command("run-local")
@handles_errors
def batch_run_local(
    requests: Annotated[Path, typer.Argument(help="A request file from batch prepare.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The output file to write (OpenAI format).")
    ],
    model_path: ModelPathOpt = None,
) -> None:
    """The local batch runner: answer a request file with the embedded model, offline.

    Writes the output format of the OpenAI Batch API and vllm run-batch, line by
    line. For trying the batch route and for small batches.
    """
    from llmbrief.batch_runner import embedded_answerer, run

    settings = settings_from(model_path=model_path)
    answer = embedded_answerer(settings)
    result = run(requests, output, answer, progress=_count_on_terminal("lines"))
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    err(f"{result.answered} requests answered, {result.errors} lines not requests; wrote {output}")
