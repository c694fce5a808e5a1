"""The commands that show what llmbrief holds: its prompts, its records' schema,
its log of model calls.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from llmbrief.cli.app import app, handles_errors, prompts_app


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
