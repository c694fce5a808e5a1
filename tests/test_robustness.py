"""Robustness: bad inputs, LLM faults, interruptions.

Every case checks the exit code, the one line on stderr that names the file
and the problem, that the other inputs were still processed, and that no
traceback reached the user. LLM faults are played by the scripted fake server
of ``tests/fakeserver.py`` (made-up answers, not a recording); interruptions
run the real command in a subprocess and send it a signal.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakeserver import (
    FakeOpenAI,
    FakeRequest,
    Reply,
    answer,
    content,
    free_port,
    hang,
    status,
)
from typer.testing import CliRunner

from llmbrief.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_RECORDS = ROOT / "tests" / "fixtures" / "records_seeds.json"

#: One number question each (the numbers differ, so no two requests are alike).
GOOD = "North Korea sent up to 1,000 troops to Russia in March.\n"
OTHER = "Russia received about 2,000 shells from North Korea.\n"


def three_questions(i: int) -> str:
    """An article that asks the model three questions, distinct for each ``i``."""
    return (
        f"North Korea sent {1000 + i} troops to Russia in March. "
        f"Russia received about {2000 + i} shells from North Korea. "
        f"Ukraine said {300 + i} soldiers were killed in Kursk Oblast.\n"
    )


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test in its own folder (short relative paths in messages), own cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLMBRIEF_DB", str(tmp_path / "cache" / "llmbrief.db"))
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "LLMBRIEF_MAX_RETRIES", "LLMBRIEF_MODEL"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A scripted fake OpenAI-compatible server that answers correctly unless told otherwise."""
    with FakeOpenAI() as server:
        yield server


class Run:
    """What one CLI invocation gave."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        # progress lines ("[1/3] a.txt; …", printed when piped) are not the summary under test
        self.lines = [line for line in stderr.splitlines() if not line.startswith("[")]


def cli(*args: Any, env: dict[str, str] | None = None) -> Run:
    """Run ``llmbrief`` in this process; fail on any exception that is not an exit."""
    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
        pytest.fail(f"llmbrief raised instead of exiting cleanly:\n{tb}")
    run = Run(result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    return run


def extract(fake: FakeOpenAI | str, *args: Any) -> Run:
    """``llmbrief extract ARGS --base-url FAKE --model fake``."""
    url = fake if isinstance(fake, str) else fake.url
    return cli("extract", *args, "--base-url", url, "--model", "fake")


def write(name: str, text: str | bytes) -> Path:
    p = Path(name)
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def documents(path: str | Path = "out.json") -> list[dict[str, Any]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def sources(path: str | Path = "out.json") -> list[str]:
    return [d["source"]["path"] for d in documents(path)]


# --- bad inputs -----------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty article (no text)"),
        ("blank.txt", b"  \n\t\r\n  \n", "empty article (no text)"),
        ("image.png", PNG, "binary file, not a text article"),
        (
            "latin1.txt",
            "Café: North Korea sent 1,000 troops.\n".encode("latin-1"),
            "not UTF-8 text (invalid byte at offset 3); convert it to UTF-8 first, "
            "e.g. iconv -f latin1 -t utf-8",
        ),
        (
            "huge.txt",
            b"North Korea sent 1,000 troops to Russia. " * 256_000,  # 10.5 MB
            "too large for an article (10.5 MB; the limit is 1.0 MB): split it into its articles",
        ),
    ],
    ids=["empty", "whitespace", "png", "latin1", "10MB"],
)
def test_bad_article_fails_alone(fake: FakeOpenAI, name: str, data: bytes, problem: str) -> None:
    write(name, data)
    write("good.txt", GOOD)
    started = time.monotonic()
    r = extract(fake, name, "good.txt", "-o", "out.json")
    assert r.code == 4, r.stderr
    assert f"  {name}: FAILED: {problem}" in r.lines
    assert "  good.txt: 1 records, 1 verified" in r.lines
    assert "1 of 2 inputs failed; the rest were written" in r.lines
    assert sources() == ["good.txt"]
    assert len(fake.chat_requests) == 1  # only the good article reached the model
    assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty article (no text)"),
        ("image.png", PNG, "binary file, not a text article"),
    ],
)
def test_only_input_bad_is_usage_error(
    fake: FakeOpenAI, name: str, data: bytes, problem: str
) -> None:
    write(name, data)
    r = extract(fake, name, "-o", "out.json")
    assert r.code == 2
    assert r.lines[-1] == f"Error: {name}: {problem}"
    assert not Path("out.json").exists()


def test_missing_path_and_empty_folder(fake: FakeOpenAI) -> None:
    write("good.txt", GOOD)
    Path("nothing").mkdir()
    write("nothing/notes.json", "{}")
    r = extract(fake, "nope.txt", "nothing", "good.txt", "-o", "out.json")
    assert r.code == 4
    assert "  nope.txt: FAILED: no such file or folder" in r.lines
    assert "  nothing: FAILED: folder has no articles (.txt or .md files)" in r.lines
    assert "2 of 3 inputs failed; the rest were written" in r.lines
    assert sources() == ["good.txt"]


def test_missing_path_alone_is_usage_error(fake: FakeOpenAI) -> None:
    r = extract(fake, "nope.txt")
    assert r.code == 2
    assert r.lines[-1] == "Error: nope.txt: no such file or folder"
    assert json.loads(r.stdout) == []  # stdout stays valid JSON
    assert fake.chat_requests == []


def test_folder_mixing_articles_and_other_files(fake: FakeOpenAI) -> None:
    write("arts/a.txt", GOOD)
    write("arts/b.md", OTHER)
    write("arts/photo.png", PNG)
    write("arts/data.json", "[]")
    write("arts/.DS_Store", b"\x00\x01")
    write("arts/README", "not an article")
    r = extract(fake, "arts", "-o", "out.json")
    assert r.code == 0, r.stderr
    assert sources() == ["arts/a.txt", "arts/b.md"]
    assert not any("photo.png" in line or "data.json" in line for line in r.lines)


def test_utf16_with_bom_is_decoded_without_shifting_offsets(fake: FakeOpenAI) -> None:
    text = "Überblick — North Korea sent up to 1,000 troops to Russia in March.\n"
    write("utf16.txt", text.encode("utf-16"))  # with its BOM
    write("utf8bom.txt", b"\xef\xbb\xbf" + text.replace("1,000", "3,000").encode("utf-8"))
    r = extract(fake, "utf16.txt", "utf8bom.txt", "-o", "out.json")
    assert r.code == 0, r.stderr
    decoded = {"utf16.txt": text, "utf8bom.txt": text.replace("1,000", "3,000")}
    for doc in documents():
        (record,) = doc["records"]
        ev = record["evidence"][0]
        source = decoded[doc["source"]["path"]]
        assert source[ev["start"] : ev["end"]] == ev["quote"]
        assert record["verification"]["verified"]
    # and `verify` reads the sources the same way: every record still verifies
    v = cli("verify", "out.json", "-o", "checked.json")
    assert v.code == 0, v.stderr
    assert v.lines[-1] == "2 of 2 records verified"


def test_template_syntax_reaches_model_and_quote_unchanged(fake: FakeOpenAI) -> None:
    # all of it inside the window of words the model is shown around the number
    sentence = "North Korea sent {{ figure }} up to 1,000 troops {% raw %} $var ${HOME} to Russia."
    write("tmpl.txt", sentence + "\n")
    r = extract(fake, "tmpl.txt", "-o", "out.json")
    assert r.code == 0, r.stderr
    (req,) = fake.chat_requests
    asked = req.user_text
    for piece in ("{{ figure }}", "{% raw %}", "$var", "${HOME}"):
        assert piece in asked
    assert "Number: up to 1,000" in asked
    (record,) = documents()[0]["records"]
    assert record["evidence"][0]["quote"] == sentence
    assert record["verification"]["verified"]


def test_unknown_prompt_version(fake: FakeOpenAI) -> None:
    write("good.txt", GOOD)
    r = extract(fake, "good.txt", "--prompt", "extract@v99")
    assert r.code == 2
    (line,) = r.lines
    assert line.startswith(
        "Error: unknown prompt version 'extract@v99' (versions of extract: v1, v2"
    )
    assert fake.chat_requests == []


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
@pytest.mark.parametrize("command", ["extract", "brief"])
def test_prompt_before_the_parse_is_one_clear_error(
    fake: FakeOpenAI, command: str, version: str
) -> None:
    """extract@v1..v3 asked about the old extraction's windows; they no longer run."""
    write("good.txt", GOOD)
    out = "out.json" if command == "extract" else "brief.md"
    r = cli(command, "good.txt", "nope.txt", "--prompt", f"extract@{version}", "-o", out,
            "--base-url", fake.url, "--model", "fake")  # fmt: skip
    assert r.code == 2
    assert r.lines == [
        f"Error: extract@{version} was written for the extraction before the parse "
        "(llmbrief 0.1) and no longer runs; use extract@v4 or later"
    ]  # one line for the run, not one per input (nor the missing input's)
    assert r.stdout == ""
    assert fake.chat_requests == []
    assert not Path(out).exists()


def test_prompt_before_the_parse_from_the_environment(fake: FakeOpenAI) -> None:
    write("good.txt", GOOD)
    r = cli("extract", "good.txt", "--base-url", fake.url, "--model", "fake",
            env={"LLMBRIEF_PROMPT": "extract@v3"})  # fmt: skip
    assert r.code == 2
    assert r.lines == [
        "Error: extract@v3 was written for the extraction before the parse "
        "(llmbrief 0.1) and no longer runs; use extract@v4 or later"
    ]
    assert fake.chat_requests == []


# records files, for verify and render


def _records_text() -> str:
    docs = json.loads(FIXTURE_RECORDS.read_text(encoding="utf-8"))
    return json.dumps(docs[:1])


@pytest.mark.parametrize("command", ["verify", "render"])
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("this is not json", "not valid JSON or JSONL (line 1, column 1: Expecting value)"),
        ("", "empty file, expected JSON records"),
        (
            '{"source": {"path": "a.txt"}, "records": []}\n{"source": {"path": "b.t',
            "not valid JSON or JSONL (line 2, column 21: Unterminated string starting at)",
        ),
        ("[1, 2]", "document 0: expected a JSON object, got int"),
    ],
    ids=["not-json", "empty", "jsonl-cut-off", "not-objects"],
)
def test_records_file_not_json(command: str, text: str, problem: str) -> None:
    write("recs.json", text)
    r = cli(command, "recs.json")
    assert r.code == 2
    assert r.lines == [f"Error: recs.json: {problem}"]


@pytest.mark.parametrize("command", ["verify", "render"])
def test_records_file_breaks_schema(command: str) -> None:
    docs = json.loads(_records_text())
    del docs[0]["records"][1]["evidence"]
    docs[0]["records"][2]["status"] = "rumoured"
    write("recs.json", json.dumps(docs))
    r = cli(command, "recs.json")
    assert r.code == 2
    assert r.lines == [
        "Error: recs.json: document 0.records[1].evidence: Field required (and 1 more)"
    ]


@pytest.mark.parametrize("command", ["verify", "render"])
def test_records_file_missing(command: str) -> None:
    r = cli(command, "nope.json")
    assert r.code == 2
    assert r.lines == ["Error: nope.json: no such file"]


# cassettes


def test_replay_missing_cassette(fake: FakeOpenAI) -> None:
    write("good.txt", GOOD)
    r = extract(fake, "good.txt", "--replay", "nope.yaml")
    assert r.code == 2
    assert r.lines == ["Error: nope.yaml: no such cassette"]
    assert fake.chat_requests == []


@pytest.fixture
def cassette_text(fake: FakeOpenAI) -> str:
    """A real cassette, recorded against the fake server."""
    write("good.txt", GOOD)
    r = extract(fake, "good.txt", "-o", "rec.json", "--record", "good.yaml")
    assert r.code == 0, r.stderr
    return Path("good.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("how", "problem"),
    [
        ("cut", "corrupt cassette, not valid YAML"),
        ("not-a-mapping", "corrupt cassette, no 'interactions' list"),
        ("bad-interaction", "corrupt cassette, interaction 1 has no whole request"),
        ("binary", "corrupt cassette, not valid YAML"),
    ],
)
def test_replay_corrupt_cassette(
    fake: FakeOpenAI, cassette_text: str, how: str, problem: str
) -> None:
    variants: dict[str, str | bytes] = {
        "cut": cassette_text[: len(cassette_text) // 2],
        "not-a-mapping": "- just\n- a list\n",
        "bad-interaction": "interactions:\n- request: {}\n  response: {}\n",
        "binary": PNG,
    }
    write("good.yaml", variants[how])
    before = len(fake.chat_requests)
    r = extract(fake, "good.txt", "--no-cache", "--replay", "good.yaml")
    assert r.code == 2
    (line,) = r.lines
    assert line.startswith(f"Error: good.yaml: {problem}")
    assert len(fake.chat_requests) == before


def test_replay_good_cassette_needs_no_server(fake: FakeOpenAI, cassette_text: str) -> None:
    url = fake.url
    fake.stop()
    r = extract(url, "good.txt", "--no-cache", "--replay", "good.yaml", "-o", "out.json")
    assert r.code == 0, r.stderr
    assert documents() == documents("rec.json") or sources() == ["good.txt"]


def test_output_folder_missing_is_refused_before_any_call(fake: FakeOpenAI) -> None:
    write("good.txt", GOOD)
    r = extract(fake, "good.txt", "-o", "no/such/dir/out.json")
    assert r.code == 2
    assert r.lines == ["Error: no/such/dir/out.json: folder no/such/dir does not exist"]
    assert fake.chat_requests == []


def test_damaged_cache_database_is_one_line(fake: FakeOpenAI, workdir: Path) -> None:
    write("a.txt", GOOD)
    assert extract(fake, "a.txt", "-o", "out.json").code == 0
    db = workdir / "cache" / "llmbrief.db"
    assert not Path(f"{db}-wal").exists()  # checkpointed on close
    data = bytearray(db.read_bytes())
    data[4096:] = b"\xde\xad" * ((len(data) - 4096) // 2)  # every page after the first
    db.write_bytes(bytes(data))
    r = extract(fake, "a.txt", "-o", "out2.json")
    assert r.code == 2
    (line,) = r.lines
    assert line.startswith(f"Error: {db}: cannot use the cache database (")
    assert line.endswith("if it is damaged, move it away (answers are then asked again)")


def test_brief_with_a_bad_input_still_writes_the_brief(fake: FakeOpenAI) -> None:
    write("a.txt", GOOD)
    write("empty.txt", "")
    r = cli("brief", "a.txt", "empty.txt", "-o", "brief.md", "--base-url", fake.url, "--model", "x")
    assert r.code == 4
    assert "  empty.txt: FAILED: empty article (no text)" in r.lines
    assert "up to 1,000" in Path("brief.md").read_text(encoding="utf-8")


# --- LLM faults ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("localhost:8080/v1", "Request URL is missing an 'http://' or 'https://' protocol."),
        ("ftp://example.org/v1", "Request URL has an unsupported protocol 'ftp://'."),
    ],
)
def test_unusable_base_url(url: str, problem: str) -> None:
    write("a.txt", GOOD)
    r = extract(url, "a.txt")
    assert r.code == 1
    assert r.lines[-1] == f"Error: a.txt: {url} is not a usable URL ({problem}): check --base-url"


def two_articles() -> tuple[str, str]:
    write("a.txt", GOOD)
    write("b.txt", OTHER)
    return "a.txt", "b.txt"


def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    a, b = two_articles()
    r = extract(url, a, b, "--max-retries", "1", "-o", "out.json")
    assert r.code == 1
    why = f"cannot connect to {url}: is the server running?"
    assert f"  a.txt: FAILED: {why}" in r.lines
    assert f"  b.txt: FAILED: {why}" in r.lines
    assert r.lines[-1] == "Error: every input failed"
    assert not Path("out.json").exists()
    logs = cli("logs", "-n", "10")
    assert logs.stdout.count("\terror\t") == 4  # two attempts for each article


def test_hanging_server_times_out_then_run_goes_on(fake: FakeOpenAI) -> None:
    fake.push(hang(10), hang(10))  # a's question, twice; b is answered
    a, b = two_articles()
    started = time.monotonic()
    r = extract(fake, a, b, "--timeout", "1", "--max-retries", "1", "-o", "out.json")
    assert time.monotonic() - started < 10
    assert r.code == 4, r.stderr
    assert f"  a.txt: FAILED: {fake.url} did not answer within 1 s (--timeout)" in r.lines
    assert sources() == ["b.txt"]
    assert len(fake.chat_requests) == 3


def test_hang_once_then_answer_is_retried(fake: FakeOpenAI) -> None:
    fake.push(hang(10))
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--timeout", "1", "--max-retries", "1", "-o", "out.json")
    assert r.code == 0, r.stderr
    assert len(fake.chat_requests) == 2
    assert sources() == ["a.txt"]


def test_429_retry_after_is_honoured(fake: FakeOpenAI) -> None:
    fake.push(status(429, "slow down", retry_after=1))
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-retries", "1", "-o", "out.json")
    assert r.code == 0, r.stderr
    first, second = fake.chat_requests
    assert first.raw == second.raw  # the same request, sent again
    assert second.at - first.at >= 1.0  # waited as the server asked
    assert sources() == ["a.txt"]


def test_429_without_retry_after_backs_off(fake: FakeOpenAI) -> None:
    fake.push(status(429))
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-retries", "1", "-o", "out.json")
    assert r.code == 0, r.stderr
    first, second = fake.chat_requests
    assert second.at - first.at >= 0.4  # exponential backoff starts at 0.5 s (minus jitter)


def test_429_for_ever_fails_the_article(fake: FakeOpenAI) -> None:
    fake.default = status(429, retry_after=0)
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-retries", "2")
    assert r.code == 1
    assert (
        r.lines[-1] == f"Error: a.txt: {fake.url} kept answering 429 (rate limited) after retries"
    )
    assert len(fake.chat_requests) == 3


def test_5xx_then_success(fake: FakeOpenAI) -> None:
    fake.push(status(500, "boom"), status(503, "busy", retry_after=0))
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-retries", "2", "-o", "out.json")
    assert r.code == 0, r.stderr
    assert len(fake.chat_requests) == 3
    assert "  a.txt: 1 records, 1 verified" in r.lines


def test_400_is_not_retried_and_says_why(fake: FakeOpenAI) -> None:
    fake.push(status(400, "This model's maximum context length is 2048 tokens"))
    a, b = two_articles()
    r = extract(fake, a, b, "--max-retries", "3", "-o", "out.json")
    assert r.code == 4
    assert (
        f"  a.txt: FAILED: {fake.url} answered HTTP 400: "
        "This model's maximum context length is 2048 tokens"
    ) in r.lines
    assert len(fake.chat_requests) == 2


def test_malformed_json_is_reasked_then_fails_the_article(fake: FakeOpenAI) -> None:
    fake.push(content("Sure! {figure: up to 1,000"), content("not json {"))
    a, b = two_articles()
    r = extract(fake, a, b, "--max-reasks", "1", "-o", "out.json")
    assert r.code == 4, r.stderr
    assert (
        "  a.txt: FAILED: no usable answer after 2 tries (--max-reasks): "
        "the model's answer was not valid JSON"
    ) in r.lines
    reask = fake.chat_requests[1]
    assert "Invalid JSON" in reask.messages[-1]["content"]
    assert sources() == ["b.txt"]


def test_answer_breaking_schema_is_reasked_then_fails_the_article(fake: FakeOpenAI) -> None:
    # every field is there, but the figure is not the one asked about and "invaded"
    # is not among the choices
    bad = json.dumps(
        {
            "figure": "25,000",
            "what": "invaded",
            "status": "actual",
            "sender": "North Korea",
            "receiver": "Russia",
            "claimant": "none",
        }
    )
    fake.push(content(bad), content(bad))
    a, b = two_articles()
    r = extract(fake, a, b, "--max-reasks", "1", "-o", "out.json")
    assert r.code == 4, r.stderr
    assert (
        "  a.txt: FAILED: no usable answer after 2 tries (--max-reasks): the model's answer "
        "broke the answer schema (figure: Input should be 'up to 1,000'; "
        "what: Input should be 'sent' or 'other')"
    ) in r.lines
    first, reask = fake.chat_requests[:2]
    assert reask.messages[0] == first.messages[0]  # the same question, then the errors
    assert "Input should be 'up to 1,000'" in reask.messages[-1]["content"]
    assert "Input should be 'sent' or 'other'" in reask.messages[-1]["content"]
    assert "  b.txt: 1 records, 1 verified" in r.lines
    assert sources() == ["b.txt"]


def test_answer_missing_a_field_breaks_the_schema(fake: FakeOpenAI) -> None:
    """An answer in the old shape (figure, what, status only) lacks the parties."""
    old_shape = json.dumps({"figure": "up to 1,000", "what": "sent", "status": "actual"})
    fake.push(content(old_shape))
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-reasks", "0")
    assert r.code == 1
    assert r.lines[-1] == (
        "Error: a.txt: no usable answer after 1 try (--max-reasks): the model's answer "
        "broke the answer schema (sender: Field required; receiver: Field required; "
        "claimant: Field required)"
    )
    assert len(fake.chat_requests) == 1


def test_invented_figure_breaks_the_schema_and_the_reask_gets_the_source_form(
    fake: FakeOpenAI,
) -> None:
    """The figure is forced to the number asked about, as the source writes it: a model
    that drops the hedge ("1,000" for "up to 1,000") breaks the schema, is told the
    one figure it may give, and its corrected answer is used and verifies."""

    def drop_hedge(ans: dict[str, Any], req: FakeRequest) -> dict[str, Any]:
        return {**ans, "figure": "1,000"}

    fake.push(answer(drop_hedge))  # then the default: a correct answer
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-reasks", "1", "-o", "out.json")
    assert r.code == 0, r.stderr
    assert "  a.txt: 1 records, 1 verified" in r.lines
    first, reask = fake.chat_requests
    schema = first.body["response_format"]["schema"]
    assert schema["properties"]["figure"]["const"] == "up to 1,000"
    assert json.loads(first.raw)["messages"][0] == reask.messages[0]
    assert reask.messages[-1]["role"] == "user"
    assert "Input should be 'up to 1,000'" in reask.messages[-1]["content"]
    assert "input_value='1,000'" in reask.messages[-1]["content"]
    (record,) = documents()[0]["records"]
    assert record["count"]["text"] == "up to 1,000"
    assert record["count"]["qualifier"] == "at_most"
    assert record["verification"]["verified"] is True


#: A party the evidence does not name, for the record that fails verification below.
UNSAID = "Belarus"


@pytest.fixture
def misassembled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records from an answer naming "North Korea" as sender say "Belarus" instead.

    Every choice the extract prompt offers is a span of the number's own evidence, so no
    answer the schema allows fails the real verifier; to reach the verifier's re-ask
    this plays an assembly that got the sender wrong. The real verifier then judges
    the record, and its reason goes back to the model.
    """
    import llmbrief.assemble as assemble

    real = assemble.number_record

    def number_record(text: str, r: Any, answer: dict[str, Any]) -> Any:
        record = real(text, r, answer)
        if record is None or answer.get("sender") != "North Korea":
            return record
        spans = [s for s in record.spans if s.field != "sender"]
        return record.model_copy(update={"sender": UNSAID, "spans": spans})

    monkeypatch.setattr(assemble, "number_record", number_record)


def _party_unsaid_reason() -> str:
    return f'sender "{UNSAID}" is not in this record\'s evidence quotes'


@pytest.mark.usefixtures("misassembled")
def test_failed_verification_is_reasked_with_the_verifier_reason_then_kept_unverified(
    fake: FakeOpenAI,
) -> None:
    # the default answer takes the first choice: sender "North Korea", every time
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-reasks", "1", "-o", "out.json")
    assert r.code == 0, r.stderr
    assert "  a.txt: 1 records, 0 verified" in r.lines
    first, reask = fake.chat_requests
    assert json.loads(first.raw)["messages"][0] == reask.messages[0]
    assert reask.messages[-1]["role"] == "user"
    assert _party_unsaid_reason() in reask.messages[-1]["content"]
    (record,) = documents()[0]["records"]
    assert record["sender"] == UNSAID
    assert record["count"]["text"] == "up to 1,000"
    assert record["verification"]["verified"] is False
    (problem,) = record["verification"]["problems"]
    assert problem["status"] == "attribute_not_in_evidence"
    assert problem["field"] == "sender" and problem["text"] == UNSAID


@pytest.mark.usefixtures("misassembled")
def test_failed_verification_then_a_better_answer_is_used(fake: FakeOpenAI) -> None:
    def no_sender(ans: dict[str, Any], req: FakeRequest) -> dict[str, Any]:
        return {**ans, "sender": "none"}

    fake.default = answer(no_sender)
    fake.push(answer())  # first: sender "North Korea", which fails verification
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-reasks", "1", "-o", "out.json")
    assert r.code == 0, r.stderr
    assert "  a.txt: 1 records, 1 verified" in r.lines
    assert any(line.startswith("Usage: 2 calls, 1 re-asks,") for line in r.lines), r.lines
    _, reask = fake.chat_requests
    assert _party_unsaid_reason() in reask.messages[-1]["content"]
    (record,) = documents()[0]["records"]
    # "none" does not undo the sender the grammar ties to the number: the record
    # names it, assembled right this time, and verified
    assert record["sender"] == "North Korea" and record["receiver"] == "Russia"
    assert record["verification"]["verified"] is True


def test_answer_cut_off_by_token_limit(fake: FakeOpenAI) -> None:
    fake.push(content('{"figure": "up to 1,0', finish_reason="length"))
    a, b = two_articles()
    r = extract(fake, a, b, "-o", "out.json")
    assert r.code == 4, r.stderr
    assert "  a.txt: FAILED: the answer was cut off by the token limit (max_tokens)" in r.lines
    assert sources() == ["b.txt"]


def test_not_json_at_all_from_the_server(fake: FakeOpenAI) -> None:
    fake.default = lambda req: Reply(200, "<html>502 Bad Gateway</html>")
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-reasks", "0")
    assert r.code == 1
    assert r.lines[-1].startswith("Error: a.txt: no usable answer after 1 try (--max-reasks): ")


def test_401_not_retried_names_the_setting_never_the_key(
    fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, workdir: Path
) -> None:
    secret = "sk-test-SECRET123"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    # a server that echoes the key back, as some do
    fake.default = status(401, f"Incorrect API key provided: {secret}")
    write("a.txt", GOOD)
    r = extract(fake, "a.txt", "--max-retries", "3", "-o", "out.json")
    assert r.code == 1
    assert r.lines[-1] == (
        f"Error: a.txt: {fake.url} refused the API key (HTTP 401): "
        "set OPENAI_API_KEY to a valid key"
    )
    (req,) = fake.chat_requests  # exactly one request: not retried
    assert req.headers["authorization"] == f"Bearer {secret}"  # the key was sent...
    logs = cli("logs", "--full")
    assert "401" in logs.stdout
    # ...and is nowhere else
    assert secret not in r.stdout + r.stderr + logs.stdout + logs.stderr
    assert not Path("out.json").exists()
    for f in (workdir / "cache").iterdir():
        assert secret.encode() not in f.read_bytes(), f


# --- nothing lost -----------------------------------------------------------------


def test_partial_run_writes_what_succeeded_with_a_summary(fake: FakeOpenAI) -> None:
    write("a.txt", GOOD)
    write("empty.txt", "")
    write("c.txt", OTHER)
    fake.push(status(400, "bad request"))  # a fails on the model, empty on its input, c succeeds
    r = extract(fake, "a.txt", "empty.txt", "c.txt", "nope.txt", "-o", "out.json")
    assert r.code == 4
    assert r.lines[:4] == [
        "  nope.txt: FAILED: no such file or folder",
        f"  a.txt: FAILED: {fake.url} answered HTTP 400: bad request",
        "  empty.txt: FAILED: empty article (no text)",
        "  c.txt: 1 records, 1 verified",
    ]
    assert r.lines[-2:] == ["Wrote out.json", "3 of 4 inputs failed; the rest were written"]
    assert sources() == ["c.txt"]


def test_401_stops_the_run_before_more_doomed_calls(fake: FakeOpenAI) -> None:
    a, b = two_articles()
    fake.push(status(401))
    r = extract(fake, a, b, "-o", "out.json")
    assert r.code == 1  # nothing was done: every input failed, none on its input
    assert len(fake.chat_requests) == 1
    assert r.lines[:2] == [
        f"  a.txt: FAILED: {fake.url} refused the API key (HTTP 401): "
        "set OPENAI_API_KEY to a valid key",
        "  b.txt: FAILED: not done (stopped after the authentication error)",
    ]


def test_failed_rerun_keeps_previous_output(fake: FakeOpenAI) -> None:
    write("a.txt", GOOD)
    assert extract(fake, "a.txt", "-o", "out.json").code == 0
    before = Path("out.json").read_text()
    url = f"http://127.0.0.1:{free_port()}/v1"
    r = extract(url, "a.txt", "-o", "out.json", "--no-cache", "--max-retries", "0")
    assert r.code == 1
    assert Path("out.json").read_text() == before


def _subprocess_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLMBRIEF_"))}
    env["LLMBRIEF_DB"] = str(tmp / "cache" / "llmbrief.db")
    env.pop("PYTHONPATH", None)
    return env


#: the command, run as a real process
LLMBRIEF = (sys.executable, "-m", "llmbrief")


def _fake_flags(fake: FakeOpenAI) -> tuple[str, ...]:
    return ("--base-url", fake.url, "--model", "fake")


def _interruptible() -> None:
    """In the child before it runs llmbrief: Ctrl-C at its default, as at a terminal.

    A shell starts a background job with SIGINT ignored and children inherit that, so
    a suite run with ``&`` would otherwise test a process that cannot be interrupted."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(tmp: Path, fake: FakeOpenAI, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*LLMBRIEF, "extract", "arts", "-o", "out.json", *_fake_flags(fake), *extra],
        cwd=tmp,
        env=_subprocess_env(tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(f"the run ended before writing {path}: {proc.returncode}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{path} was not written within {timeout} s")
        time.sleep(0.02)


def _bodies(requests: list[FakeRequest]) -> list[str]:
    # a request cut off mid-send by the signal has no whole body: it was never answered
    return [json.dumps(r.body, sort_keys=True) for r in requests if r.body is not None]


@pytest.mark.parametrize(
    ("sig", "extra"),
    [(signal.SIGINT, ()), (signal.SIGTERM, ()), (signal.SIGINT, ("-j", "2"))],
    ids=["SIGINT", "SIGTERM", "SIGINT-j2"],
)
def test_interrupt_keeps_finished_articles_and_rerun_uses_the_cache(
    workdir: Path, sig: signal.Signals, extra: tuple[str, ...]
) -> None:
    for i in range(4):
        write(f"arts/{i}.txt", three_questions(i))
    with FakeOpenAI(delay_ms=150) as fake:
        proc = _start(workdir, fake, *extra)
        _wait_for(workdir / "out.json", proc)
        sent_at = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
        assert time.monotonic() - sent_at < 5  # stops promptly, even with -j 2
        assert proc.returncode == 130, err
        assert "Traceback" not in err + out
        done = sources()
        assert 1 <= len(done) < 4
        not_done = 4 - len(done)
        assert f"Interrupted: {not_done} of 4 inputs not done (" in err
        verb = "is" if len(done) == 1 else "are"
        assert f"; the {len(done)} finished {verb} in out.json; run again to do the rest" in err
        for path in done:
            assert f"  {path}: 3 records, 3 verified" in err
        assert err.count("not done (interrupted)") == not_done

        # the re-run does the rest, and asks nothing that was answered before
        first_run = _bodies(fake.chat_requests)
        fake.delay = 0
        r = cli("extract", "arts", "-o", "out.json", "--base-url", fake.url, "--model", "fake")
        assert r.code == 0, r.stderr
        assert sources() == [f"arts/{i}.txt" for i in range(4)]
        second_run = _bodies(fake.chat_requests)[len(first_run) :]
    repeated = set(first_run) & set(second_run)
    # at most the questions that were in flight when the signal came
    assert len(repeated) <= (2 if extra else 1)
    assert len(first_run) + len(second_run) - len(repeated) == 12


def test_interrupt_without_output_file_prints_finished_on_stdout(workdir: Path) -> None:
    for i in range(3):
        write(f"arts/{i}.txt", three_questions(i))
    with FakeOpenAI(delay_ms=150) as fake:
        proc = subprocess.Popen(
            [*LLMBRIEF, "extract", "arts", *_fake_flags(fake)],
            cwd=workdir,
            env=_subprocess_env(workdir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_interruptible,
        )
        deadline = time.monotonic() + 30
        while len(fake.chat_requests) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)  # the first article's three questions are answered
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert [d["source"]["path"] for d in json.loads(out)] == ["arts/0.txt"]
    assert "; the 1 finished is on stdout; run again to do the rest from the cache." in err


def test_kill_9_leaves_cache_and_call_log_usable(workdir: Path) -> None:
    for i in range(3):
        write(f"arts/{i}.txt", three_questions(i))
    with FakeOpenAI(delay_ms=100) as fake:
        proc = _start(workdir, fake)
        _wait_for(workdir / "out.json", proc)
        time.sleep(0.15)  # somewhere in the second article
        proc.kill()
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL

        db = workdir / "cache" / "llmbrief.db"
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            # the cache holds the model's answers and each article's parse ("analysis:…")
            cached = conn.execute(
                "SELECT count(*) FROM cache WHERE key NOT LIKE 'analysis:%'"
            ).fetchone()[0]
            parsed = conn.execute(
                "SELECT count(*) FROM cache WHERE key LIKE 'analysis:%'"
            ).fetchone()[0]
            logged = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
        assert cached >= 3  # the first article's answers at least
        assert 1 <= parsed <= 3  # parsed before it is asked about
        assert logged >= cached
        assert documents()  # the output file is whole JSON

        first_run = _bodies(fake.chat_requests)
        fake.delay = 0
        r = cli("extract", "arts", "-o", "out.json", "--base-url", fake.url, "--model", "fake")
        assert r.code == 0, r.stderr
        second_run = _bodies(fake.chat_requests)[len(first_run) :]
    assert len(second_run) == 9 - cached  # every cached answer was used
    assert len(documents()) == 3


# --- several questions at once --------------------------------------------------


def _most_at_once(requests: list[FakeRequest], held: float) -> int:
    """Most requests the server held at the same time (each is held ``held`` seconds)."""
    times = sorted(r.at for r in requests)
    return max(sum(1 for u in times if t <= u < t + held) for t in times)


@pytest.mark.parametrize(("jobs", "at_once"), [("1", 1), ("3", 3)])
def test_one_articles_questions_are_asked_together_with_concurrency(
    workdir: Path, jobs: str, at_once: int
) -> None:
    write("arts/0.txt", three_questions(0))
    with FakeOpenAI(delay_ms=400) as fake:
        proc = subprocess.run(
            [*LLMBRIEF, "extract", "arts", "-o", "out.json", "-j", jobs, *_fake_flags(fake)],
            cwd=workdir, env=_subprocess_env(workdir), capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        asked = list(fake.chat_requests)
    assert proc.returncode == 0, proc.stderr
    assert len(asked) == 3
    assert _most_at_once(asked, 0.4) == at_once
    (doc,) = documents()
    starts = [r["evidence"][0]["start"] for r in doc["records"]]
    assert len(starts) == 3 and starts == sorted(starts)  # the article's order, however asked
