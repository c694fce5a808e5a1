"""Collecting a batch: an engine's output file into the answer cache.

Takes a batch output file (the OpenAI Batch API format, which ``vllm
run-batch`` also writes: ``custom_id``, ``response.status_code``,
``response.body``, ``error``) for requests that :mod:`llmbrief.batch` wrote;
gives cached answers, exactly those a live run would have cached: each body
is fed to instructor as the answer to its request, so the answer is validated
against its question's answer model and the verifier runs inside it, as live.
An answer that fails gives the re-ask instructor would send, written to a
next-round request file (as many rounds as ``--max-reasks`` allows).

Every line stands alone: a bad one is reported with its reason and counted,
the rest are kept. A line already collected changes nothing. Lines are read
one at a time; a few recent articles are kept for lines that come in order.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from llmbrief.batch import (
    NOTE_PREFIX,
    PENDING_PREFIX,
    HoldingTransport,
    custom_id,
    held_request,
    new_extractor,
    open_holding_backend,
    parse_custom_id,
    request_line,
)
from llmbrief.config import Settings
from llmbrief.documents import read_article, sha256_text
from llmbrief.errors import InputError, LLMBriefError
from llmbrief.extractor import ArticleExtractor, Question

if TYPE_CHECKING:
    from llmbrief.llm import Backend
    from llmbrief.store import Store

#: Articles kept parsed at once (an engine that keeps the input order needs one).
RECENT_ARTICLES = 8


@dataclass
class LineFailure:
    """A line that could not be used, and why."""

    line: int
    custom_id: str | None
    reason: str


@dataclass
class CollectResult:
    """What ``collect`` did with each line."""

    lines: int = 0
    stored: int = 0
    unchanged: int = 0
    reasked: int = 0
    failures: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    next_round: Path | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def kept(self) -> int:
        """Lines that were used (stored, already there, or re-asked)."""
        return self.stored + self.unchanged + self.reasked


class _Bad(Exception):
    """This line cannot be used: ``kind`` for the counts, the message for the user."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class _Run:
    settings: Settings
    extractor: ArticleExtractor
    backend: Backend
    holder: HoldingTransport


@dataclass
class _Article:
    display: str
    questions: dict[str, Question]


class Collector:
    """Collects output lines into one cache database; writes re-asks to ``next_round``."""

    def __init__(self, store: Store, db_path: str, next_round: Path) -> None:
        self.store = store
        self.db_path = db_path
        self.next_round = next_round
        self._next: IO[str] | None = None
        self._runs: dict[str, _Run] = {}
        self._articles: OrderedDict[tuple[str, str, str], _Article] = OrderedDict()
        #: the token usage the last line's engine reported, if any
        self.usage: dict[str, Any] | None = None

    def line(self, raw: str) -> str:
        """Use one output line; returns ``stored``, ``unchanged`` or ``reasked``, or raises."""
        try:
            line = json.loads(raw)
        except ValueError:
            raise _Bad("not JSON", "not a JSON line") from None
        if not isinstance(line, dict):
            raise _Bad("not JSON", "not a JSON object")
        pid = parse_custom_id(line.get("custom_id"))
        if pid is None:
            raise _Bad("unknown custom_id", "custom_id not written by llmbrief batch prepare")
        note = self.store.get(NOTE_PREFIX + pid.base)
        if note is None:
            raise _Bad("unknown custom_id", "custom_id not prepared with this cache database")
        body = _body(line)
        self.usage = body.get("usage") if isinstance(body.get("usage"), dict) else None
        run = self._run(note["settings"])
        article = self._article(note, pid.article_sha, run)
        q = article.questions.get(pid.base)
        if q is None:
            raise _Bad(
                "question gone",
                "the article no longer has this question (llmbrief changed since prepare)",
            )
        if self.store.get(q.key) is not None:
            return "unchanged"
        responses = [*self._earlier(pid.base, pid.round), body]
        try:
            nxt = held_request(
                run.extractor, run.backend, run.holder, q, article.display, responses
            )
        except LLMBriefError as err:
            raise _Bad("malformed body", f"unusable answer: {err}") from None
        if nxt is None:
            return "stored"
        pending = self.store.get(PENDING_PREFIX + pid.base)
        longer = pending is not None and pending["responses"][: len(responses)] == responses
        if not longer:
            self.store.put(PENDING_PREFIX + pid.base, {"responses": responses})
        self._write(request_line(custom_id(pid.article_sha, q, pid.round + 1), nxt))
        return "reasked"

    def _earlier(self, base: str, round_: int) -> list[dict[str, Any]]:
        if round_ == 1:
            return []
        pending = self.store.get(PENDING_PREFIX + base)
        earlier: list[dict[str, Any]] = (pending or {}).get("responses", [])[: round_ - 1]
        if len(earlier) < round_ - 1:
            raise _Bad(
                "round out of order",
                f"re-ask round {round_} before the answers of the rounds before it were collected",
            )
        return earlier

    def _run(self, note: dict[str, Any]) -> _Run:
        tag = json.dumps(note, sort_keys=True)
        run = self._runs.get(tag)
        if run is None:
            settings = Settings(**note, db_path=self.db_path)
            backend, holder = open_holding_backend(settings)
            run = _Run(settings, new_extractor(settings, self.store), backend, holder)
            self._runs[tag] = run
        return run

    def _article(self, note: dict[str, Any], sha: str, run: _Run) -> _Article:
        from llmbrief.analysis import analyse

        path, display = str(note["path"]), str(note["display"])
        k = (path, sha, json.dumps(note["settings"], sort_keys=True))
        found = self._articles.get(k)
        if found is not None:
            self._articles.move_to_end(k)
            return found
        try:
            text = read_article(path)
        except InputError as err:
            raise _Bad("article gone", f"the article cannot be read any more: {err}") from None
        if sha256_text(text) != sha:
            raise _Bad("article changed", f"{display} changed since the batch was prepared")
        parsed = analyse(text, self.store)
        questions = {custom_id(sha, q): q for q in run.extractor.questions(text, sha, parsed)}
        article = _Article(display, questions)
        self._articles[k] = article
        if len(self._articles) > RECENT_ARTICLES:
            self._articles.popitem(last=False)
        return article

    def _write(self, text: str) -> None:
        if self._next is None:
            part = self.next_round.with_name(self.next_round.name + ".part")
            self._next = part.open("w", encoding="utf-8")
        self._next.write(text)

    def close(self, complete: bool) -> Path | None:
        """Finish the next-round file: in place when ``complete``, else removed."""
        if self._next is None:
            return None
        self._next.close()
        part = Path(self._next.name)
        self._next = None
        if not complete:
            part.unlink(missing_ok=True)
            return None
        os.replace(part, self.next_round)
        return self.next_round


def _body(line: dict[str, Any]) -> dict[str, Any]:
    """The chat completion a line carries, or the reason it carries none."""
    error = line.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else None
        raise _Bad("error line", f"the engine reported an error: {message or error}")
    response = line.get("response")
    if not isinstance(response, dict):
        raise _Bad("malformed body", "no response")
    body = response.get("body")
    status = response.get("status_code")
    if status != 200:
        raise _Bad("error line", f"the engine answered HTTP {status}: {_message(body)}")
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(choices, list) or not choices:
        raise _Bad("malformed body", "the response body is no chat completion (no choices)")
    return body


def _message(body: Any) -> str:
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])[:200]
    return str(body)[:200]


def collect(
    results: Path,
    db_path: str,
    next_round: Path,
    *,
    on_failure: Callable[[LineFailure], None] | None = None,
) -> CollectResult:
    """Collect every line of ``results``; re-asks go to ``next_round`` (written only if any)."""
    from llmbrief.store import Store

    try:
        fh = results.open(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{results}: cannot read ({err.strerror or err})") from None
    result = CollectResult()
    store = Store(db_path)
    collector = Collector(store, db_path, next_round)
    complete = False
    try:
        with fh:
            for n, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                result.lines += 1
                try:
                    outcome = collector.line(raw)
                except _Bad as bad:
                    result.failures += 1
                    result.by_reason[bad.kind] = result.by_reason.get(bad.kind, 0) + 1
                    if on_failure is not None:
                        on_failure(LineFailure(n, _cid(raw), str(bad)))
                    continue
                setattr(result, outcome, getattr(result, outcome) + 1)
                _add_usage(result, collector.usage)
        complete = True
    except UnicodeDecodeError as err:
        raise InputError(f"{results}: not UTF-8 text ({err.reason})") from None
    finally:
        result.next_round = collector.close(complete)
        store.close()
    return result


def _cid(raw: str) -> str | None:
    try:
        cid = json.loads(raw).get("custom_id")
    except (ValueError, AttributeError):
        return None
    return cid if isinstance(cid, str) else None


def _add_usage(result: CollectResult, usage: dict[str, Any] | None) -> None:
    for name in ("prompt_tokens", "completion_tokens"):
        value = (usage or {}).get(name)
        if isinstance(value, int):
            setattr(result, name, getattr(result, name) + value)
