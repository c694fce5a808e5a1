"""The parsing child: the same analyses as this process makes, and failures that say so."""

from __future__ import annotations

import io
import json
import sys
from concurrent.futures import Future
from typing import Any

import pytest

from llmbrief import analysis, parse_process
from llmbrief.analysis import parse_many, to_json
from llmbrief.errors import NotAvailableError
from llmbrief.parse_process import AnalysisFailed, ParseProcess, parser, serve

TEXTS = [
    "Chile said 12,000 troops were sent to the border region last week, officials said.",
    "Headline without a stop\n\nKyiv — “About 300” soldiers arrived.\r\nÉmile said so. 😀",
    "North Korea\nsent\nshells.",
]


def test_the_child_parses_byte_for_byte_as_this_process_does() -> None:
    futures = [parser().submit(t) for t in TEXTS]
    assert [f.result(timeout=120) for f in futures] == [to_json(p) for p in parse_many(TEXTS)]


def test_one_child_for_the_process_kept_between_texts() -> None:
    assert parser() is parser()
    parser().submit(TEXTS[0]).result(timeout=120)
    pid = parser().pid
    parser().submit(TEXTS[1]).result(timeout=120)
    assert pid is not None and parser().pid == pid


def test_a_closed_child_is_started_again() -> None:
    p = ParseProcess()
    first = p.submit(TEXTS[2]).result(timeout=120)
    pid = p.pid
    p.close()
    assert p.pid is None
    assert p.submit(TEXTS[2]).result(timeout=120) == first
    assert p.pid != pid
    p.close()


def test_a_child_that_dies_fails_what_is_pending() -> None:
    p = ParseProcess([sys.executable, "-c", "import sys; sys.stdin.readline(); sys.exit(3)"])
    with pytest.raises(NotAvailableError, match=r"analysis process stopped \(exit code 3\)"):
        p.submit("text").result(timeout=60)


def test_a_garbled_reply_stops_the_child_and_fails_what_is_pending() -> None:
    p = ParseProcess([sys.executable, "-c", "import sys, time; print('not json'); time.sleep(60)"])
    with pytest.raises(NotAvailableError, match="analysis process stopped"):
        p.submit("text").result(timeout=60)


def test_a_child_that_cannot_start_is_one_clear_error(tmp_path: Any) -> None:
    p = ParseProcess([str(tmp_path / "no-such-python")])
    with pytest.raises(NotAvailableError, match="cannot start the analysis process"):
        p.submit("text")


def _serve(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = io.StringIO()
    serve(io.StringIO("".join(json.dumps(x) + "\n" for x in lines)), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_serve_answers_each_request_by_its_number() -> None:
    replies = _serve([{"id": 7, "text": TEXTS[0]}, {"id": 3, "text": TEXTS[2]}])
    assert [r["id"] for r in replies] == [7, 3]
    assert [r["analysis"] for r in replies] == [
        to_json(p) for p in parse_many([TEXTS[0], TEXTS[2]])
    ]


def test_serve_without_spacy_says_so_for_every_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> str:
        raise NotAvailableError("no English spaCy pipeline is installed")

    monkeypatch.setattr(analysis, "pipeline_name", missing)
    replies = _serve([{"id": 0, "text": "a"}, {"id": 1, "text": "b"}])
    assert replies == [
        {"id": i, "unavailable": "no English spaCy pipeline is installed"} for i in (0, 1)
    ]


def test_serve_reports_a_parse_that_raised_and_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    real = analysis.parse_many

    def fragile(texts: Any) -> Any:
        if texts == ["boom"]:
            raise ValueError("spaCy broke")
        return real(texts)

    monkeypatch.setattr(analysis, "parse_many", fragile)
    replies = _serve([{"id": 0, "text": "boom"}, {"id": 1, "text": TEXTS[0]}])
    assert "ValueError: spaCy broke" in replies[0]["error"]
    assert replies[1]["analysis"] == to_json(real([TEXTS[0]])[0])


def test_a_reported_failure_raises_with_the_child_traceback() -> None:
    fut: Future[str] = Future()
    parse_process._settle(fut, {"id": 0, "error": "Traceback ...\nValueError: spaCy broke"})
    with pytest.raises(AnalysisFailed, match="ValueError: spaCy broke"):
        fut.result()


def test_a_child_started_ahead_and_never_given_a_text_is_stopped_unused() -> None:
    idle = ParseProcess([sys.executable, "-c", "import time; time.sleep(60)"])
    idle.start()
    assert idle.pid is not None
    idle.stop_if_unused()
    assert idle.pid is None
    used = ParseProcess()
    used.submit(TEXTS[0]).result(timeout=120)
    used.stop_if_unused()
    assert used.pid is not None  # it has parsed: kept for the run's next articles
    used.close()
