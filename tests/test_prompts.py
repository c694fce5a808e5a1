"""Versioned prompts: front matter, safe filling, and the lock on released versions."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import llmbrief.prompts as prompts_mod
from llmbrief.errors import PromptError
from llmbrief.prompts import (
    LOCK_NAME,
    Prompt,
    all_prompts,
    check_lock,
    get_prompt,
    lock_new_versions,
    parse_prompt,
    read_lock,
)

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ROOT / "prompts"

TEMPLATE = """---
name: demo
version: v3
description: A demo prompt.
schema: NumberAnswer
sampling:
  temperature: 0
  max_tokens: 48
window_words: 8
---
Text: {{window}}
Number: {{ figure }}
Again: {{window}}
"""

#: Article text that looks like template syntax of one engine or another.
HOSTILE = [
    "{{",
    "}}",
    "{{ window }}",
    "{{figure}}",
    "{{{{window}}}}",
    "$x",
    "${x}",
    "$$",
    "{%",
    "%}",
    "{% if x %}y{% endif %}",
    "{0}",
    "{window}",
    "%s %(window)s",
    "\\1",
    "\\g<0>",
    "\\g<window>",
    "\\",
    "\\n",
    "a\nb\r\nc",
    "",
]


@pytest.fixture
def demo() -> Prompt:
    return parse_prompt(TEMPLATE, "prompts/demo/v3.md")


@pytest.fixture
def prompts_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped prompts/ that ``prompts_root()`` points at."""
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS, root)
    monkeypatch.setattr(prompts_mod, "prompts_root", lambda: root)
    all_prompts.cache_clear()
    yield root
    all_prompts.cache_clear()


# --- front matter -------------------------------------------------------------------


def test_front_matter_is_parsed(demo: Prompt) -> None:
    assert demo.name == "demo"
    assert demo.version == "v3"
    assert demo.ref == "demo@v3"
    assert demo.description == "A demo prompt."
    assert demo.schema == "NumberAnswer"
    assert demo.sampling == {"temperature": 0, "max_tokens": 48}
    assert demo.meta["window_words"] == 8
    assert demo.body == "Text: {{window}}\nNumber: {{ figure }}\nAgain: {{window}}\n"
    assert demo.placeholders() == {"window", "figure"}


def test_sha256_covers_the_whole_file(demo: Prompt) -> None:
    import hashlib

    assert demo.sha256 == hashlib.sha256(TEMPLATE.encode("utf-8")).hexdigest()
    changed = parse_prompt(TEMPLATE.replace("temperature: 0", "temperature: 1"), "x")
    assert changed.sha256 != demo.sha256


def test_sampling_is_optional() -> None:
    text = TEMPLATE.replace("sampling:\n  temperature: 0\n  max_tokens: 48\n", "")
    assert parse_prompt(text, "x").sampling == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: demo\n", "missing front matter"),
        ("---\nname: demo\nversion: v1\n", "front matter is not closed"),
        ("---\nname: [demo\n---\nbody\n", "front matter is not valid YAML at line"),
        ("---\n- a\n- b\n---\nbody\n", "front matter must be a mapping"),
        ("---\nname: demo\nversion: v1\nschema: X\n---\nbody\n", "needs a 'description' string"),
        (TEMPLATE.replace("version: v3", "version: 3"), "needs a 'version' string"),
        (
            TEMPLATE.replace("sampling:\n  temperature: 0\n  max_tokens: 48", "sampling: hot"),
            "'sampling' must be a mapping",
        ),
    ],
)
def test_malformed_prompt_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(PromptError) as info:
        parse_prompt(text, "prompts/demo/v1.md")
    assert str(info.value).startswith("prompts/demo/v1.md: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_shipped_prompts_parse() -> None:
    found = all_prompts()
    assert found, "no prompts shipped"
    refs = [p.ref for p in found]
    assert "extract@v1" in refs and "extract@v2" in refs and "visit@v1" in refs
    assert refs == sorted(refs, key=lambda r: (r.split("@")[0], int(r.split("@")[1][1:])))
    for p in found:
        assert (PROMPTS / p.name / f"{p.version}.md").is_file()
        assert p.description and p.schema
        assert "temperature" in p.sampling, f"{p.ref} does not pin its sampling"
        assert p.placeholders(), f"{p.ref} has nothing to fill"


def test_get_prompt() -> None:
    latest = [p for p in all_prompts() if p.name == "extract"][-1]
    assert get_prompt("extract") == latest
    assert get_prompt("extract@v1").version == "v1"
    with pytest.raises(PromptError, match=r"^unknown prompt version 'extract@v99' \(versions"):
        get_prompt("extract@v99")
    with pytest.raises(PromptError, match=r"^unknown prompt 'nope' \(known: extract, visit"):
        get_prompt("nope@v1")


def test_front_matter_must_match_the_file_name(prompts_copy: Path) -> None:
    v1 = prompts_copy / "extract" / "v1.md"
    (prompts_copy / "extract" / "v7.md").write_text(v1.read_text(encoding="utf-8"))
    with pytest.raises(PromptError, match=r"prompts/extract/v7\.md: front matter says extract@v1"):
        all_prompts()


def test_files_that_are_not_versions_are_ignored(prompts_copy: Path) -> None:
    before = [p.ref for p in all_prompts()]
    (prompts_copy / "extract" / "notes.md").write_text("scratch")
    (prompts_copy / "_drafts").mkdir()
    (prompts_copy / "_drafts" / "v1.md").write_text("scratch")
    all_prompts.cache_clear()
    assert [p.ref for p in all_prompts()] == before


# --- filling a template ---------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_article_text_reaches_the_prompt_unchanged(demo: Prompt, value: str) -> None:
    out = demo.render(window=value, figure="25,000")
    assert out == f"Text: {value}\nNumber: 25,000\nAgain: {value}\n"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_in_every_placeholder(demo: Prompt, value: str) -> None:
    out = demo.render(window="up to 25,000 workers", figure=value)
    assert out == f"Text: up to 25,000 workers\nNumber: {value}\nAgain: up to 25,000 workers\n"


def test_a_value_is_never_expanded_again(demo: Prompt) -> None:
    out = demo.render(window="see {{ figure }} and {{window}}", figure="{{window}}")
    assert out == (
        "Text: see {{ figure }} and {{window}}\n"
        "Number: {{window}}\n"
        "Again: see {{ figure }} and {{window}}\n"
    )


@given(window=st.text(), figure=st.text())
def test_render_inserts_any_text_verbatim(window: str, figure: str) -> None:
    demo = parse_prompt(TEMPLATE, "prompts/demo/v3.md")
    assert demo.render(window=window, figure=figure) == (
        f"Text: {window}\nNumber: {figure}\nAgain: {window}\n"
    )


def test_missing_value_is_an_error(demo: Prompt) -> None:
    with pytest.raises(PromptError, match=r"^demo@v3: no value for figure$"):
        demo.render(window="x")


def test_shipped_prompt_keeps_a_hostile_article() -> None:
    p = get_prompt("extract@v1")
    article = 'He said "{{ window }}" costs ${x} or $x, {% raw %} \\1 \\g<0> %}'
    values = {name: f"<{name}>" for name in p.placeholders()}
    values["window"] = article
    out = p.render(**values)
    assert f"Text: {article}\n" in out
    assert "{{window}}" not in out and "{{figure}}" not in out
    assert out.count(article) == 1


# --- the lock ---------------------------------------------------------------------------


def test_shipped_prompts_match_the_lock() -> None:
    assert check_lock() == []


def test_every_prompt_file_is_released() -> None:
    """No version file is left out of the lock, and the lock names no other file."""
    files = sorted(PROMPTS.glob("*/*.md"))
    assert files
    lock = json.loads((PROMPTS / LOCK_NAME).read_text(encoding="utf-8"))
    refs = {f"{f.parent.name}@{f.stem}" for f in files}
    assert refs == set(lock), "lock new versions with llmbrief.prompts.lock_new_versions"
    for f in files:
        assert prompts_mod._VERSION.match(f.stem), f"{f} is not named v<N>.md"
    assert {p.ref for p in all_prompts()} == set(read_lock())


def test_lock_holds_full_hashes() -> None:
    for ref, sha in read_lock().items():
        assert len(sha) == 64 and int(sha, 16) >= 0, ref


def _flip_one_body_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    body_start = data.index(b"\n---\n", 4) + 5
    i = data.index(b"e", body_start)  # an ASCII letter in the template, not the front matter
    data[i] = ord("a")
    path.write_bytes(bytes(data))


def test_one_changed_byte_of_a_released_prompt_is_reported(prompts_copy: Path) -> None:
    assert check_lock() == []
    _flip_one_body_byte(prompts_copy / "extract" / "v1.md")
    all_prompts.cache_clear()
    problems = check_lock()
    assert len(problems) == 1
    assert problems[0].startswith("extract@v1: released prompt was edited")
    assert "add a new version instead" in problems[0]


def test_a_changed_front_matter_is_reported_too(prompts_copy: Path) -> None:
    path = prompts_copy / "visit" / "v1.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("max_tokens: 48", "max_tokens: 49", 1), encoding="utf-8")
    problems = check_lock()
    assert [p.split(":")[0] for p in problems] == ["visit@v1"]


def test_a_removed_released_prompt_is_reported(prompts_copy: Path) -> None:
    (prompts_copy / "visit" / "v1.md").unlink()
    assert check_lock() == ["visit@v1: locked but its file is gone"]


def test_lock_new_versions_adds_but_never_rewrites(prompts_copy: Path) -> None:
    before = read_lock()
    # a new version (one past the latest shipped), and an illegal edit of a released one
    latest = get_prompt("extract")
    new_version = f"v{int(latest.version[1:]) + 1}"
    new_ref = f"extract@{new_version}"
    text = (prompts_copy / "extract" / f"{latest.version}.md").read_text(encoding="utf-8")
    text = text.replace(f"version: {latest.version}", f"version: {new_version}", 1)
    (prompts_copy / "extract" / f"{new_version}.md").write_text(text + "One more line.\n")
    _flip_one_body_byte(prompts_copy / "extract" / "v1.md")
    all_prompts.cache_clear()

    assert lock_new_versions(prompts_copy) == [new_ref]
    after = read_lock()
    assert after[new_ref] == get_prompt(new_ref).sha256
    assert {k: v for k, v in after.items() if k != new_ref} == before
    assert after["extract@v1"] != get_prompt("extract@v1").sha256
    assert [p.split(":")[0] for p in check_lock()] == ["extract@v1"]
    # a second run adds nothing and changes nothing
    text = (prompts_copy / LOCK_NAME).read_text(encoding="utf-8")
    assert lock_new_versions(prompts_copy) == []
    assert (prompts_copy / LOCK_NAME).read_text(encoding="utf-8") == text
