"""Rule 6 of the verifier: a number in any other text field is in the evidence quotes.

Takes the normalized source, a record and its evidence quotes; gives the
record's free-text fields (and figure units) and, for each, the numbers it
mentions that the quotes do not say.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from llmbrief.models import (
    FIGURE_FIELDS,
    Casualties,
    Deployment,
    DiplomaticVisit,
    EquipmentTransfer,
    Figure,
    Problem,
)
from llmbrief.normalize import NormalizedText
from llmbrief.numbers import NumberSpan, name_span, scan_fragment
from llmbrief.verify_text import inside, number_at, occurrences, show

#: String fields that hold a closed vocabulary, not text from the article.
_NOT_TEXT_FIELDS = frozenset({"kind", "status", "personnel", "category"})
#: Digits not part of any number expression ("Geran-2", "mid-2024"): still checked.
_BARE_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_ANY_DIGIT = re.compile(r"\d")


def _core_in_evidence(nt: NormalizedText, core: str, quotes: Sequence[tuple[int, int]]) -> bool:
    for s in occurrences(nt.folded, core):
        src = number_at(nt, s)
        if src is not None and src.core_end == s + len(core) and inside(quotes, s, s + len(core)):
            return True
    return False


def _core_in_source(nt: NormalizedText, core: str) -> bool:
    for s in occurrences(nt.folded, core):
        src = number_at(nt, s)
        if src is not None and src.core_end == s + len(core):
            return True
    return False


def _digits_in(nt: NormalizedText, digits: str, quotes: Sequence[tuple[int, int]] | None) -> bool:
    for s in occurrences(nt.folded, digits):
        if quotes is None or inside(quotes, s, s + len(digits)):
            return True
    return False


def _stray_problem(field: str, shown: str, in_source: bool) -> Problem:
    if in_source:
        message = (
            f'{field} mentions "{shown}", which is in the article but not in this record\'s '
            "evidence quotes: add the sentence that says it to evidence, or leave the number "
            f"out of {field}"
        )
    else:
        message = (
            f'{field} mentions "{shown}", which the article does not say: use only numbers '
            "written in the evidence quotes, exactly as written, or leave the number out of "
            f"{field}"
        )
    return Problem(field=field, text=shown, status="not_in_source", message=message)


@lru_cache(maxsize=256)
def _numbers_in(value: str) -> tuple[str, str, tuple[NumberSpan, ...]] | None:
    """``scan_fragment(value)``, or None when ``value`` names no number and has no digit."""
    norm, key, spans = scan_fragment(value)
    if not spans and _ANY_DIGIT.search(key) is None:
        return None
    return norm, key, spans


def check_strays(
    nt: NormalizedText, field: str, value: str, quotes: Sequence[tuple[int, int]]
) -> list[Problem]:
    found = _numbers_in(value)
    if found is None:
        return []
    norm, key, spans = found
    problems: list[Problem] = []
    seen: set[str] = set()
    covered: list[tuple[int, int]] = []
    for sp in spans:
        covered.append((sp.start, sp.end))
        core = key[sp.core_start : sp.core_end]
        if _core_in_evidence(nt, core, quotes):
            continue
        shown = show(norm[sp.start : sp.end], 80)
        if shown not in seen:
            seen.add(shown)
            problems.append(_stray_problem(field, shown, _core_in_source(nt, core)))
    for m in _BARE_DIGITS.finditer(key):
        if inside(covered, m.start(), m.end()):
            continue
        a, b = name_span(key, m.start(), m.end())
        digits = key[a:b]
        if digits in seen or _digits_in(nt, digits, quotes):
            continue
        seen.add(digits)
        problems.append(_stray_problem(field, show(digits, 80), _digits_in(nt, digits, None)))
    return problems


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}


def text_fields(
    record: Deployment | EquipmentTransfer | Casualties | DiplomaticVisit,
) -> Iterator[tuple[str, str]]:
    """The free-text string fields of a record, and each figure's ``unit``."""
    cls = type(record)
    names = _TEXT_FIELDS.get(cls)
    if names is None:
        figures = FIGURE_FIELDS[record.kind]
        names = tuple(n for n in cls.model_fields if n not in _NOT_TEXT_FIELDS or n in figures)
        _TEXT_FIELDS[cls] = names
    for name in names:
        value = getattr(record, name)
        if isinstance(value, str):
            if value:
                yield name, value
        elif isinstance(value, Figure) and value.unit:
            yield f"{name}.unit", value.unit
