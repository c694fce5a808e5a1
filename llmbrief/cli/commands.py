"""The commands that read articles or records and write records, briefs and
review pages: extract, verify, render, brief, review, check, eval.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from llmbrief.cli.app import (
    BaseUrlOpt,
    ConcurrencyOpt,
    HtmlOpt,
    ModelOpt,
    ModelPathOpt,
    ModeOpt,
    NoCacheOpt,
    OutOpt,
    PromptOpt,
    ReasksOpt,
    RecordOpt,
    ReplayOpt,
    RetriesOpt,
    TimeoutOpt,
    app,
    err,
    handles_errors,
    settings_from,
)
from llmbrief.cli.run import exit_for_run, print_summary, run_extract
from llmbrief.errors import (
    InputError,
)
from llmbrief.exitcodes import ExitCode


@app.command()
@handles_errors
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .md).")],
    output: OutOpt = None,
    base_url: BaseUrlOpt = None,
    model: ModelOpt = None,
    mode: ModeOpt = None,
    model_path: ModelPathOpt = None,
    replay: ReplayOpt = None,
    record: RecordOpt = None,
    no_cache: NoCacheOpt = False,
    concurrency: ConcurrencyOpt = None,
    max_reasks: ReasksOpt = None,
    timeout: TimeoutOpt = None,
    max_retries: RetriesOpt = None,
    prompt: PromptOpt = None,
) -> None:
    """Extract verified records from articles into JSON (or JSONL when -o ends in .jsonl).

    Results are written as each article completes; an interrupted run keeps what
    is done, and a re-run answers finished questions from the cache.
    """
    settings = settings_from(
        base_url=base_url,
        model=model,
        mode=mode,
        model_path=model_path,
        no_cache=no_cache,
        concurrency=concurrency,
        max_reasks=max_reasks,
        timeout=timeout,
        max_retries=max_retries,
        prompt=prompt,
    )
    result = run_extract(paths, settings, output, replay, record, print_json=output is None)
    if output is None:
        from llmbrief.documents import documents_to_json

        sys.stdout.write(documents_to_json(result.documents))
    print_summary(result, output)
    exit_for_run(result)


@app.command()
@handles_errors
def verify(
    records: Annotated[Path, typer.Argument(help="Records file: JSON, a list, or JSONL.")],
    source: Annotated[
        Path | None, typer.Option("--source", help="Check against this file, not source.path.")
    ] = None,
    output: OutOpt = None,
) -> None:
    """Verify records against their sources; write them with verification filled in.

    Exit 0 when every record is verified, 3 when any is not, 2 for unusable input.
    """
    from llmbrief.documents import documents_to_json, load_documents, write_text_atomic
    from llmbrief.pipeline import verify_documents

    docs = load_documents(records)
    result = verify_documents(docs, source_override=source)
    text = documents_to_json(result.documents)
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)
    for path in result.missing_sources:
        err(f"{path}: source file not found; its records were not verified")
    err(f"{result.verified} of {result.records} records verified")
    if not result.all_verified:
        raise typer.Exit(int(ExitCode.VERIFICATION_FAILED))


@app.command()
@handles_errors
def render(
    records: Annotated[list[Path], typer.Argument(help="Records files (JSON or JSONL).")],
    output: OutOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="The brief's title.")] = None,
) -> None:
    """Write the Markdown brief from records, after verifying them against their sources.

    Records that fail verification, or whose source is missing, are left out and counted.
    """
    from llmbrief.pipeline import load_many, render_documents

    md, checked = render_documents(load_many(records), title=title)
    _write_brief(md, output)
    for path in checked.missing_sources:
        err(f"{path}: source file not found; its records were left out")
    err(f"{checked.verified} records shown, {checked.records - checked.verified} left out")


def _write_brief(md: str, output: Path | None) -> None:
    from llmbrief.documents import write_text_atomic

    if output is None:
        sys.stdout.write(md)
    else:
        write_text_atomic(output, md)
        err(f"Wrote {output}")


@app.command()
@handles_errors
def brief(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders (.txt, .md).")],
    output: OutOpt = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the records here.")
    ] = None,
    html_out: HtmlOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="The brief's title.")] = None,
    base_url: BaseUrlOpt = None,
    model: ModelOpt = None,
    mode: ModeOpt = None,
    model_path: ModelPathOpt = None,
    replay: ReplayOpt = None,
    record: RecordOpt = None,
    no_cache: NoCacheOpt = False,
    concurrency: ConcurrencyOpt = None,
    max_reasks: ReasksOpt = None,
    timeout: TimeoutOpt = None,
    max_retries: RetriesOpt = None,
    prompt: PromptOpt = None,
) -> None:
    """Extract, verify and render in one go: articles in, a cited brief out."""
    from llmbrief.pipeline import render_documents

    settings = settings_from(
        base_url=base_url,
        model=model,
        mode=mode,
        model_path=model_path,
        no_cache=no_cache,
        concurrency=concurrency,
        max_reasks=max_reasks,
        timeout=timeout,
        max_retries=max_retries,
        prompt=prompt,
    )
    result = run_extract(paths, settings, json_out, replay, record)
    md, _checked = render_documents(result.documents, title=title)
    print_summary(result, json_out)
    _write_brief(md, output)
    if html_out is not None:
        _write_review(result.documents, md, html_out, title)
    exit_for_run(result)


def _write_review(documents: Any, brief_md: str | None, output: Path | None, title: Any) -> None:
    from llmbrief.documents import read_article, write_text_atomic
    from llmbrief.review import load_articles, render_review

    articles = load_articles(documents, read_article)
    page = render_review(articles, brief=brief_md, title=title)
    for a in articles:
        if a.problem is not None:
            err(f"{a.document.source.path}: {a.problem}")
    if output is None:
        sys.stdout.write(page)
    else:
        write_text_atomic(output, page)
        err(f"Wrote {output}")


@app.command()
@handles_errors
def review(
    records: Annotated[list[Path], typer.Argument(help="Records files (JSON or JSONL).")],
    output: OutOpt = None,
    brief_path: Annotated[
        Path | None,
        typer.Option(
            "--brief", help="Link the facts of this brief (default: the brief the records give)."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="The page's title.")] = None,
) -> None:
    """Write a review page: one HTML file to check records and brief by eye.

    Each article's text with every evidence quote, figure and attribute
    highlighted by record kind (hover for the record, click to select it), the
    records that failed verification with their reasons, and each fact of the
    brief linked to the spans it cites. Self-contained: it loads nothing.
    An article whose source is missing or has changed is named, not highlighted.
    """
    from llmbrief.pipeline import load_many, render_documents

    documents = load_many(records)
    if brief_path is None:
        md, _checked = render_documents(documents, title=title)
    else:
        try:
            md = brief_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{brief_path}: no such file") from None
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"{brief_path}: cannot read ({e})") from None
    _write_review(documents, md, output, title)


@app.command()
@handles_errors
def check(
    brief_path: Annotated[Path, typer.Argument(metavar="BRIEF.md", help="A brief to check.")],
) -> None:
    """Check a brief (also one edited by hand) against the citation rule.

    Every number outside the exempt parts must be cited, and stand verbatim in a
    quote it cites; every quote must stand in its source at its range.
    One line per violation; exit 0 when clean, 3 otherwise.
    """
    from llmbrief.check import check_brief
    from llmbrief.documents import read_article

    try:
        text = brief_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{brief_path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{brief_path}: cannot read ({e})") from None

    def read_source(path: str) -> str:
        # Sources are named relative to where the brief was made; try the
        # current folder first, then the brief's own folder.
        p = Path(path)
        if not p.is_absolute() and not p.exists():
            beside = brief_path.parent / p
            if beside.exists():
                return read_article(beside)
        return read_article(p)

    violations = check_brief(text, read_source)
    for v in violations:
        typer.echo(f"{brief_path}:{v.line}: {v.message}")
    if violations:
        err(f"{len(violations)} violations")
        raise typer.Exit(int(ExitCode.VERIFICATION_FAILED))
    err(f"{brief_path}: every number is cited and every quote stands in its source")


@app.command(name="eval")
@handles_errors
def eval_cmd(
    records: Annotated[list[Path], typer.Argument(help="Records files to score.")],
    gold: Annotated[Path, typer.Option("--gold", help="Gold file.")] = Path("gold/seeds.json"),
    vague: Annotated[
        bool, typer.Option("--vague/--no-vague", help="Score vague figures ('thousands').")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score verified records against a hand-written gold set (precision, recall, F1)."""
    from llmbrief.evaltext import format_report
    from llmbrief.evaluate import evaluate
    from llmbrief.pipeline import load_many
    from llmbrief.seedgold import load_gold

    report = evaluate(load_many(records), load_gold(gold), include_vague=vague)
    typer.echo(report.model_dump_json(indent=2) if as_json else format_report(report), nl=False)
