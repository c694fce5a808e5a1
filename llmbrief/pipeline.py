"""Runs: extract articles, verify record files, render briefs.

The library functions the CLI calls. Each takes paths and settings, does the
work, and returns a result object; they never print (progress goes through a
callback) and never exit.
"""

from __future__ import annotations

import functools
import gc
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmbrief.ahead import Ahead
from llmbrief.cassettes import cassette
from llmbrief.config import Settings, mode_for, model_for
from llmbrief.documents import (
    display_path,
    documents_to_json,
    find_articles,
    read_article,
    sha256_text,
    write_text_atomic,
)
from llmbrief.errors import (
    AuthError,
    ConfigError,
    InputError,
    LLMBriefError,
    LLMError,
    NotAvailableError,
    PromptError,
    cause_chain,
)
from llmbrief.models import Document, PromptRef, Provenance, Record, Source, Usage

if TYPE_CHECKING:
    from llmbrief.analysis import Parsed

#: Articles read and sent to be parsed ahead of the one a run takes, at least
#: (twice the concurrency when that is more): parsing keeps ahead of asking.
LOOKAHEAD = 8

ProgressFn = Callable[[str, int, int], None]


@dataclass
class ArticleResult:
    """What became of one input."""

    path: str
    document: Document | None = None
    error: str | None = None
    #: the error itself, so callers can tell a bad input from a model failure
    exception: LLMBriefError | None = None

    @property
    def ok(self) -> bool:
        """True when the article produced a document."""
        return self.document is not None


@dataclass
class ExtractResult:
    """A whole run: per-input results, in input order, and the usage totals."""

    results: list[ArticleResult] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def documents(self) -> list[Document]:
        """The documents of the articles that succeeded."""
        return [r.document for r in self.results if r.document is not None]

    @property
    def failed(self) -> list[ArticleResult]:
        """The inputs that failed."""
        return [r for r in self.results if r.error is not None]


# --- extraction -------------------------------------------------------------


_gc_frozen = False


@contextmanager
def _gc_paused_then_frozen() -> Iterator[None]:
    """No garbage collection while a backend opens; then, once per process, freeze.

    Opening the first backend imports openai and instructor: hundreds of
    thousands of long-lived objects, which the collector walked 300 times
    (0.22 s) during the imports and again in every full collection after.
    Freezing moves what exists then out of the collector's sight for good;
    whatever becomes garbage later is still collected (bench/README.md).
    """
    global _gc_frozen
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not _gc_frozen:
            _gc_frozen = True
            gc.freeze()
        if enabled:
            gc.enable()


class _LazyBackend:
    """Opens the backend on the first question the cache cannot answer."""

    def __init__(self, settings: Settings, store: Any, replay: bool) -> None:
        self.settings = settings
        self.store = store
        self.replay = replay
        self._backend: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._backend is None:
                from llmbrief.llm import open_backend

                with _gc_paused_then_frozen():
                    self._backend = open_backend(
                        self.settings, store=self.store, replay=self.replay
                    )
            return self._backend

    def prepare(self) -> None:
        """Get ready for the first question before it comes (the run calls this while
        spaCy loads in its own process): the backend opened, when that loads no model
        (an endpoint, a replay); else the client libraries imported, and the embedded
        model left to load when first asked."""
        from llmbrief.llm import import_clients, loads_a_model

        if not loads_a_model(self.settings, replay=self.replay):
            self.get()
            return
        with _gc_paused_then_frozen():
            import_clients()

    @property
    def opened(self) -> Any:
        return self._backend


def _provenance(settings: Settings, usage: dict[str, Any], analysis: str | None) -> Provenance:
    from llmbrief.prompts import get_prompt

    extract_p = get_prompt(settings.prompt)
    visit_p = get_prompt(str(extract_p.meta.get("visit_prompt", "visit@v1")))
    return Provenance(
        prompt=extract_p.name,
        prompt_version=extract_p.version,
        prompt_sha256=extract_p.sha256,
        model=model_for(settings),
        backend=settings.backend,
        created_at=datetime.now(UTC).replace(microsecond=0),
        prompts=[
            PromptRef(name=p.name, version=p.version, sha256=p.sha256) for p in (extract_p, visit_p)
        ],
        analysis=analysis,
        usage=Usage(**usage),
    )


@functools.cache
def _records_schema_sha() -> str:
    """The sha256 of the records JSON Schema (part of every cache key): made once.

    Generating the schema takes ~30 ms of CPU; doing it for every question cost more
    CPU than the rest of a question's work together (bench/README.md).
    """
    from llmbrief.models import document_json_schema

    return sha256_text(json.dumps(document_json_schema(), sort_keys=True))


class ArticleExtractor:
    """Extracts one article's records, question by question, through cache and backend."""

    def __init__(self, settings: Settings, store: Any, backend: _LazyBackend) -> None:
        from llmbrief.prompts import get_prompt

        self.settings = settings
        self.store = store
        self.backend = backend
        self.number_prompt = get_prompt(settings.prompt)
        if self.number_prompt.meta.get("analysis") != "parse":
            raise PromptError(
                f"{self.number_prompt.ref} was written for the extraction before the parse "
                "(llmbrief 0.1) and no longer runs; use extract@v4 or later"
            )
        # each extract version names the visit prompt it was measured with
        self.visit_prompt = get_prompt(str(self.number_prompt.meta.get("visit_prompt", "visit@v1")))
        self.model = model_for(settings)
        self.mode = mode_for(settings)
        #: answers taken from the cache in this run (all articles)
        self.cached = 0
        self._cached_lock = threading.Lock()
        #: set when the run is interrupted: workers stop before their next paid call
        self.cancel = threading.Event()
        #: the spaCy pipeline (name@version) that parsed the articles of this run
        self.analysis: str | None = None
        #: called with the article's path after each question is answered (for progress)
        self.on_answer: Callable[[str], None] | None = None

    def _key(self, prompt: Any, article_sha: str, question: dict[str, Any], schema: Any) -> str:
        from llmbrief.store import cache_key

        return cache_key(
            article=article_sha,
            prompt=prompt.ref,
            prompt_sha=prompt.sha256,
            model=self.model,
            backend=self.settings.backend,
            base_url=self.settings.base_url,
            mode=self.mode,
            schema=schema,
            records_schema=_records_schema_sha(),
            question=question,
            max_reasks=self.settings.max_reasks,
        )

    def _ask(self, q: Question, counts: dict[str, int], article_path: str) -> dict[str, Any] | None:
        """One question: from cache, or from the model with re-asks. Returns the final answer."""
        if not self.settings.no_cache and self.store is not None:
            hit = self.store.get(q.key)
            if hit is not None:
                counts["cached"] += 1
                with self._cached_lock:
                    self.cached += 1
                answer: dict[str, Any] | None = hit.get("answer")
                return answer
        if self.cancel.is_set():
            raise _Cancelled
        backend = self.backend.get()
        return self.answer_with(backend, q, counts, article_path)

    def answer_with(
        self, backend: Any, q: Question, counts: dict[str, int], article_path: str
    ) -> dict[str, Any] | None:
        """Ask ``backend`` (no cache lookup), re-asking as instructor does; cache the answer.

        A :class:`QuestionHeld` raised by the backend's transport (a batch file
        takes the request instead of a model) passes through, nothing cached.
        """
        from llmbrief.llm import current_call, explain_llm_error
        from llmbrief.questions import verifying

        token = current_call.set(
            {"article": article_path, "prompt": q.prompt.ref, "model": self.model}
        )
        kept = q.kept
        try:
            with verifying(q.check, kept) if q.check is not None else nullcontext():
                result = backend.ask(
                    content=q.content,
                    response_model=q.model_cls,
                    sampling=q.prompt.sampling,
                    max_reasks=self.settings.max_reasks,
                )
            answer: dict[str, Any] | None = result.model_dump()
        except Exception as err:
            held = next((e for e in cause_chain(err) if isinstance(e, QuestionHeld)), None)
            if held is not None:
                raise held from None
            if not kept or not _is_validation_failure(err):
                explained = explain_llm_error(err, self.settings)
                raise explained from err
            answer = kept[-1][0]  # still failing after the last re-ask: keep it, unverified
        finally:
            current_call.reset(token)
        reasks = max(0, len(kept) - 1)
        counts["reasks"] += reasks
        backend.usage.add(reasks=reasks)
        if self.store is not None:
            self.store.put(q.key, {"answer": answer, "reasks": reasks})
        return answer

    def extract(self, text: str, display: str, parsed: Parsed) -> Document:
        """All records of one article, from its analysis: one question per number and visit."""
        article_sha = sha256_text(text)
        self.analysis = parsed.pipeline
        counts = {"cached": 0, "reasks": 0, "questions": 0}
        answered: list[tuple[Question, dict[str, Any] | None]] = []
        for q in self.questions(text, article_sha, parsed):
            counts["questions"] += 1
            answer = self._ask(q, counts, display)
            answered.append((q, answer))
            if self.on_answer is not None:
                self.on_answer(display)
        return self.assemble(text, article_sha, display, answered)

    def questions(self, text: str, article_sha: str, parsed: Any) -> Iterator[Question]:
        """Every question of an article, in the order they are asked: numbers, then visits.

        Nothing is asked: each question carries its prompt, content, answer model
        and cache key, for :meth:`_ask` or for a batch file.
        """
        from llmbrief.questions import visitor_choices
        from llmbrief.reading import read_numbers
        from llmbrief.visits import read_visits

        for r in read_numbers(text, parsed):
            if r.attachment.meanings[0] == "other":
                continue  # nothing in its clause is counted by any record kind
            yield self._number_question(text, article_sha, r)
        for v in read_visits(parsed):
            if visitor_choices(v):  # a traveller the answer can name
                yield self._visit_question(text, article_sha, v)

    def assemble(
        self,
        text: str,
        article_sha: str,
        display: str,
        answered: Sequence[tuple[Question, dict[str, Any] | None]],
    ) -> Document:
        """The article's verified document from its questions' final answers."""
        from llmbrief.assemble import figure_from, merge_visits, number_record, visit_record
        from llmbrief.verify import verify_record

        records: list[Record] = []
        visit_counts: dict[int, Any] = {}
        for q, answer in answered:
            if answer is None:
                continue
            if q.kind == "number":
                r = q.reading
                if answer["what"] == "visits":
                    visit_counts[r.sentence[0]] = figure_from(r.figure.text, "visits")
                    continue
                record = number_record(text, r, answer)
            else:
                # numbers come first, so a count ("thrice") told in this sentence is known
                v = q.reading
                record = visit_record(text, v, answer, visit_counts.get(v.sentence[0]))
            if record is not None:
                records.append(record)
        final = [verify_record(r, text) for r in merge_visits(records)]
        return Document(
            source=Source(path=display, sha256=article_sha, title=_title(text)),
            records=final,
        )

    def _number_question(self, text: str, article_sha: str, r: Any) -> Question:
        from llmbrief.assemble import number_record
        from llmbrief.llm import schema_of
        from llmbrief.questions import number_answer_model, number_values
        from llmbrief.verify import verify_record

        def check(answer: dict[str, Any]) -> Record | None:
            record = number_record(text, r, answer)
            return None if record is None else verify_record(record, text)

        model_cls = number_answer_model(r)
        words = int(self.number_prompt.meta.get("window_words", 0))
        content = self.number_prompt.render(**number_values(text, r, words))
        at = [r.figure.start, r.figure.end]
        key = self._key(
            self.number_prompt, article_sha, {"at": at, "content": content}, schema_of(model_cls)
        )
        return Question("number", self.number_prompt, content, model_cls, [], key, at, r, check)

    def _visit_question(self, text: str, article_sha: str, v: Any) -> Question:
        from llmbrief.llm import schema_of
        from llmbrief.questions import visit_answer_model, visit_values

        vmodel = visit_answer_model(v)
        content = self.visit_prompt.render(**visit_values(text, v))
        at = [v.sentence[0], v.sentence[1], v.destination.start]
        key = self._key(
            self.visit_prompt, article_sha, {"at": at, "content": content}, schema_of(vmodel)
        )
        return Question("visit", self.visit_prompt, content, vmodel, [], key, at, v)


@dataclass
class Question:
    """One question of an article, ready to ask (or to write into a batch file)."""

    kind: str  # "number" or "visit"
    prompt: Any
    content: str
    model_cls: Any
    #: every answer tried and its record (numbers: filled by the answer model's validator)
    kept: list[Any]
    key: str
    #: raw offsets that place the question in its article
    at: list[int]
    reading: Any
    #: builds and verifies the record an answer describes (numbers; see questions.verifying)
    check: Callable[[dict[str, Any]], Record | None] | None = None


class QuestionHeld(Exception):
    """A backend's transport took the request instead of answering it (a batch file)."""


class _Cancelled(Exception):
    """The run was interrupted: this article stops before its next call to the model."""


def _title(text: str) -> str | None:
    first = text.strip().splitlines()[0].strip(" *#") if text.strip() else ""
    return first[:200] or None


def _is_validation_failure(err: BaseException) -> bool:
    from pydantic import ValidationError

    for e in cause_chain(err):
        if isinstance(e, ValidationError | json.JSONDecodeError):
            return True
        if type(e).__name__ == "InstructorRetryException":
            failed = getattr(e, "failed_attempts", None) or []
            if failed and all(
                isinstance(getattr(a, "exception", None), ValidationError) for a in failed
            ):
                return True
    return False


def extract_paths(
    paths: Sequence[str | Path],
    settings: Settings,
    *,
    output: Path | None = None,
    jsonl: bool = False,
    replay: Path | None = None,
    record: Path | None = None,
    replay_only: bool = False,
    progress: ProgressFn | None = None,
    on_result: Callable[[ArticleResult], None] | None = None,
    on_answer: Callable[[str], None] | None = None,
) -> ExtractResult:
    """Extract records from articles; write ``output`` after each finished article.

    Inputs that fail (unreadable file, model error) are reported in the result
    and the run goes on. ``replay_only`` answers only from a cassette that the
    caller already opened (pytest-recording does this in tests). A
    KeyboardInterrupt stops the run after writing what is done and is re-raised
    with ``result.interrupted`` set on the partial result, available as
    ``err.args[0]``.
    """
    from llmbrief.store import Store

    if output is not None:  # before any paid call, not after the first article
        if output.is_dir():
            raise InputError(f"{output}: is a folder, expected a file to write")
        if not output.parent.exists():
            raise InputError(f"{output}: folder {output.parent} does not exist")
    result = ExtractResult()
    articles: list[Path] = []
    for p in paths:
        try:
            articles.extend(find_articles([p]))
        except InputError as err:
            result.results.append(ArticleResult(path=str(p), error=str(err), exception=err))
    store = Store(settings.db_path)
    order = [ArticleResult(path=display_path(a)) for a in articles]
    result.results.extend(order)
    ahead = Ahead(
        [slot.path for slot in order],
        None if settings.no_cache else store,
        lookahead=max(LOOKAHEAD, 2 * settings.concurrency),
    )
    try:
        parsing = ahead.start()  # first: spaCy loads in its own process while the rest gets ready
        lazy = _LazyBackend(settings, store, replay=replay is not None or replay_only)
        extractor = ArticleExtractor(settings, store, lazy)
    except BaseException:
        store.close()
        raise
    extractor.on_answer = on_answer  # each question answered: its article's path
    lock = threading.Lock()

    def write() -> None:
        docs = [r.document for r in result.results if r.document is not None]
        # nothing finished yet: leave a previous run's file alone rather than empty it
        if output is not None and docs:
            write_text_atomic(output, documents_to_json(docs, jsonl=jsonl))

    def one(i: int) -> ArticleResult:
        slot = order[i]
        try:
            text, parsed = ahead.take(i)
            slot.document = extractor.extract(text, slot.path, parsed)
        except _Cancelled:
            pass  # reported as not done
        except (NotAvailableError, ConfigError):
            raise  # no model, or settings that fail every article alike: one error for the run
        except AuthError as err:
            # every other article would be refused too: stop before more doomed calls
            extractor.cancel.set()
            slot.error = str(err)
            slot.exception = err
        except LLMBriefError as err:
            slot.error = str(err)
            slot.exception = err
        return slot

    done = 0

    def finish(slot: ArticleResult) -> None:
        nonlocal done
        with lock:
            done += 1
            write()
            if progress:
                progress(slot.path, done, len(articles))
            if on_result:
                on_result(slot)

    ctx = cassette(replay, record)
    try:
        with ctx:
            if parsing:
                _get_ready(lazy)
            if settings.concurrency <= 1 or len(articles) <= 1:
                for i in range(len(articles)):
                    finish(one(i))
            else:
                with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
                    pending: set[Future[ArticleResult]] = {
                        pool.submit(one, i) for i in range(len(articles))
                    }
                    try:
                        while pending:
                            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                            for f in finished:
                                finish(f.result())
                    except KeyboardInterrupt:
                        # queued articles never start; running ones stop before their
                        # next call (the pool's exit waits for them, not for whole articles)
                        extractor.cancel.set()
                        for f in pending:
                            f.cancel()
                        raise
    except KeyboardInterrupt:
        result.interrupted = True
        for slot in order:
            if slot.document is None and slot.error is None:
                slot.error = "not done (interrupted)"
        _finish_usage(result, lazy, extractor, settings)
        write()
        raise KeyboardInterrupt(result) from None
    finally:
        store.close()
    if extractor.cancel.is_set():
        for slot in order:
            if slot.document is None and slot.error is None:
                slot.error = "not done (stopped after the authentication error)"
                slot.exception = AuthError(slot.error)
    _finish_usage(result, lazy, extractor, settings)
    if output is not None:
        write()
    return result


def _get_ready(lazy: _LazyBackend) -> None:
    """What the first question needs, done while the first articles are parsed elsewhere:
    the modules that read and ask, the records schema's hash, the client libraries."""
    import llmbrief.assemble
    import llmbrief.questions
    import llmbrief.reading
    import llmbrief.verify
    import llmbrief.visits  # noqa: F401

    _records_schema_sha()
    lazy.prepare()


def _finish_usage(
    result: ExtractResult, lazy: _LazyBackend, extractor: ArticleExtractor, settings: Settings
) -> None:
    backend = lazy.opened
    usage = backend.usage.snapshot() if backend is not None else Usage().model_dump()
    usage["cached"] = extractor.cached
    result.usage = usage
    prov = _provenance(settings, usage, extractor.analysis)
    for r in result.results:
        if r.document is not None and r.document.provenance is None:
            r.document = r.document.model_copy(update={"provenance": prov})


# --- verify and render --------------------------------------------------------


@dataclass
class VerifyResult:
    """Documents with verification filled, and what could not be checked."""

    documents: list[Document]
    missing_sources: list[str]
    records: int
    verified: int
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def all_verified(self) -> bool:
        """True when every record of every document passed."""
        return self.records == self.verified and not self.missing_sources


def verify_documents(
    documents: Sequence[Document], *, source_override: Path | None = None
) -> VerifyResult:
    """Verify each document against its source file (``source.path`` or the override)."""
    from llmbrief.verify import verify_document

    out: list[Document] = []
    missing: list[str] = []
    cache: dict[str, str | None] = {}
    for doc in documents:
        path = str(source_override) if source_override else doc.source.path
        if path not in cache:
            try:
                cache[path] = read_article(path)
            except InputError:
                if source_override is not None:
                    raise
                cache[path] = None
        text = cache[path]
        if text is None:
            if path not in missing:
                missing.append(path)
            out.append(doc)
            continue
        out.append(verify_document(doc, text))
    records = sum(len(d.records) for d in out)
    verified = sum(
        1 for d in out for r in d.records if r.verification is not None and r.verification.verified
    )
    texts = {k: v for k, v in cache.items() if v is not None}
    return VerifyResult(out, missing, records, verified, texts)


def render_documents(
    documents: Sequence[Document],
    *,
    title: str | None = None,
    generated_at: datetime | None = None,
) -> tuple[str, VerifyResult]:
    """Verify the documents against their sources, then render the brief.

    ``generated_at`` defaults to the newest ``provenance.created_at`` of the
    documents, so the same records always give the same brief.
    """
    from llmbrief.render import render_brief

    checked = verify_documents(documents)
    if generated_at is None:
        stamps = [
            d.provenance.created_at
            for d in documents
            if d.provenance is not None and d.provenance.created_at is not None
        ]
        generated_at = max(stamps) if stamps else None
    md = render_brief(
        checked.documents,
        title=title,
        generated_at=generated_at,
        missing_sources=checked.missing_sources,
        sources=checked.sources,
    )
    return md, checked


def load_many(paths: Sequence[Path]) -> list[Document]:
    """Documents from several records files."""
    from llmbrief.documents import load_documents

    docs: list[Document] = []
    for p in paths:
        docs.extend(load_documents(p))
    return docs


__all__ = [
    "ArticleResult",
    "ExtractResult",
    "LLMError",
    "VerifyResult",
    "extract_paths",
    "render_documents",
    "verify_documents",
]
