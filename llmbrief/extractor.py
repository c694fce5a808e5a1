"""The questions of one article, asked through the cache and the backend.

Takes an article's text and analysis; gives its :class:`~llmbrief.models.Document`.
:class:`ArticleExtractor` makes every question of an article (:class:`Question`:
prompt, content, answer model, cache key), answers each from the cache or from the
backend (opened on the first question the cache cannot answer,
:class:`LazyBackend`), re-asking with the verifier's reasons as instructor does,
and assembles and verifies the records the final answers describe. Runs of many
articles are :mod:`llmbrief.pipeline`'s; batch files are :mod:`llmbrief.batch`'s.
"""

from __future__ import annotations

import functools
import gc
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmbrief.config import Settings, mode_for, model_for
from llmbrief.documents import sha256_text
from llmbrief.errors import PromptError, cause_chain
from llmbrief.models import Document, Record, Source

if TYPE_CHECKING:
    from llmbrief.analysis import Parsed

_gc_frozen = False


@contextmanager
def gc_paused_then_frozen() -> Iterator[None]:
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


class LazyBackend:
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

                with gc_paused_then_frozen():
                    self._backend = open_backend(
                        self.settings, store=self.store, replay=self.replay
                    )
            return self._backend

    def prepare(self) -> None:
        """Open the backend before the first question comes, the embedded model loaded
        included. A run calls this only while articles are being parsed (spaCy loads in
        its own process meanwhile), and an article whose analysis is not cached has no
        cached answers either: its questions will be asked."""
        self.get()

    @property
    def opened(self) -> Any:
        return self._backend


@functools.cache
def records_schema_sha() -> str:
    """The sha256 of the records JSON Schema (part of every cache key): made once.

    Generating the schema takes ~30 ms of CPU; doing it for every question cost more
    CPU than the rest of a question's work together (bench/README.md).
    """
    from llmbrief.models import document_json_schema

    return sha256_text(json.dumps(document_json_schema(), sort_keys=True))


class ArticleExtractor:
    """Extracts one article's records, question by question, through cache and backend."""

    def __init__(self, settings: Settings, store: Any, backend: LazyBackend) -> None:
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
        #: where questions are asked when a run asks several at once (None: one by one)
        self.pool: Executor | None = None

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
            records_schema=records_schema_sha(),
            question=question,
            max_reasks=self.settings.max_reasks,
        )

    def _ask(self, q: Question, article_path: str) -> dict[str, Any] | None:
        """One question: from cache, or from the model with re-asks. Returns the final answer."""
        if not self.settings.no_cache and self.store is not None:
            hit = self.store.get(q.key)
            if hit is not None:
                with self._cached_lock:
                    self.cached += 1
                answer: dict[str, Any] | None = hit.get("answer")
                return answer
        if self.cancel.is_set():
            raise Cancelled
        backend = self.backend.get()
        return self.answer_with(backend, q, article_path)

    def answer_with(self, backend: Any, q: Question, article_path: str) -> dict[str, Any] | None:
        """Ask ``backend`` (no cache lookup), re-asking as instructor does; cache the answer.

        A :class:`QuestionHeld` raised by the backend's transport (a batch file
        takes the request instead of a model) passes through, nothing cached.
        """
        from llmbrief.llm import current_call
        from llmbrief.llm_errors import explain_llm_error
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
        backend.usage.add(reasks=reasks)
        if self.store is not None:
            self.store.put(q.key, {"answer": answer, "reasks": reasks})
        return answer

    def extract(self, text: str, display: str, parsed: Parsed) -> Document:
        """All records of one article, from its analysis: one question per number and visit."""
        article_sha = sha256_text(text)
        self.analysis = parsed.pipeline
        questions = list(self.questions(text, article_sha, parsed))
        answers = self._answers(questions, display)
        return self.assemble(text, article_sha, display, list(zip(questions, answers, strict=True)))

    def _answers(self, questions: list[Question], display: str) -> list[dict[str, Any] | None]:
        """Each question's final answer, in order: one by one, or on :attr:`pool` beside the
        questions of the run's other articles. When one fails, those not started yet of
        this article are not asked."""
        if self.pool is None or len(questions) < 2:
            return [self._answer(q, display) for q in questions]
        futures = [self.pool.submit(self._answer, q, display) for q in questions]
        try:
            return [f.result() for f in futures]
        finally:
            for f in futures:
                f.cancel()  # a no-op once done

    def _answer(self, q: Question, display: str) -> dict[str, Any] | None:
        answer = self._ask(q, display)
        if self.on_answer is not None:
            self.on_answer(display)
        return answer

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


class Cancelled(Exception):
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
