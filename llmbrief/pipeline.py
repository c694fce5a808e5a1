"""Runs: extract articles, verify record files, render briefs.

The library functions the CLI calls. Each takes paths and settings, does the
work, and returns a result object; they never print (progress goes through a
callback) and never exit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmbrief.ahead import Ahead
from llmbrief.cassettes import cassette
from llmbrief.config import Settings, model_for
from llmbrief.documents import (
    display_path,
    documents_to_json,
    find_articles,
    read_article,
    write_text_atomic,
)
from llmbrief.errors import (
    AuthError,
    ConfigError,
    InputError,
    LLMBriefError,
    LLMError,
    NotAvailableError,
)
from llmbrief.extractor import (
    ArticleExtractor,
    Cancelled,
    LazyBackend,
    records_schema_sha,
)
from llmbrief.models import Document, PromptRef, Provenance, Usage

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
        lazy = LazyBackend(settings, store, replay=replay is not None or replay_only)
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
        except Cancelled:
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
        with ctx, _asking(extractor, settings.concurrency):
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


@contextmanager
def _asking(extractor: ArticleExtractor, jobs: int) -> Iterator[None]:
    """Meanwhile, ``jobs`` questions at a time across the run's articles (one article's
    questions need not wait for each other); with one job, the extractor asks in order.
    On any exception (Ctrl-C included) the questions not started yet are not asked."""
    if jobs <= 1:
        yield
        return
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="ask") as pool:
        extractor.pool = pool
        try:
            yield
        except BaseException:
            extractor.cancel.set()  # queued questions stop before their call
            raise
        finally:
            extractor.pool = None


def _get_ready(lazy: LazyBackend) -> None:
    """What the first question needs, done while the first articles are parsed elsewhere:
    the modules that read and ask, the records schema's hash, the backend (the embedded
    model loaded)."""
    import llmbrief.assemble
    import llmbrief.questions
    import llmbrief.reading
    import llmbrief.verify
    import llmbrief.visits  # noqa: F401

    records_schema_sha()
    lazy.prepare()


def _finish_usage(
    result: ExtractResult, lazy: LazyBackend, extractor: ArticleExtractor, settings: Settings
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
