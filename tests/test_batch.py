"""Batch files: prepare, a runner, collect; the cache afterwards answers as a live run would.

The "live" route in most tests here is an extraction against the scripted fake
server (tests/fakeserver.py, not a recording: it answers the first choice of
every field, so some answers fail verification and are re-asked). The batch
route answers its request lines with the same script, through
``batch_runner.run``. Both routes must send the same requests and end with the
same records. One test (marked ``live``) runs the real embedded model, live and
through the local runner, and compares the records.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from llmbrief.batch import parse_custom_id
from llmbrief.batch_collect import collect
from llmbrief.batch_runner import run
from llmbrief.cli import app
from llmbrief.config import resolve_settings
from llmbrief.exitcodes import ExitCode
from llmbrief.pipeline import extract_paths
from tests.fakeserver import (
    FakeOpenAI,
    FakeRequest,
    Reply,
    answer_for_schema,
    completion,
    schema_of,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def scripted_answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The scripted answerer (not a model): the first choice of every field.

    A first attempt whose body hashes odd is answered with text that is no JSON,
    so that some questions are re-asked; the same body always gets the same answer.
    """
    schema, how = schema_of(body)
    tool = body["tools"][0]["function"]["name"] if how == "tools" else None
    text = json.dumps(answer_for_schema(schema))
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).digest()
    if len(body["messages"]) == 1 and digest[0] % 2:
        text = "no JSON here"
    return 200, completion(text, tool_name=tool)


def scripted_step(req: FakeRequest) -> Reply:
    """The fake server's step that answers as :func:`scripted_answer`."""
    status, body = scripted_answer(req.body)
    return Reply(status, body)


def _records(docs: list[Any]) -> list[Any]:
    return [[r.model_dump(mode="json") for r in d.records] for d in docs]


def _cache(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT key, value FROM cache").fetchall())


def _articles(tmp: Path, names: tuple[str, ...]) -> Path:
    folder = tmp / "articles"
    folder.mkdir()
    for name in names:
        shutil.copy(SEEDS / name, folder / name)
    return folder


def _batch_route(
    folder: Path, tmp: Path, flags: dict[str, Any]
) -> tuple[list[dict[str, Any]], int]:
    """prepare -> scripted runner -> collect, round after round; all request bodies sent."""
    from llmbrief.batch import prepare

    settings = resolve_settings(flags)
    requests = tmp / "requests.jsonl"
    prepare([folder], settings, requests)
    sent: list[dict[str, Any]] = []
    rounds = 0
    while requests is not None and requests.exists():
        rounds += 1
        sent += [json.loads(line)["body"] for line in requests.read_text().splitlines()]
        results = tmp / f"results{rounds}.jsonl"
        run(requests, results, scripted_answer)
        nxt = tmp / f"requests{rounds + 1}.jsonl"
        r = collect(results, settings.db_path, nxt)
        assert r.failures == 0, r.by_reason
        requests = r.next_round  # type: ignore[assignment]
    return sent, rounds


@pytest.mark.parametrize("mode", ["llamacpp", "tools"])
def test_batch_route_sends_what_the_live_route_sends_and_gives_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    folder = _articles(tmp_path, ("002_e8782edaaa53b61e.txt", "004_49bd2bcecccfd8d8.txt"))
    with FakeOpenAI(default=scripted_step) as fake:
        flags = {"base_url": fake.url, "model": "m", "mode": mode}
        monkeypatch.setenv("LLMBRIEF_DB", str(tmp_path / "live.db"))
        live = extract_paths([folder], resolve_settings(flags))
        live_bodies = [r.body for r in fake.chat_requests]
        # the script's non-JSON answers were re-asked
        assert any(len(b["messages"]) > 1 for b in live_bodies)

        monkeypatch.setenv("LLMBRIEF_DB", str(tmp_path / "batch.db"))
        sent, rounds = _batch_route(folder, tmp_path, flags)
        assert rounds > 1  # the re-asks went out as later rounds
        # the same requests (re-asks included), whatever their order
        key = lambda b: json.dumps(b, sort_keys=True)  # noqa: E731
        assert sorted(map(key, sent)) == sorted(map(key, live_bodies))

        before = len(fake.chat_requests)
        again = extract_paths([folder], resolve_settings(flags))
        assert len(fake.chat_requests) == before  # answered from the cache: no call
        assert again.usage["calls"] == 0
    assert _records(again.documents) == _records(live.documents)
    # the cache holds the same answers under the same keys as after the live run
    live_answers = {k: v for k, v in _cache(tmp_path / "live.db").items() if len(k) == 64}
    batch_answers = {k: v for k, v in _cache(tmp_path / "batch.db").items() if len(k) == 64}
    assert batch_answers == live_answers


def test_prepare_writes_nothing_secret_and_skips_cached_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-never-written-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    folder = _articles(tmp_path, ("002_e8782edaaa53b61e.txt",))
    out = tmp_path / "requests.jsonl"
    runner = CliRunner()
    args = ["batch", "prepare", str(folder), "-o", str(out)]
    url = ["--base-url", "https://api.openai.com/v1", "--model", "gpt-4o-mini"]
    res = runner.invoke(app, [*args, *url])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert secret not in text and "authorization" not in text.lower()
    lines = [json.loads(x) for x in text.splitlines()]
    assert lines
    for line in lines:
        assert set(line) == {"custom_id", "method", "url", "body"}
        assert (line["method"], line["url"]) == ("POST", "/v1/chat/completions")
        assert line["body"]["model"] == "gpt-4o-mini"
        assert line["body"]["tools"]  # OpenAI's structured output: instructor's TOOLS mode
        pid = parse_custom_id(line["custom_id"])
        assert pid is not None and pid.round == 1
    assert len({x["custom_id"] for x in lines}) == len(lines)
    assert not (tmp_path / "requests.jsonl.part").exists()
    # the same article twice is one set of questions
    twice = runner.invoke(app, ["batch", "prepare", str(folder), str(folder), "-o", str(out)])
    assert twice.exit_code == 0
    assert len(out.read_text().splitlines()) == len(lines)


def _good_and_bad_results(tmp_path: Path) -> tuple[Path, Path, int]:
    """A prepared article, and an output file with one good line per question plus bad ones."""
    from llmbrief.batch import prepare

    folder = _articles(tmp_path, ("002_e8782edaaa53b61e.txt", "004_49bd2bcecccfd8d8.txt"))
    settings = resolve_settings({})
    requests = tmp_path / "requests.jsonl"
    prepare([folder], settings, requests)
    reqs = [json.loads(x) for x in requests.read_text().splitlines()]
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in reqs:
        by_article.setdefault(r["custom_id"][:64], []).append(r)
    kept_sha, changed_sha = sorted(by_article)
    good = by_article[kept_sha]

    def ok(r: dict[str, Any]) -> dict[str, Any]:
        status, body = scripted_answer(r["body"])
        response = {"status_code": status, "body": body}
        return {"id": "x", "custom_id": r["custom_id"], "response": response, "error": None}

    first = good[0]["custom_id"]
    held_back = good.pop()  # only a second-round line of this question comes
    lines = [json.dumps(ok(r)) for r in good]
    lines += [
        "{not json",
        "[1, 2]",
        json.dumps({**ok(good[0]), "custom_id": "request-1"}),  # not ours
        json.dumps({**ok(good[0]), "custom_id": "f" * 64 + first[64:]}),  # not prepared
        json.dumps(
            {
                "custom_id": first,
                "response": None,
                "error": {"code": "server_error", "message": "boom"},
            }
        ),
        json.dumps(
            {
                "custom_id": first,
                "response": {"status_code": 500, "body": {"error": {"message": "overloaded"}}},
                "error": None,
            }
        ),
        json.dumps(
            {
                "custom_id": first,
                "response": {"status_code": 200, "body": {"object": "chat.completion"}},
                "error": None,
            }
        ),
        json.dumps({**ok(held_back), "custom_id": held_back["custom_id"] + ":r2"}),
        json.dumps(ok(by_article[changed_sha][0])),  # its article is edited below
    ]
    results = tmp_path / "results.jsonl"
    results.write_text("\n".join(lines) + "\n")
    changed = next(
        p for p in folder.iterdir() if hashlib.sha256(p.read_bytes()).hexdigest() == changed_sha
    )
    changed.write_text(changed.read_text() + "\nA line added after prepare.\n")
    return results, tmp_path / "db", len(good)


def test_collect_reports_every_bad_line_keeps_the_rest_and_is_idempotent(
    tmp_path: Path, isolated: Path
) -> None:
    results, _, n_good = _good_and_bad_results(tmp_path)
    db = isolated / "llmbrief.db"
    runner = CliRunner()
    res = runner.invoke(app, ["batch", "collect", str(results)])
    assert res.exit_code == ExitCode.PARTIAL, res.output
    for reason in (
        "not a JSON line",
        "not a JSON object",
        "custom_id not written by llmbrief batch prepare",
        "custom_id not prepared with this cache database",
        "the engine reported an error: boom",
        "the engine answered HTTP 500: overloaded",
        "no chat completion",
        "re-ask round 2 before",
        "changed since the batch was prepared",
    ):
        assert reason in res.output, reason
    assert "9 failed" in res.output
    assert f"{n_good + 9} lines:" in res.output  # bad lines are counted too
    first = _cache(db)
    reasks = results.with_name("results.reasks.jsonl")
    first_reasks = reasks.read_text() if reasks.exists() else None

    res2 = runner.invoke(app, ["batch", "collect", str(results)])
    assert res2.exit_code == ExitCode.PARTIAL
    assert " 0 answers stored" in res2.output
    assert {k: v for k, v in _cache(db).items()} == first  # nothing changed
    assert (reasks.read_text() if reasks.exists() else None) == first_reasks


def test_collect_of_nothing_usable_is_an_input_error(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text("{not json\n")
    res = CliRunner().invoke(app, ["batch", "collect", str(results)])
    assert res.exit_code == ExitCode.USAGE
    assert "no line could be used" in res.output


def test_a_reask_round_carries_the_earlier_answer_and_the_reason(tmp_path: Path) -> None:
    from llmbrief.batch import prepare

    folder = _articles(tmp_path, ("002_e8782edaaa53b61e.txt",))
    settings = resolve_settings({"max_reasks": 1})
    requests = tmp_path / "requests.jsonl"
    prepare([folder], settings, requests)
    first = json.loads(requests.read_text().splitlines()[0])
    results = tmp_path / "results.jsonl"
    response = {"status_code": 200, "body": completion("not json at all")}
    bad = {"id": "x", "custom_id": first["custom_id"], "error": None, "response": response}
    results.write_text(json.dumps(bad) + "\n")
    nxt = tmp_path / "round2.jsonl"
    r = collect(results, settings.db_path, nxt)
    assert (r.reasked, r.failures) == (1, 0)
    [line] = [json.loads(x) for x in nxt.read_text().splitlines()]
    assert line["custom_id"] == first["custom_id"] + ":r2"
    messages = line["body"]["messages"]
    assert messages[: len(first["body"]["messages"])] == first["body"]["messages"]
    assert messages[-2] == {"role": "assistant", "content": "not json at all"}
    assert messages[-1]["role"] == "user"  # the reason, for the model to read
    # the last round allowed (--max-reasks 1): a bad answer again fails this question
    again = {**bad, "custom_id": line["custom_id"]}
    results2 = tmp_path / "results2.jsonl"
    results2.write_text(json.dumps(again) + "\n")
    r2 = collect(results2, settings.db_path, tmp_path / "round3.jsonl")
    assert r2.failures == 1 and r2.next_round is None
    good = {**again, "response": {"status_code": 200, "body": scripted_answer(line["body"])[1]}}
    results2.write_text(json.dumps(good) + "\n")
    r3 = collect(results2, settings.db_path, tmp_path / "round3.jsonl")
    assert (r3.stored, r3.failures) == (1, 0)


def test_the_runner_turns_lines_that_are_no_requests_into_error_lines(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    good = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": body}
    requests.write_text(json.dumps(good) + "\nnot json\n" + json.dumps({"custom_id": "b"}) + "\n")
    out = tmp_path / "results.jsonl"
    result = run(requests, out, scripted_answer)
    assert (result.answered, result.errors) == (1, 2)
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert lines[0]["response"]["status_code"] == 200 and lines[0]["error"] is None
    assert [x["custom_id"] for x in lines] == ["a", None, "b"]
    assert all(x["error"] and x["response"] is None for x in lines[1:])


@pytest.mark.live
def test_embedded_local_runner_round_trip_matches_a_live_run(
    tmp_path: Path, in_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prepare -> run-local (the real embedded model) -> collect -> extract from the cache;
    the records equal those of a live run of the same article on another database."""
    monkeypatch.setenv("LLMBRIEF_THREADS", "1")
    seed = "seeds/000_7e81adea1b9a7044.txt"
    runner = CliRunner()
    live = tmp_path / "live.json"
    monkeypatch.setenv("LLMBRIEF_DB", str(tmp_path / "live.db"))
    res = runner.invoke(app, ["extract", seed, "-o", str(live)])
    assert res.exit_code == 0, res.output
    monkeypatch.setenv("LLMBRIEF_DB", str(tmp_path / "batch.db"))
    req, out = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    assert runner.invoke(app, ["batch", "prepare", seed, "-o", str(req)]).exit_code == 0
    assert req.read_text().count("\n") >= 1
    res = runner.invoke(app, ["batch", "run-local", str(req), "-o", str(out)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["batch", "collect", str(out)])
    assert res.exit_code == 0, res.output
    assert " 0 failed" in res.output
    reasks = out.with_name("results.reasks.jsonl")
    for k in range(2, 5):  # the rounds of re-asks, if any, as the README walks through them
        if not reasks.exists():
            break
        out = tmp_path / f"results{k}.jsonl"
        assert (
            runner.invoke(app, ["batch", "run-local", str(reasks), "-o", str(out)]).exit_code == 0
        )
        reasks.unlink()
        assert runner.invoke(app, ["batch", "collect", str(out), "-o", str(reasks)]).exit_code == 0
    batch = tmp_path / "batch.json"
    res = runner.invoke(app, ["extract", seed, "-o", str(batch)])
    assert res.exit_code == 0, res.output
    assert "0 calls" in res.output
    assert _records_of(batch) == _records_of(live)


def _records_of(path: Path) -> list[Any]:
    return [d["records"] for d in json.loads(path.read_text())]


def test_the_local_runner_refuses_a_base_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    requests = tmp_path / "requests.jsonl"
    requests.write_text("")
    res = CliRunner().invoke(app, ["batch", "run-local", str(requests), "-o", str(tmp_path / "o")])
    assert res.exit_code == ExitCode.USAGE
    assert "unset OPENAI_BASE_URL" in res.output
    assert not (tmp_path / "o").exists()


def test_prepare_reports_an_unreadable_input_and_goes_on(tmp_path: Path) -> None:
    folder = _articles(tmp_path, ("000_7e81adea1b9a7044.txt",))
    out = tmp_path / "requests.jsonl"
    missing = tmp_path / "missing.txt"
    runner = CliRunner()
    res = runner.invoke(app, ["batch", "prepare", str(missing), str(folder), "-o", str(out)])
    assert res.exit_code == ExitCode.PARTIAL, res.output
    assert "missing.txt" in res.output and "1 articles" in res.output
    written = out.read_text()
    assert written
    res = runner.invoke(app, ["batch", "prepare", str(missing), "-o", str(out)])
    assert res.exit_code == ExitCode.USAGE
    assert "no article could be read" in res.output
    assert out.read_text() == written  # the earlier file is left alone
