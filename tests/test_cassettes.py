"""The whole pipeline on recorded LLM traffic: prompt → HTTP → instructor → verifier → brief.

Every cassette here is a recording of the embedded Gemma model made by
``make record`` (``llmbrief/recording.py``); none is written by hand. A
changed prompt, article or schema changes the request body, which is a miss,
never a silent replay of the old answer.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from llmbrief.cassettes import make_vcr
from llmbrief.config import LOCAL_MODEL_NAME, resolve_settings
from llmbrief.errors import CassetteError
from llmbrief.pipeline import extract_paths, render_documents
from llmbrief.prompts import get_prompt

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
SEED_FILES = sorted((ROOT / "seeds").glob("*.txt"))
SNAPSHOT = ROOT / "tests" / "snapshots" / "brief_replay.md"
FIXED = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llmbrief", *args], cwd=cwd, capture_output=True, text=True
    )


# --- one extraction per seed, replayed by pytest-recording ------------------------


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_each_seed_replays_to_verified_records_with_provenance(
    seed: Path, in_repo: Path, request: pytest.FixtureRequest
) -> None:
    cassette = CASSETTES / f"extract_{seed.name[:3]}.yaml"
    v = make_vcr("none")
    with v.use_cassette(str(cassette)) as cas:
        result = extract_paths(
            [seed.relative_to(ROOT)], resolve_settings({"no_cache": True}), replay_only=True
        )
        # a changed request shows first, as the cassette miss it is (with what changed)
        assert not result.failed, [f.error for f in result.failed]
        assert cas.all_played, "stale cassette: some recorded interactions were never asked"
    (doc,) = result.documents
    assert doc.source.path == f"seeds/{seed.name}"
    assert doc.records, "every seed has at least one record"
    assert all(r.verification and r.verification.verified for r in doc.records)
    prov = doc.provenance
    assert prov is not None
    latest = get_prompt("extract")
    assert (prov.prompt, prov.prompt_version, prov.prompt_sha256) == (
        "extract",
        latest.version,
        latest.sha256,
    )
    assert prov.model == LOCAL_MODEL_NAME
    assert prov.backend == "local"
    assert prov.usage is not None and prov.usage.calls == len(cas.data)


def test_pytest_recording_config_matches_on_json_body(vcr_config: dict[str, object]) -> None:
    assert "json_body" in vcr_config["match_on"]  # type: ignore[operator]
    assert "record_mode" not in vcr_config  # it would override --record-mode
    assert "authorization" in vcr_config["filter_headers"]  # type: ignore[operator]


# --- the end-to-end brief ---------------------------------------------------------


def test_brief_from_cassette_equals_the_reviewed_snapshot(in_repo: Path) -> None:
    with make_vcr("none").use_cassette(str(CASSETTES / "seeds.yaml")) as cas:
        result = extract_paths(["seeds"], resolve_settings({"no_cache": True}), replay_only=True)
        assert not result.failed, [f.error for f in result.failed]
        assert cas.all_played
    md, checked = render_documents(result.documents, generated_at=FIXED)
    assert checked.records == checked.verified
    assert md == SNAPSHOT.read_text(encoding="utf-8"), (
        "the brief changed; if the change is intended, review it and update "
        "tests/snapshots/brief_replay.md"
    )


def test_cli_brief_replay_writes_a_brief_that_passes_check(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    records = tmp_path / "records.json"
    r = run_cli(
        "brief", "seeds", "--replay", "cassettes/seeds.yaml", "-o", str(out), "--json", str(records)
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    docs = json.loads(records.read_text())
    assert len(docs) == len(SEED_FILES)
    c = run_cli("check", str(out))
    assert c.returncode == 0, c.stdout + c.stderr
    # a second identical run is answered from the cache: no LLM call at all
    again = run_cli("brief", "seeds", "--replay", "cassettes/seeds.yaml", "-o", str(out))
    assert again.returncode == 0, again.stderr
    asked = len(yaml.safe_load((CASSETTES / "seeds.yaml").read_text())["interactions"])
    assert f"Usage: 0 calls, 0 re-asks, {asked} from cache" in again.stderr


# --- sensitivity: a changed input or prompt is a miss, with a readable message -----


def test_changed_seed_word_is_a_cassette_miss_naming_the_change(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    f = seeds / "004_49bd2bcecccfd8d8.txt"
    f.write_text(f.read_text().replace("planning to send", "preparing to send"))
    shutil.copytree(CASSETTES, tmp_path / "cassettes")
    r = run_cli(
        "extract", "seeds", "--replay", "cassettes/seeds.yaml", "-o", "out.json", cwd=tmp_path
    )
    assert r.returncode == 4, r.stderr  # the other four seeds still replay
    assert "Traceback" not in r.stderr
    # (progress lines, "[5/5] seeds/004_…; …", come first when piped)
    line = next(x for x in r.stderr.splitlines() if "004_" in x and not x.startswith("["))
    assert "request changed since the cassette was recorded" in line
    assert "preparing" in line  # what changed
    assert "make record" in line
    assert len(json.loads((tmp_path / "out.json").read_text())) == 4


def test_changed_prompt_is_a_cassette_miss(in_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmbrief.prompts import Prompt

    render = Prompt.render
    monkeypatch.setattr(Prompt, "render", lambda self, **v: render(self, **v) + "\n")
    result = extract_paths(
        ["seeds/004_49bd2bcecccfd8d8.txt"],
        resolve_settings({"no_cache": True}),
        replay=CASSETTES / "seeds.yaml",
    )
    assert result.failed
    assert "request changed" in (result.failed[0].error or "")


def test_missing_and_corrupt_cassettes_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("interactions: [unclosed\n")
    with pytest.raises(CassetteError, match="corrupt cassette"):
        extract_paths(["seeds"], resolve_settings({}), replay=bad)
    with pytest.raises(CassetteError, match="no such cassette"):
        extract_paths(["seeds"], resolve_settings({}), replay=tmp_path / "none.yaml")


# --- safety ------------------------------------------------------------------------

_SECRET = re.compile(
    r"(?i)(authorization:|bearer\s+[a-z0-9]|api-key:|sk-[a-z0-9]{8}|openai-organization)"
)


@pytest.mark.parametrize("cassette", sorted(CASSETTES.glob("*.yaml")), ids=lambda p: p.name)
def test_no_cassette_holds_a_key_or_auth_header(cassette: Path) -> None:
    text = cassette.read_text(encoding="utf-8")
    assert not _SECRET.search(text)
    data = yaml.safe_load(text)
    for i in data["interactions"]:
        headers = {k.lower() for k in i["request"].get("headers", {})}
        assert not headers & {"authorization", "api-key", "x-api-key", "cookie"}


def test_cassettes_are_recordings_of_the_embedded_model() -> None:
    names = {p.name for p in CASSETTES.glob("*.yaml")}
    assert "seeds.yaml" in names
    assert {f"extract_{p.name[:3]}.yaml" for p in SEED_FILES} <= names
    for p in CASSETTES.glob("*.yaml"):
        for i in yaml.safe_load(p.read_text())["interactions"]:
            assert i["request"]["uri"].startswith("http://llmbrief.local/v1/")
            body = json.loads(i["request"]["body"])
            assert body["model"] == LOCAL_MODEL_NAME
            answer = json.loads(i["response"]["body"]["string"])
            assert answer["choices"][0]["message"]["content"]
            assert answer["usage"]["completion_tokens"] > 0


def test_a_run_answered_from_the_cache_never_imports_spacy(tmp_path: Path) -> None:
    """The analysis is cached with the answers: a repeated run needs no parser at all."""
    import os

    env = dict(os.environ, LLMBRIEF_DB=str(tmp_path / "cache.sqlite"))
    seed = "seeds/000_7e81adea1b9a7044.txt"
    args = [
        "extract",
        seed,
        "--replay",
        "cassettes/extract_000.yaml",
        "-o",
        str(tmp_path / "a.json"),
    ]
    first = subprocess.run(
        [sys.executable, "-m", "llmbrief", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    code = (
        "import sys\n"
        "from llmbrief import cli\n"
        f"sys.argv = ['llmbrief', *{args!r}]\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "print('spacy' in sys.modules, 'thinc' in sys.modules)\n"
    )
    again = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.split() == ["False", "False"]
    assert "0 calls" in again.stderr
