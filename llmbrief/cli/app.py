"""The ``llmbrief`` command line's frame: the typer apps, the options the commands
share, and how a library error becomes one line and an exit code.
"""

from __future__ import annotations

import functools
import sqlite3
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


def settings_from(**flags: Any) -> Any:
    from llmbrief.config import resolve_settings

    if flags.get("model_path") is not None:
        flags["model_path"] = str(flags["model_path"])
    return resolve_settings(flags)


batch_app = typer.Typer(
    help="Batch files: the questions out to a batch engine, its answers into the cache.",
    no_args_is_help=True,
)
app.add_typer(batch_app, name="batch")
