"""Batch files: the questions the cache cannot answer, as OpenAI batch requests.

Takes articles and settings; gives a JSONL file of requests in the OpenAI
Batch API input format (``custom_id``, ``method``, ``url``, ``body``), the
format ``vllm run-batch`` and other OpenAI-compatible batch endpoints read.
Each body is the request the live path would send: it is made by instructor
and openai themselves, through a transport that holds the request instead of
sending it. Articles are read one at a time and lines written as they come.

Every question written is also noted in the cache database (its article's
path, the settings that shape its answer), so that
:mod:`llmbrief.batch_collect` can tell a changed article from an unknown line.
Nothing secret goes into the file or the note: no key, no header.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from llmbrief.config import Settings
from llmbrief.documents import display_path, find_articles, read_article, sha256_text
from llmbrief.errors import InputError, LLMBriefError
from llmbrief.extractor import ArticleExtractor, Question, QuestionHeld

if TYPE_CHECKING:
    import httpx2

    from llmbrief.llm import Backend
    from llmbrief.store import Store

#: The endpoint every request line names.
URL = "/v1/chat/completions"
#: Cache-database keys of the notes written by ``prepare`` and ``collect``.
NOTE_PREFIX = "batch:question:"
PENDING_PREFIX = "batch:pending:"
#: The settings that shape a question's request and its cache key (never the API key).
SETTINGS_KEPT = ("base_url", "model", "mode", "model_path", "max_reasks", "prompt")

_ID = re.compile(
    r"^(?P<sha>[0-9a-f]{64}):(?P<prompt>[\w.-]+@[\w.-]+):"
    r"(?P<kind>[nv])(?P<at>[0-9]+(?:-[0-9]+)*)\.(?P<key>[0-9a-f]{12})(?::r(?P<round>[0-9]+))?$"
)


def custom_id(article_sha: str, q: Question, round_: int = 1) -> str:
    """``<article sha256>:<prompt name@version>:<question>``, ``:r<n>`` for re-ask rounds.

    The question part is its kind and place (``n120-125``: the number at those
    offsets; ``v10-80-33``: a visit) and the start of its cache key, so a
    question prepared under other settings has another id.
    """
    kind = "n" if q.kind == "number" else "v"
    at = "-".join(str(x) for x in q.at)
    base = f"{article_sha}:{q.prompt.ref}:{kind}{at}.{q.key[:12]}"
    return base if round_ == 1 else f"{base}:r{round_}"


@dataclass(frozen=True)
class ParsedId:
    """A custom_id taken apart."""

    base: str  # without the round
    article_sha: str
    prompt: str
    round: int


def parse_custom_id(value: Any) -> ParsedId | None:
    """The parts of a custom_id this module wrote, or None."""
    if not isinstance(value, str):
        return None
    m = _ID.match(value)
    if m is None:
        return None
    round_ = int(m["round"] or 1)
    base = value if m["round"] is None else value[: value.rindex(":r")]
    return ParsedId(base, m["sha"], m["prompt"], round_) if round_ >= 1 else None


def request_line(cid: str, body: dict[str, Any]) -> str:
    """One line of a batch input file."""
    line = {"custom_id": cid, "method": "POST", "url": URL, "body": body}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def settings_note(settings: Settings) -> dict[str, Any]:
    """The settings a question was prepared with (what shapes its request and key)."""
    values = asdict(settings)
    return {k: values[k] for k in SETTINGS_KEPT}


class HoldingTransport:
    """An in-process transport: answers from given bodies, then holds the next request.

    Set :attr:`responses` before a question; when they run out, the request
    instructor sends next is kept in :attr:`held` and :class:`QuestionHeld`
    stops the call. No network, no model.
    """

    def __init__(self) -> None:
        self.responses: list[dict[str, Any]] = []
        self.held: dict[str, Any] | None = None

    def reset(self, responses: Sequence[dict[str, Any]] = ()) -> None:
        """Answer with ``responses`` in order, then hold."""
        self.responses = list(responses)
        self.held = None

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        """Serve one request of the openai client."""
        import httpx2

        if self.responses:
            return httpx2.Response(200, json=self.responses.pop(0))
        self.held = json.loads(request.content)
        raise QuestionHeld


def open_holding_backend(settings: Settings) -> tuple[Backend, HoldingTransport]:
    """A backend for ``settings`` whose requests go to a :class:`HoldingTransport`."""
    import httpx2

    from llmbrief.extractor import gc_paused_then_frozen
    from llmbrief.llm import open_backend

    holder = HoldingTransport()
    with gc_paused_then_frozen():
        backend = open_backend(
            settings, store=None, transport_factory=lambda: httpx2.MockTransport(holder.handle)
        )
    return backend, holder


def new_extractor(settings: Settings, store: Store) -> ArticleExtractor:
    """An extractor whose questions are only listed and fed, never sent to a model."""
    from llmbrief.extractor import LazyBackend

    return ArticleExtractor(settings, store, LazyBackend(settings, store, replay=True))


def held_request(
    extractor: ArticleExtractor,
    backend: Backend,
    holder: HoldingTransport,
    q: Question,
    display: str,
    responses: Sequence[dict[str, Any]] = (),
) -> dict[str, Any] | None:
    """Feed ``responses`` to the question; the request that would be sent next, or None.

    None means the responses settled the question: its answer is now cached,
    as a live run would have cached it.
    """
    holder.reset(responses)
    q.kept.clear()
    try:
        extractor.answer_with(backend, q, display)
    except QuestionHeld:
        if holder.held is None:  # pragma: no cover - the transport sets it before raising
            raise
        return holder.held
    return None


# --- prepare --------------------------------------------------------------------


@dataclass
class PrepareResult:
    """What ``prepare`` did: counts, and the inputs it could not read."""

    articles: int = 0
    duplicates: int = 0
    questions: int = 0
    cached: int = 0
    written: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def _open_part(out: Path) -> tuple[Path, IO[str]]:
    if out.is_dir():
        raise InputError(f"{out}: is a folder, expected a file to write")
    if not out.parent.exists():
        raise InputError(f"{out}: folder {out.parent} does not exist")
    part = out.with_name(out.name + ".part")
    return part, part.open("w", encoding="utf-8")


def prepare(
    paths: Sequence[str | Path],
    settings: Settings,
    out: Path,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> PrepareResult:
    """Write one batch request per question the cache cannot answer, article by article.

    The file appears under ``out`` only when complete (it is written as
    ``out.part`` first). An unreadable input is reported in the result and
    skipped; the same article twice is written once.
    """
    from llmbrief.store import Store

    result = PrepareResult()
    part, fh = _open_part(out)
    store = Store(settings.db_path)
    try:
        extractor = new_extractor(settings, store)
        backend, holder = open_holding_backend(settings)
        seen: set[str] = set()
        for path, display in _articles(paths, result):
            try:
                text = read_article(display)
            except InputError as err:
                result.failed.append((display, str(err)))
                continue
            sha = sha256_text(text)
            if sha in seen:
                result.duplicates += 1
                continue
            seen.add(sha)
            result.articles += 1
            asked, lines = _article_lines(extractor, backend, holder, text, sha, path, display)
            for cid, body in lines:
                fh.write(request_line(cid, body))
            result.questions += asked
            result.written += len(lines)
            result.cached = result.questions - result.written
            fh.flush()
            if progress is not None:
                progress(display, result.articles)
    except BaseException:
        fh.close()
        part.unlink(missing_ok=True)
        raise
    finally:
        store.close()
    fh.close()
    if result.failed and not result.articles:
        part.unlink(missing_ok=True)  # nothing could be read: an earlier file stays as it was
        return result
    os.replace(part, out)
    return result


def _articles(paths: Sequence[str | Path], result: PrepareResult) -> Iterator[tuple[Path, str]]:
    for p in paths:
        try:
            found = find_articles([p])
        except InputError as err:
            result.failed.append((str(p), str(err)))
            continue
        for a in found:
            yield a, display_path(a)


def _article_lines(
    extractor: ArticleExtractor,
    backend: Backend,
    holder: HoldingTransport,
    text: str,
    sha: str,
    path: Path,
    display: str,
) -> tuple[int, list[tuple[str, dict[str, Any]]]]:
    """How many questions the article has, and the request lines of the uncached ones.

    Each question written is noted in the cache database.
    """
    from llmbrief.analysis import analyse

    store = extractor.store
    parsed = analyse(text, store)
    note = settings_note(extractor.settings)
    lines: list[tuple[str, dict[str, Any]]] = []
    asked = 0
    for q in extractor.questions(text, sha, parsed):
        asked += 1
        if store.get(q.key) is not None:
            continue
        body = held_request(extractor, backend, holder, q, display)
        if body is None:  # pragma: no cover - with no responses the first request is held
            raise LLMBriefError(f"{display}: a question was settled without an answer")
        cid = custom_id(sha, q)
        store.put(
            NOTE_PREFIX + cid,
            {"path": str(path.resolve()), "display": display, "settings": note, "key": q.key},
        )
        lines.append((cid, body))
    return asked, lines
