"""Versioned prompts: ``prompts/<name>/<version>.md`` with YAML front matter.

A released version is never edited: ``prompts/prompts.lock`` records the
sha256 of every version, and :func:`check_lock` reports any that changed.
Templates are filled in one pass over the template only, so an article that
contains ``{{``, ``{%`` or ``$x`` reaches the model exactly as written.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from llmbrief.errors import PromptError

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_VERSION = re.compile(r"^v[0-9]+$")
LOCK_NAME = "prompts.lock"


@dataclass(frozen=True)
class Prompt:
    """One released prompt version."""

    name: str
    version: str
    description: str
    schema: str
    sampling: dict[str, Any]
    body: str
    sha256: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        """``name@version``, as the CLI and the logs name it."""
        return f"{self.name}@{self.version}"

    def placeholders(self) -> set[str]:
        """The names the body expects to be filled."""
        return set(_PLACEHOLDER.findall(self.body))

    def render(self, **values: str) -> str:
        """Fill the template. Values are inserted verbatim and never re-scanned."""
        missing = self.placeholders() - values.keys()
        if missing:
            raise PromptError(f"{self.ref}: no value for {', '.join(sorted(missing))}")
        unused = values.keys() - self.placeholders()
        if unused:  # a value the template never shows: the model would not see it
            raise PromptError(f"{self.ref}: the template never uses {', '.join(sorted(unused))}")

        def fill(m: re.Match[str]) -> str:
            return values[m.group(1)]

        return _PLACEHOLDER.sub(fill, self.body)


def prompts_root() -> Traversable:
    """Where the prompt files are: inside the installed package, or the checkout's prompts/."""
    checkout = Path(__file__).resolve().parent.parent / "prompts"
    if checkout.joinpath(LOCK_NAME).is_file():
        return checkout  # running from a checkout (or an editable install)
    # a regular install: setuptools maps the top-level prompts/ to llmbrief._prompts
    return resources.files("llmbrief._prompts")


def parse_prompt(text: str, origin: str) -> Prompt:
    """Parse a prompt file: ``---`` YAML front matter ``---`` then the body."""
    import yaml  # only needed when prompts are read

    if not text.startswith("---\n"):
        raise PromptError(f"{origin}: missing front matter (the file must start with ---)")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise PromptError(f"{origin}: front matter is not closed by ---")
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as err:
        # one line: the problem and the file's line number (the --- line is line 1)
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(err, "problem", None) or "syntax error"
        raise PromptError(f"{origin}: front matter is not valid YAML{where} ({problem})") from None
    if not isinstance(meta, dict):
        raise PromptError(f"{origin}: front matter must be a mapping")
    for key in ("name", "version", "description", "schema"):
        if not isinstance(meta.get(key), str):
            raise PromptError(f"{origin}: front matter needs a '{key}' string")
    sampling = meta.get("sampling", {})
    if not isinstance(sampling, dict):
        raise PromptError(f"{origin}: 'sampling' must be a mapping")
    return Prompt(
        name=meta["name"],
        version=meta["version"],
        description=meta["description"],
        schema=meta["schema"],
        sampling=dict(sampling),
        body=text[end + 5 :],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        meta=meta,
    )


@cache
def all_prompts() -> tuple[Prompt, ...]:
    """Every prompt version shipped, sorted by name and version number."""
    root = prompts_root()
    found = []
    for d in root.iterdir():
        if not d.is_dir() or d.name.startswith(("_", ".")):
            continue
        for f in d.iterdir():
            if f.name.endswith(".md") and _VERSION.match(f.name[:-3]):
                origin = f"prompts/{d.name}/{f.name}"
                p = parse_prompt(f.read_text(encoding="utf-8"), origin)
                if (p.name, p.version) != (d.name, f.name[:-3]):
                    raise PromptError(f"{origin}: front matter says {p.ref}")
                found.append(p)
    return tuple(sorted(found, key=lambda p: (p.name, int(p.version[1:]))))


def get_prompt(ref: str) -> Prompt:
    """Look up ``name@version``, or ``name`` for its latest version."""
    name, _, version = ref.partition("@")
    candidates = [p for p in all_prompts() if p.name == name]
    if not candidates:
        known = ", ".join(sorted({p.name for p in all_prompts()}))
        raise PromptError(f"unknown prompt '{name}' (known: {known})")
    if not version:
        return candidates[-1]
    for p in candidates:
        if p.version == version:
            return p
    versions = ", ".join(p.version for p in candidates)
    raise PromptError(f"unknown prompt version '{ref}' (versions of {name}: {versions})")


def read_lock() -> dict[str, str]:
    """The lock file: ``{"name@version": sha256}``."""
    f = prompts_root().joinpath(LOCK_NAME)
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict):
        raise PromptError(f"{LOCK_NAME}: expected a JSON object")
    return {str(k): str(v) for k, v in data.items()}


def check_lock() -> list[str]:
    """Problems with the lock: a released version whose file changed, or vanished."""
    lock = read_lock()
    current = {p.ref: p.sha256 for p in all_prompts()}
    problems = []
    for ref, sha in sorted(lock.items()):
        if ref not in current:
            problems.append(f"{ref}: locked but its file is gone")
        elif current[ref] != sha:
            problems.append(
                f"{ref}: released prompt was edited (sha256 {current[ref][:12]}, locked "
                f"{sha[:12]}); add a new version instead"
            )
    return problems


def lock_new_versions(root: Path) -> list[str]:
    """Add versions not yet in the lock (never rewrites a locked hash). Returns the refs added."""
    lock_path = root / LOCK_NAME
    lock = json.loads(lock_path.read_text()) if lock_path.exists() else {}
    added = []
    for p in all_prompts():
        if p.ref not in lock:
            lock[p.ref] = p.sha256
            added.append(p.ref)
    lock_path.write_text(json.dumps(dict(sorted(lock.items())), indent=2) + "\n")
    return added
