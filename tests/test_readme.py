"""The README's command reference is generated from ``--help`` and kept in step.

Regenerate after changing a command: ``LLMBRIEF_UPDATE_DOCS=1 pytest tests/test_readme.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import typer

from llmbrief.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- cli-help:start (generated from --help by tests/test_readme.py) -->"
END = "<!-- cli-help:end -->"


def _help(cmd: Any, path: list[str], parent: Any) -> list[str]:
    # typer vendors its own click: build the context from the command's own class
    ctx = cmd.context_class(
        cmd, info_name=path[-1], parent=parent, terminal_width=88, max_content_width=88
    )
    text = cmd.get_help(ctx).rstrip()
    out = [f"### `{' '.join(path)}`", "", "```text", text, "```", ""]
    if hasattr(cmd, "list_commands"):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            assert sub is not None
            out += _help(sub, [*path, name], ctx)
    return out


def generated_reference() -> str:
    """Every command's --help, as Markdown."""
    root = typer.main.get_command(app)
    return "\n".join(_help(root, ["llmbrief"], None)).rstrip() + "\n"


def test_readme_command_reference_matches_help() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(re.escape(START) + r"\n(.*?)" + re.escape(END), text, re.S)
    assert block, "README.md lacks the generated command reference markers"
    fresh = generated_reference()
    if os.environ.get("LLMBRIEF_UPDATE_DOCS"):
        updated = text[: block.start(1)] + fresh + text[block.end(1) :]
        README.write_text(updated, encoding="utf-8")
        return
    assert block.group(1) == fresh, (
        "the README's command reference is out of date: "
        "LLMBRIEF_UPDATE_DOCS=1 pytest tests/test_readme.py"
    )


def test_every_command_is_in_the_readme_reference() -> None:
    ref = generated_reference()
    for name in (
        "extract",
        "verify",
        "render",
        "brief",
        "check",
        "eval",
        "prompts",
        "schema",
        "logs",
    ):
        assert f"### `llmbrief {name}" in ref
