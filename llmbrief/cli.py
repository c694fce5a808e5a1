"""The ``llmbrief`` command line: parse, call one library function, print, pick an exit code.

This is the only module that knows typer, prints, or exits. Heavy libraries
(openai, instructor, llama_cpp, vcrpy) are imported inside the commands that
need them, so ``llmbrief --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import functools
import json
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from llmbrief import __version__
from llmbrief.errors import (
    AuthError,
    CassetteError,
    ConfigError,
    InputError,
    LLMBriefError,
    NotAvailableError,
    PartialFailure,
    PromptError,
    VerificationFailed,
)
from llmbrief.exitcodes import ExitCode

app = typer.Typer(
    name="llmbrief",
    help="Turn news articles into verified, cited Markdown briefs.",
    epilog="Exit codes: 0 ok, 1 error, 2 usage or unusable input, 3 verification failed, "
    "4 partial (some inputs failed; the rest were written), 130 interrupted.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
prompts_app = typer.Typer(help="List and show the versioned prompts.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")

F = TypeVar("F", bound=Callable[..., Any])

#: Which exit code each kind of user-facing error maps to.
_EXIT_FOR: list[tuple[type[LLMBriefError], ExitCode]] = [
    (InputError, ExitCode.USAGE),
    (PromptError, ExitCode.USAGE),
    (CassetteError, ExitCode.USAGE),
    (ConfigError, ExitCode.USAGE),
    (AuthError, ExitCode.ERROR),
    (NotAvailableError, ExitCode.ERROR),
    (VerificationFailed, ExitCode.VERIFICATION_FAILED),
    (PartialFailure, ExitCode.PARTIAL),
]


def err(message: str) -> None:
    """Print one line on stderr."""
    typer.echo(message, err=True)


def fail(error: LLMBriefError) -> NoReturn:
    """Print ``Error: …`` and exit with the code for that kind of error."""
    code = next((c for t, c in _EXIT_FOR if isinstance(error, t)), ExitCode.ERROR)
    # one line, even when a message quotes a multi-line library error
    message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    err(f"Error: {message}")
    raise typer.Exit(int(code))


def handles_errors(func: F) -> F:
    """Map the library's errors to one line and an exit code; let bugs show a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LLMBriefError as e:
            fail(e)
        except sqlite3.DatabaseError as e:  # the cache file was damaged or is locked
            fail(ConfigError(f"{_db_path()}: cannot use the cache database ({e}); {_DB_FIX}"))

    return wrapper  # type: ignore[return-value]


_DB_FIX = "if it is damaged, move it away (answers are then asked again)"


def _db_path() -> str:
    from llmbrief.config import resolve_settings

    try:
        return resolve_settings().db_path
    except LLMBriefError:
        return "the cache database"


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"llmbrief {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Turn news articles into verified, cited Markdown briefs.

    Every number in a brief stands, as written, in the source sentence that the
    brief cites for it: an LLM proposes records, deterministic code verifies them.
    """


# --- shared options -----------------------------------------------------------

OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI-compatible endpoint [env: OPENAI_BASE_URL]."),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name [env: LLMBRIEF_MODEL].")]
ModeOpt = Annotated[
    str | None,
    typer.Option(
        "--mode",
        help="Structured-output mode: auto, tools, json_schema, llamacpp, json, md_json "
        "[env: LLMBRIEF_MODE].",
    ),
]
ModelPathOpt = Annotated[
    Path | None,
    typer.Option("--model-path", help="Run another GGUF in the embedded backend."),
]
ReplayOpt = Annotated[
    Path | None,
    typer.Option("--replay", help="Answer from a recorded cassette: no network, no model."),
]
RecordOpt = Annotated[
    Path | None, typer.Option("--record", help="Record the run's LLM traffic to a cassette.")
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Ask the model even when cached.")]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        "-j",
        min=1,
        help="Questions asked at a time, across articles (remote backends).",
    ),
]
ReasksOpt = Annotated[
    int | None,
    typer.Option("--max-reasks", min=0, help="Re-asks after a failed verification (default 2)."),
]
TimeoutOpt = Annotated[
    float | None, typer.Option("--timeout", help="Seconds to wait for one LLM answer.")
]
PromptOpt = Annotated[
    str | None,
    typer.Option("--prompt", help="Extraction prompt, name@version (default: latest extract)."),
]
RetriesOpt = Annotated[
    int | None, typer.Option("--max-retries", min=0, help="Transport retries (default 4).")
]
HtmlOpt = Annotated[
    Path | None,
    typer.Option("--html", help="Also write the review page (HTML) here; see `review`."),
]


def _settings(**flags: Any) -> Any:
    from llmbrief.config import resolve_settings

    if flags.get("model_path") is not None:
        flags["model_path"] = str(flags["model_path"])
    return resolve_settings(flags)


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


class _Progress:
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


def _run_extract(
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
    shown = _Progress(_count_articles(paths), terminal=sys.stderr.isatty())
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
    _summary(result, output)
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


def _summary(result: Any, output: Path | None) -> None:
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


def _exit_for_run(result: Any) -> None:
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


# --- commands -----------------------------------------------------------------


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
    settings = _settings(
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
    result = _run_extract(paths, settings, output, replay, record, print_json=output is None)
    if output is None:
        from llmbrief.documents import documents_to_json

        sys.stdout.write(documents_to_json(result.documents))
    _summary(result, output)
    _exit_for_run(result)


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

    settings = _settings(
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
    result = _run_extract(paths, settings, json_out, replay, record)
    md, _checked = render_documents(result.documents, title=title)
    _summary(result, json_out)
    _write_brief(md, output)
    if html_out is not None:
        _write_review(result.documents, md, html_out, title)
    _exit_for_run(result)


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
    from llmbrief.evaluate import evaluate, format_report
    from llmbrief.pipeline import load_many
    from llmbrief.seedgold import load_gold

    report = evaluate(load_many(records), load_gold(gold), include_vague=vague)
    typer.echo(report.model_dump_json(indent=2) if as_json else format_report(report), nl=False)


@prompts_app.command("list")
@handles_errors
def prompts_list() -> None:
    """List every prompt version: name, version, short sha256, description."""
    from llmbrief.prompts import all_prompts

    for p in all_prompts():
        typer.echo(f"{p.name}\t{p.version}\t{p.sha256[:12]}\t{p.description}")


@prompts_app.command("show")
@handles_errors
def prompts_show(
    ref: Annotated[str, typer.Argument(help="name@version, or name for the latest.")],
) -> None:
    """Print one prompt version: its front matter and template."""
    from llmbrief.prompts import get_prompt

    p = get_prompt(ref)
    typer.echo(f"# {p.ref}  sha256 {p.sha256}")
    typer.echo(f"# {p.description}")
    typer.echo(f"# schema: {p.schema}  sampling: {json.dumps(p.sampling)}")
    typer.echo(p.body, nl=False)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a records document."""
    from llmbrief.models import document_json_schema

    typer.echo(json.dumps(document_json_schema(), indent=2))


@app.command()
@handles_errors
def logs(
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many calls.")] = 20,
    full: Annotated[bool, typer.Option("--full", help="Show request and response bodies.")] = False,
) -> None:
    """Show the latest LLM calls from the call log: time, prompt, status, tokens, latency."""
    from datetime import datetime

    from llmbrief.config import resolve_settings
    from llmbrief.store import Store

    store = Store(resolve_settings().db_path)
    for c in store.latest_calls(count):
        at = datetime.fromtimestamp(c.at).isoformat(timespec="seconds")
        tokens = f"{c.prompt_tokens or 0}+{c.completion_tokens or 0} tok"
        typer.echo(
            f"{c.id}\t{at}\t{c.status}\t{c.prompt}\tattempt {c.attempt}\t{tokens}\t"
            f"{(c.latency or 0):.2f}s\t{c.article}"
        )
        if c.error:
            typer.echo(f"\terror: {c.error}")
        if full:
            typer.echo(f"\trequest: {c.request}")
            typer.echo(f"\tresponse: {c.response}")


# --- batch files (OpenAI Batch API, vllm run-batch) ---------------------------------

batch_app = typer.Typer(
    help="Batch files: the questions out to a batch engine, its answers into the cache.",
    no_args_is_help=True,
)
app.add_typer(batch_app, name="batch")


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

    settings = _settings(
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

    settings = _settings(model_path=model_path)
    answer = embedded_answerer(settings)
    result = run(requests, output, answer, progress=_count_on_terminal("lines"))
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    err(f"{result.answered} requests answered, {result.errors} lines not requests; wrote {output}")


def main() -> None:
    """Entry point of the ``llmbrief`` console script."""
    app()


if __name__ == "__main__":
    main()
