"""What every check of the verifier shares: finding words in the source, and showing them.

Takes a :class:`~llmbrief.normalize.NormalizedText`; gives whole-token
occurrences, the source's numbers keyed by where they start, span tests, and
the sentence around a place for messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from llmbrief.normalize import NormalizedText
from llmbrief.numbers import (
    NumberSpan,
    is_whole_token,
    may_hold_numbers,
    scan_part,
    sentence_bounds,
    source_numbers,
)

#: Trimmed from both ends of a quote before it is looked up.
QUOTE_TRIM = " .,;:!?\"'()[]*-"
#: The same, when the quote has an elision: its dots must then match too.
QUOTE_TRIM_ELIDED = " ,;:!?\"'()[]*-"
MAX_SHOWN = 240
_SENTENCE_END = re.compile(r"[.!?][\"')\]]* ")

M = TypeVar("M", bound=BaseModel)

#: Spans of the normalized source (the evidence quotes that were found).
Quotes = Sequence[tuple[int, int]]


def occurrences(folded: str, needle: str) -> Iterator[int]:
    """Starts of the whole-token occurrences of ``needle`` in ``folded``."""
    if not needle:
        return
    n = len(needle)
    i = folded.find(needle)
    while i != -1:
        if is_whole_token(folded, i, i + n):
            yield i
        i = folded.find(needle, i + 1)


def numbers_by_core(source: NormalizedText) -> dict[int, NumberSpan]:
    """The source's number expressions, keyed by where their number words/digits start."""
    found = source.cache.get("numbers_by_core")
    if found is None:
        found = {sp.core_start: sp for sp in source_numbers(source)}
        source.cache["numbers_by_core"] = found
    return found


def number_at(source: NormalizedText, core_start: int) -> NumberSpan | None:
    """The source's number expression whose number words/digits start at ``core_start``.

    ``numbers_by_core(source).get(core_start)``, scanning only the sentence around
    ``core_start`` unless the whole source was scanned already (reading an article for its
    questions scans it whole). Nothing is kept: the numbers of every sentence looked at,
    kept with the source, would be thousands of objects that each full garbage collection
    walks.
    """
    if "numbers" in source.cache:  # (numbers_by_core is built from it)
        return numbers_by_core(source).get(core_start)
    hold: bool | None = source.cache.get("may_hold_numbers")
    if hold is None:
        hold = source.cache["may_hold_numbers"] = may_hold_numbers(source.folded)
    if not hold:
        return None
    start, end = sentence_bounds(source.folded, core_start)
    for sp in scan_part(source.text, source.folded, start, end):
        if sp.core_start == core_start:
            return sp
    return None


def inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    for qs, qe in spans:  # noqa: SIM110 (a loop: any() over a generator costs more)
        if qs <= start and end <= qe:
            return True
    return False


def show(text: str, limit: int = MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sentence(nt: NormalizedText, start: int, end: int) -> str:
    """The sentence of the normalized source around ``[start, end)``, for messages."""
    text = nt.text
    left = 0
    for m in _SENTENCE_END.finditer(text, max(0, start - MAX_SHOWN), start):
        left = m.end()
    after = _SENTENCE_END.search(text, end, end + MAX_SHOWN)
    right = after.start() + 1 if after else min(len(text), end + MAX_SHOWN)
    left = max(left, start - MAX_SHOWN // 2)
    return show(text[left:right].strip())


# The slots of every pydantic model, set directly (a model's own __setattr__ validates).
_SET_DICT = object.__setattr__
_SET_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def with_changes(model: M, **changes: Any) -> M:
    """``model.model_copy(update=changes)``, without its generic copying (a third of the time).

    The same result: a new shallow copy (always) whose changed fields count as set; no
    validation.
    """
    new = object.__new__(type(model))
    fields = model.__dict__.copy()
    fields.update(changes)
    _SET_DICT(new, "__dict__", fields)
    _SET_FIELDS_SET(new, model.__pydantic_fields_set__ | changes.keys())
    _SET_EXTRA(new, model.__pydantic_extra__)
    _SET_PRIVATE(new, model.__pydantic_private__)
    return new
