"""Numbers as news articles write them: finding them, and reading what they mean.

Two public entry points share one grammar:

- :func:`parse_figure_text` reads a figure's ``text`` ("up to 25,000",
  "Twenty-five thousand", "thrice", "10,000 to 12,000") into a value, bounds
  and qualifier, as ``records.md`` defines them;
- :func:`find_figures` scans a raw article and returns every number
  expression in it, with its hedge ("up to", "over", "around"...), its raw
  offsets, and hints (dates, percentages, currency) so that callers can skip
  what is not a count.

The grammar (after :mod:`llmbrief.normalize`; letters compared lowercase; its words and
patterns are in :mod:`llmbrief.number_grammar`):

- digits with thousands separators and decimals: ``25,000``, ``1.5``, ``1300``;
  a currency sign before them (``$ € £``), scale words after them
  (``10 million``, ``$115 million``, ``1.5 billion``);
- number words: ``two``, ``twenty-five``, ``Twenty-five thousand``,
  ``six-thousand``, ``four-thousand-100``, ``three hundred and forty``,
  ``a thousand``, ``a dozen``, ``two dozen``;
- counts of times: ``once``, ``twice``, ``thrice``;
- ranges: ``10,000 to 12,000``, ``10,000-12,000``, ``between 10,000 and
  12,000``, ``from 10,000 to 12,000``, ``10 to 12 million``;
- vague amounts: ``hundreds``, ``thousands``, ``dozens``, ``tens of
  thousands``, ``several hundred``, ``a few thousand``;
- a hedge right before a number: see :data:`HEDGES`;
- a percent sign or word after a number: ``15%``, ``15 percent``.

Whole tokens only (:func:`is_whole_token`): a number never starts or ends
inside a word or inside a larger number ("network" has no "two", "25,000"
has no "5,000", "Geran-2" has no "2").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from llmbrief.models import Number, Qualifier
from llmbrief.normalize import NormalizedText, fold, normalize, normalize_fragment
from llmbrief.number_grammar import (
    AFTER_WORD_BREAK,
    ANY_DIGIT,
    CANDIDATE,
    CARD_FULL,
    COUNTS,
    CURRENCIES,
    DIG_FULL,
    HEDGES,
    LEAD,
    LEAD_WINDOW,
    MAYBE,
    MONTHS,
    ONCE_NOT_AFTER,
    ONCE_NOT_BEFORE,
    ONE_NOT_AFTER,
    ONE_NOT_BEFORE,
    RANGE_FULL,
    SCALES,
    SCAN,
    TOKEN,
    WORD_AFTER,
    WORD_BEFORE,
    WORD_CHARS,
    WORD_VALUES,
    YEAR_AFTER,
    YEAR_BEFORE,
)

__all__ = [
    "HEDGES",
    "FigureParseError",
    "FoundFigure",
    "NumberSpan",
    "ParsedFigure",
    "find_figures",
    "is_whole_token",
    "may_hold_numbers",
    "parse_figure_text",
    "scan_numbers",
    "scan_part",
    "sentence_bounds",
]


# ---------------------------------------------------------------- results
class FigureParseError(ValueError):
    """A figure text could not be read as one number expression."""


@dataclass(frozen=True, slots=True)
class ParsedFigure:
    """What a figure text means: value, bounds and qualifier, as records.md defines them."""

    value: Number | None
    low: Number | None
    high: Number | None
    qualifier: Qualifier
    hedge: str | None = None
    unit_hint: str | None = None


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """A number expression in normalized text (offsets into ``NormalizedText.text``).

    ``start`` includes the hedge, ``number_start`` the currency sign,
    ``core_start``/``core_end`` span the number words or digits alone (the
    part that must line up when a figure is matched against the source),
    ``end`` includes a trailing percent sign.
    """

    start: int
    number_start: int
    core_start: int
    core_end: int
    end: int
    hedge: str | None
    parsed: ParsedFigure
    is_date: bool


@dataclass(frozen=True, slots=True)
class FoundFigure:
    """A number expression found in a raw text; offsets are into that raw text."""

    start: int
    end: int
    text: str
    number_start: int
    hedge: str | None
    value: Number | None
    low: Number | None
    high: Number | None
    qualifier: Qualifier
    is_date: bool = False
    unit_hint: str | None = None


# ---------------------------------------------------------------- evaluation
def _to_number(d: Decimal) -> Number:
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _evaluate(core: str) -> tuple[Decimal, int]:
    """Value of one cardinal (folded), and the scale its last words apply (1 if none)."""
    total = Decimal(0)
    current: Decimal | None = None
    biggest = 0
    trailing_scale = 1
    for tok in TOKEN.findall(core):
        if tok[0].isdigit():
            current = (current or Decimal(0)) + Decimal(tok.replace(",", ""))
            trailing_scale = 1
        elif tok in WORD_VALUES:
            current = (current or Decimal(0)) + WORD_VALUES[tok]
            trailing_scale = 1
        elif tok == "a":
            current = Decimal(1)
        elif tok == "dozen":
            current = (current or Decimal(1)) * 12
        elif tok == "hundred":
            current = (current or Decimal(1)) * 100
            trailing_scale = trailing_scale * 100 if trailing_scale > 1 else 100
        elif tok in SCALES:
            scale = SCALES[tok]
            if scale > biggest and total:
                total = (total + (current or Decimal(0))) * scale  # "one thousand million"
            else:
                total += (Decimal(1) if current is None else current) * scale
            biggest = max(biggest, scale)
            current = None
            trailing_scale = trailing_scale * scale if trailing_scale > 1 else scale
        # "and" and currency signs carry no value
    return total + (current or Decimal(0)), trailing_scale


def _has_scale(core: str) -> bool:
    return any(t in SCALES or t == "dozen" for t in TOKEN.findall(core))


def _cardinal(core: str) -> Number:
    """Value of one cardinal (folded) or count of times ("thrice")."""
    if core in COUNTS:
        return COUNTS[core]
    plain = core.replace(",", "")
    if plain.isascii() and plain.isdigit():  # "88,017": the digits say it all
        return int(plain)
    return _to_number(_evaluate(core)[0])


def _bounds(v: Number, qualifier: Qualifier) -> tuple[Number | None, Number | None]:
    if qualifier == "exact":
        return v, v
    if qualifier in ("over", "at_least"):
        return v, None
    if qualifier in ("at_most", "under"):
        return None, v
    return None, None


@lru_cache(maxsize=256)
def _read(
    core: str, hedge: str | None, unit_hint: str | None, range_words: bool
) -> tuple[ParsedFigure, tuple[str, str] | None]:
    """Meaning of a matched core (folded), and the ends of a range as written.

    Cached by content (arguments by position: a faster key): a figure's text is read
    again where its source says it, right after. A few hundred entries: a larger cache
    only holds objects that every full garbage collection of the caller's heap walks.
    """
    if range_words or not (core in COUNTS or DIG_FULL.fullmatch(core) or CARD_FULL.fullmatch(core)):
        m = RANGE_FULL.fullmatch(core)
        if m is None:  # pragma: no cover - the scanner only yields cores that split
            raise FigureParseError(f"cannot read {core!r} as a number")
        lo, _ = _evaluate(m["lo"])
        hi, hi_scale = _evaluate(m["hi"])
        if hi_scale > 1 and not _has_scale(m["lo"]) and lo < hi and lo * hi_scale <= hi:
            lo *= hi_scale  # "10 to 12 million", "two to three thousand"
        parsed = ParsedFigure(None, _to_number(lo), _to_number(hi), "range", hedge, unit_hint)
        return parsed, (m["lo"], m["hi"])
    value = _cardinal(core)
    qualifier: Qualifier = HEDGES[hedge] if hedge else "exact"
    low, high = _bounds(value, qualifier)
    return ParsedFigure(value, low, high, qualifier, hedge, unit_hint), None


def _word_before(text: str, pos: int) -> str | None:
    m = WORD_BEFORE.search(text, max(0, pos - 24), pos)
    return m.group(1) if m else None


def _word_after(text: str, pos: int) -> str | None:
    m = WORD_AFTER.match(text, pos, pos + 24)
    return m.group(1) if m else None


def _is_month(word: str | None) -> bool:
    return word is not None and word[0].isupper() and word.lower() in MONTHS


def _is_year(core: str) -> bool:
    return len(core) == 4 and core.isdigit() and 1900 <= int(core) <= 2100


def _date_like(text: str, start: int, end: int, core: str, lo_hi: tuple[str, str] | None) -> bool:
    """Whether a plain number at text[start:end] is a year or a day of the month."""
    if lo_hi is not None:
        lo, hi = lo_hi
        if _is_year(lo) and (_is_year(hi) or (len(hi) == 2 and hi.isdigit())):
            return True
        if not (lo.isdigit() and hi.isdigit() and int(hi) <= 31):
            return False
        # "May 23-24", "23-24 May": a span of days
        return _month_next_to(text, start, end)
    if not core.isdigit():
        return False
    if _is_year(core):
        before = _word_before(text, start)
        if _is_month(before) or (before is not None and before.lower() in YEAR_BEFORE):
            return True
        after = _word_after(text, end)
        if text[end : end + 1] != " " or after is None:
            return True
        return after.lower() in YEAR_AFTER
    if len(core) <= 2 and 1 <= int(core) <= 31:
        return _month_next_to(text, start, end)
    return False


def _month_next_to(text: str, start: int, end: int) -> bool:
    """Whether a month name stands right before text[start:end], or right after it."""
    if _is_month(_word_before(text, start)):
        return True
    return text[end : end + 1] == " " and _is_month(_word_after(text, end))


def _skip_word_number(text: str, folded: str, start: int, end: int, core: str) -> bool:
    """True for "one" and "once" where they are not numbers ("one of", "once the war ends")."""
    if core not in ("one", "once"):
        return False
    after = _word_after(folded, end) if folded[end : end + 1] == " " else None
    before = _word_before(folded, start) if folded[start - 1 : start] == " " else None
    if core == "one":
        return (after in ONE_NOT_BEFORE) or (before in ONE_NOT_AFTER)
    return (after in ONCE_NOT_BEFORE) or (before in ONCE_NOT_AFTER)


def scan_numbers(text: str, folded: str) -> list[NumberSpan]:
    """Every number expression in a normalized text (``text``) and its folded form."""
    if not may_hold_numbers(folded):
        return []
    return scan_part(text, folded, 0, len(folded))


def may_hold_numbers(folded: str) -> bool:
    """Cheap test: could this folded text hold a number at all? (If not, it has none.)"""
    # digits first: that search looks at characters, the words' one tries a pattern
    return ANY_DIGIT.search(folded) is not None or MAYBE.search(folded) is not None


def scan_part(text: str, folded: str, start: int, end: int) -> list[NumberSpan]:
    """The number expressions :func:`scan_numbers` finds in ``folded[start:end]``.

    For bounds that :func:`sentence_bounds` gives, in a text that
    :func:`may_hold_numbers`. The matches of the scan pattern, left to right, without
    overlaps: the same as ``SCAN.finditer(folded)``, but the pattern is only tried where
    a number can start (or at the hedge right before it), several times faster on long
    articles. (No candidate runs over the end of such a part.)
    """
    spans: list[NumberSpan] = []
    last = start  # where the last match ends
    for p in _candidates(folded, start, end):
        if p < last:
            continue
        m = None
        lead = LEAD.search(folded, max(last, p - LEAD_WINDOW), p)
        if lead is not None:
            m = SCAN.match(folded, lead.start())
        if m is None:
            m = SCAN.match(folded, p)
        if m is not None:
            last = m.end()
            span = _span_of(m, text, folded)
            if span is not None:
                spans.append(span)
    return spans


def _candidates(folded: str, start: int, end: int) -> list[int]:
    """Where a number expression may start in ``folded[start:end]``: the starts of the
    matches of ``(?<![a-z0-9_])`` + :data:`CANDIDATE`, left to right, without overlaps."""
    found: list[int] = []
    taken = start  # where the last candidate's words end
    if start == 0 or folded[start - 1] not in WORD_CHARS:
        c = CANDIDATE.match(folded, start, end)
        if c is not None:
            taken = c.end()
            found.append(start)
    for c in AFTER_WORD_BREAK.finditer(folded, start, end):
        p = c.start(1)
        if p >= taken:
            taken = c.end(1)
            found.append(p)
    return found


def sentence_bounds(folded: str, pos: int) -> tuple[int, int]:
    """The part of ``folded`` around ``pos`` between two ". " (or the text's ends).

    No number expression, hedge or place where one may start holds ". " (a dot is
    read only before a digit, and none of them starts with a space), so the scan
    finds the same numbers in such a part as in the whole text.
    """
    before = folded.rfind(". ", 0, pos)
    after = folded.find(". ", pos)
    return (0 if before == -1 else before + 2), (len(folded) if after == -1 else after + 2)


_VAGUE_READINGS = {
    hint: ParsedFigure(None, None, None, "vague", None, hint) for hint in (None, "percent")
}


def _span_of(m: re.Match[str], text: str, folded: str) -> NumberSpan | None:
    """The number expression a match of the scan pattern found (None: "one of", "once the")."""
    range_core, hedge, cur, core, vague, pct = m.group("rn", "h", "cur", "n", "v", "pct")
    unit_hint: str | None = "percent" if pct else None
    is_date = False
    if range_core is not None:
        core_start, core_end = m.span("rn")
        a, b = m.span("rh")
        range_word = text[a:b]
        hedge_word: str | None = range_word
        number_start = core_start
        core = range_core
        if core[0] in CURRENCIES:
            unit_hint = unit_hint or CURRENCIES[core[0]]
            core_start += 1
            core = core[1:]
        parsed, _ = _read(core, range_word.lower(), unit_hint, True)
    elif vague is not None:
        core_start, core_end = m.span("v")
        number_start = core_start
        hedge_word = None
        parsed = _VAGUE_READINGS[unit_hint]
    else:
        core_start, core_end = m.span("n")
        if _skip_word_number(text, folded, m.start(), core_end, core) and not hedge:
            return None
        a, b = m.span("h")
        hedge_word = text[a:b] if hedge else None
        number_start = m.start("cur") if cur else core_start
        if cur:
            unit_hint = unit_hint or CURRENCIES[cur]
        elif core in COUNTS:
            unit_hint = "times"
        parsed, lo_hi = _read(core, hedge, unit_hint, False)
        if hedge_word is None and not cur and not pct:
            is_date = _date_like(text, core_start, core_end, core, lo_hi)
    # (positional: a frozen dataclass takes keywords at twice the cost)
    return NumberSpan(
        m.start(), number_start, core_start, core_end, m.end(), hedge_word, parsed, is_date
    )


#: Trimmed from both ends of a short string before it is scanned.
_FRAGMENT_TRIM = " .,;:!?\"'()[]*"


@lru_cache(maxsize=256)
def _scan_fragment(text: str) -> tuple[str, str, tuple[NumberSpan, ...]]:
    norm = normalize_fragment(text).strip(_FRAGMENT_TRIM)
    low = fold(norm)
    return norm, low, tuple(scan_numbers(norm, low))


def scan_fragment(text: str) -> tuple[str, str, tuple[NumberSpan, ...]]:
    """Normalize a short string and scan it: ``(normalized, folded, spans)``, cached.

    Surrounding spaces and punctuation are trimmed first; offsets in the spans
    are offsets into the returned strings.
    """
    return _scan_fragment(text)


def source_numbers(source: NormalizedText) -> list[NumberSpan]:
    """The number expressions of a normalized source, computed once per source."""
    found = source.cache.get("numbers")
    if found is None:
        found = scan_numbers(source.text, source.folded)
        source.cache["numbers"] = found
    return found


# ---------------------------------------------------------------- public API
def parse_figure_text(text: str) -> ParsedFigure:
    """Read a figure text ("up to 25,000", "thrice") into value, bounds and qualifier.

    The text may carry words around the number ("25,000 workers"), but must
    name exactly one number expression. Raises :class:`FigureParseError`
    otherwise.
    """
    _, _, spans = _scan_fragment(text)
    if not spans:
        raise FigureParseError(f"no number in {text!r}")
    if len(spans) > 1:
        raise FigureParseError(f"more than one number in {text!r}; give one figure per field")
    return spans[0].parsed


def find_figures(text: str | NormalizedText) -> list[FoundFigure]:
    """Every number expression in a raw text, with raw offsets, hedge and meaning.

    Years standing alone ("2024", "March 2025", "late 2022") and days of the
    month next to a month name ("June 17", "9 May") have ``is_date`` set;
    percentages have ``unit_hint == "percent"``, currency amounts "USD",
    "EUR" or "GBP", counts of times ("thrice") "times".
    """
    nt = normalize(text)
    out: list[FoundFigure] = []
    for sp in source_numbers(nt):
        start, end = nt.raw_span(sp.start, sp.end)
        p = sp.parsed
        out.append(
            FoundFigure(
                start=start,
                end=end,
                text=nt.raw[start:end],
                number_start=nt.raw_offset(sp.number_start),
                hedge=sp.hedge,
                value=p.value,
                low=p.low,
                high=p.high,
                qualifier=p.qualifier,
                is_date=sp.is_date,
                unit_hint=p.unit_hint,
            )
        )
    return out


def is_whole_token(folded: str, start: int, end: int) -> bool:
    """Whether ``folded[start:end]`` does not begin or end inside a word or a number.

    A match that begins with a letter or digit must not follow one (nor a
    digit followed by "," or "."); one that ends with a letter or digit must
    not be followed by one (nor by "," or "." and a digit).
    """
    if end <= start:
        return False
    first, last = folded[start], folded[end - 1]
    if first.isalnum() and start > 0:
        prev = folded[start - 1]
        if prev.isalnum() or prev == "_":
            return False
        if first.isdigit() and prev in ".," and start > 1 and folded[start - 2].isdigit():
            return False
    if last.isalnum() and end < len(folded):
        nxt = folded[end]
        if nxt.isalnum() or nxt == "_":
            return False
        if last.isdigit() and nxt in ".," and end + 1 < len(folded) and folded[end + 1].isdigit():
            return False
    return True


def name_span(key: str, start: int, end: int) -> tuple[int, int]:
    """The span of the digits at ``key[start:end]`` with the letters joined to them:
    "TB2s", "AS90" and "KN-23" are names, checked whole ("2" alone stands nowhere in
    "TB2s")."""
    while start > 0 and (key[start - 1].isalnum() or _hyphen_in_name(key, start - 1)):
        start -= 1
    while end < len(key) and key[end].isalnum():
        end += 1
    return start, end


def _hyphen_in_name(key: str, i: int) -> bool:
    return key[i] == "-" and i > 0 and key[i - 1].isalnum()
