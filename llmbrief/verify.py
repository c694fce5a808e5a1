"""The verifier: no number reaches the brief unless the cited sentence says it.

Pure functions over the pydantic models of :mod:`llmbrief.models`; no I/O.
The rules are those of ``shared/design/verification.md``:

1. ``quote_not_found``: each evidence quote is a contiguous span of the
   normalized source (whitespace, curly quotes and dashes normalized, case
   ignored, leading/trailing spaces and sentence punctuation trimmed), made
   of whole words, with no elision ("...", "…") unless the source itself has
   it there.
2. ``not_in_source``: a figure's ``text`` occurs in the source as whole
   tokens, and the number in it lines up with a whole number expression of
   the source ("5,000" is not in "25,000", "two" is not in "network",
   "10,000" is not in "10,000-12,000").
3. ``outside_evidence``: that occurrence lies inside one of the record's own
   quotes that were found.
4. ``value_mismatch``: reading ``text`` gives ``value``; ``low`` and
   ``high``, where the record gives them, equal the bounds the text implies.
5. ``qualifier_mismatch``: where the source puts a hedge right before the
   number ("up to 25,000"), the figure text keeps it; and ``qualifier``
   matches the hedge in ``text`` (no hedge: ``exact``).
6. ``not_in_source``: every number written in any other string field of the
   record (``purpose``, ``date_text``, a figure's ``unit``...) occurs inside
   the record's evidence quotes.
7. ``attribute_not_in_evidence``: every grounded attribute of the record
   (:data:`~llmbrief.models.GROUNDED_FIELDS`: sender, claimant, place...) that
   is not null is grounded in the evidence quotes. With a span in
   ``record.spans``, the span's text occurs there as whole words and the value
   is that text or the country it names (``gazetteer.country_of``); without
   one, the value's own words occur there, or a place named there resolves to
   it (``gazetteer.find_places``: "Pyongyang" grounds "North Korea"). The
   gazetteer is imported only when the plain comparison fails. Spans found
   get their raw ``start``/``end``.

Offsets are always recomputed from the source (never taken from the model)
and always reported as offsets into the raw source text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar, cast

from llmbrief.models import (
    FIGURE_FIELDS,
    GROUNDED_FIELDS,
    AttributeSpan,
    Casualties,
    CheckStatus,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Evidence,
    EvidenceCheck,
    Figure,
    FigureCheck,
    Number,
    Problem,
    Verification,
)
from llmbrief.normalize import NormalizedText, fold, normalize, normalize_fragment
from llmbrief.numbers import NumberSpan, is_whole_token, scan_fragment, source_numbers

__all__ = [
    "RecordVerificationError",
    "check_record_or_raise",
    "problems_for_model",
    "verify_document",
    "verify_record",
]

AnyRecord = Deployment | EquipmentTransfer | Casualties | DiplomaticVisit
R = TypeVar("R", bound=AnyRecord)

#: String fields that hold a closed vocabulary, not text from the article.
_NOT_TEXT_FIELDS = frozenset({"kind", "status", "personnel", "category"})
#: Trimmed from both ends of a quote before it is looked up.
_QUOTE_TRIM = " .,;:!?\"'()[]*-"
#: The same, when the quote has an elision: its dots must then match too.
_QUOTE_TRIM_ELIDED = " ,;:!?\"'()[]*-"
#: Digits not part of any number expression ("Geran-2", "mid-2024"): still checked.
_BARE_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]* ")
_MAX_SHOWN = 240


class RecordVerificationError(ValueError):
    """A record failed verification; ``str(err)`` is the re-ask message for the model.

    A ``ValueError``, so that raising it inside a pydantic validator turns into
    a validation error that instructor sends back to the model.
    """

    def __init__(self, record: object, verification: Verification) -> None:
        super().__init__(problems_for_model(verification))
        self.record = record
        self.verification = verification


# ---------------------------------------------------------------- helpers
def _occurrences(folded: str, needle: str) -> Iterator[int]:
    """Starts of the whole-token occurrences of ``needle`` in ``folded``."""
    if not needle:
        return
    n = len(needle)
    i = folded.find(needle)
    while i != -1:
        if is_whole_token(folded, i, i + n):
            yield i
        i = folded.find(needle, i + 1)


def _by_core(source: NormalizedText) -> dict[int, NumberSpan]:
    """The source's number expressions, keyed by where their number words/digits start."""
    found = source.cache.get("numbers_by_core")
    if found is None:
        found = {sp.core_start: sp for sp in source_numbers(source)}
        source.cache["numbers_by_core"] = found
    return found


def _inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(qs <= start and end <= qe for qs, qe in spans)


def _eq(a: Number | None, b: Number | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    # 1.5 and 1.5000000000000002 are the same figure; 999999999 and 1e9 are not
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def _num(v: Number | None) -> str:
    if v is None:
        return "null"
    if abs(v) >= 1e18:
        return f"{v:.6g}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _show(text: str, limit: int = _MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sentence(nt: NormalizedText, start: int, end: int) -> str:
    """The sentence of the normalized source around ``[start, end)``, for messages."""
    text = nt.text
    left = 0
    for m in _SENTENCE_END.finditer(text, max(0, start - _MAX_SHOWN), start):
        left = m.end()
    after = _SENTENCE_END.search(text, end, end + _MAX_SHOWN)
    right = after.start() + 1 if after else min(len(text), end + _MAX_SHOWN)
    left = max(left, start - _MAX_SHOWN // 2)
    return _show(text[left:right].strip())


# ---------------------------------------------------------------- evidence
@dataclass(slots=True)
class _QuoteResult:
    status: CheckStatus
    start: int | None = None  # normalized offsets
    end: int | None = None
    message: str | None = None


def _quote_miss_message(label: str, nt: NormalizedText, shown: str, key: str) -> str:
    """Say how far a quote matches the article, and where it departs from it."""
    folded = nt.folded
    lo, hi = 0, len(key)
    while lo < hi:  # the longest prefix of the quote that the article contains
        mid = (lo + hi + 1) // 2
        if folded.find(key[:mid]) != -1:
            lo = mid
        else:
            hi = mid - 1
    advice = 'copy one or more whole sentences verbatim, without "..."'
    if lo < 12:
        return f"{label} is not in the article: {advice}"
    at = folded.find(key[:lo])
    matched = shown[max(0, lo - 40) : lo]
    theirs = shown[lo : lo + 30]
    article = nt.text[at + lo : at + lo + 30]
    if not theirs.strip():
        return f"{label} is not in the article as whole words: {advice}"
    return (
        f'{label} is not in the article: it matches up to "{matched}" but then has '
        f'"{theirs}" where the article has "{article}"; {advice}'
    )


def _check_quote(nt: NormalizedText, index: int, quote: str) -> _QuoteResult:
    label = f"evidence[{index}]"
    q = normalize_fragment(quote).strip()
    elided = "..." in q or "…" in q
    trim = _QUOTE_TRIM_ELIDED if elided else _QUOTE_TRIM
    shown = q.strip(trim)
    key = fold(shown)
    if not key:
        return _QuoteResult("quote_not_found", message=f"{label} is empty: copy a sentence")
    for s in _occurrences(nt.folded, key):
        # Cite the punctuation that was trimmed too, where the source has it there.
        lead = fold(q[: len(q) - len(q.lstrip(trim))])
        trail = fold(q[len(q.rstrip(trim)) :])
        e = s + len(key)
        while lead and (len(lead) > s or not nt.folded.startswith(lead, s - len(lead))):
            lead = lead[1:]
        while trail and not nt.folded.startswith(trail, e):
            trail = trail[:-1]
        return _QuoteResult("ok", s - len(lead), e + len(trail))
    if elided:
        message = (
            f'{label} leaves words out ("..."): copy one or more whole sentences '
            'verbatim from the article, without "..." or "…"'
        )
    else:
        message = _quote_miss_message(label, nt, shown, key)
    return _QuoteResult("quote_not_found", message=message)


# ---------------------------------------------------------------- figures
@dataclass(slots=True)
class _Occurrence:
    start: int
    end: int
    source_spans: list[NumberSpan]


def _aligned(nt: NormalizedText, key: str, text_spans: Sequence[NumberSpan]) -> list[_Occurrence]:
    """Occurrences of ``key`` whose numbers line up with whole numbers of the source."""
    by_core = _by_core(nt)
    out: list[_Occurrence] = []
    for s in _occurrences(nt.folded, key):
        matched: list[NumberSpan] = []
        for sp in text_spans:
            src = by_core.get(s + sp.core_start)
            if src is None or src.core_end != s + sp.core_end:
                break
            matched.append(src)
        else:
            out.append(_Occurrence(s, s + len(key), matched))
    return out


def _source_forms(nt: NormalizedText, core: str) -> list[str]:
    """How the source writes the number ``core`` (folded), hedges included."""
    forms: list[str] = []
    for sp in _by_core(nt).values():
        if nt.folded[sp.core_start : sp.core_end] == core:
            form = nt.text[sp.start : sp.end]
            if form not in forms:
                forms.append(form)
    return forms


def _containing_forms(nt: NormalizedText, core: str) -> list[str]:
    """Source number expressions that contain ``core`` inside them ("5,000" in "25,000")."""
    forms: list[str] = []
    folded = nt.folded
    for sp in source_numbers(nt):
        i = folded.find(core, sp.start, sp.end)
        if i != -1 and (i != sp.core_start or i + len(core) != sp.core_end):
            form = nt.text[sp.start : sp.end]
            if form not in forms:
                forms.append(form)
    return forms


def _quoted(forms: Sequence[str]) -> str:
    return " and ".join(f'"{f}"' for f in forms[:3])


def _not_in_source_message(label: str, text: str, nt: NormalizedText, cores: list[str]) -> str:
    for core in cores:
        forms = _source_forms(nt, core)
        if forms:
            return (
                f'{label} "{text}" is not in the article as written; the article says '
                f"{_quoted(forms)}: copy the figure exactly as written, hedge word included"
            )
    for core in cores:
        forms = _containing_forms(nt, core)
        if forms:
            return (
                f'{label} "{text}" is not a whole number of the article: it occurs only inside '
                f"{_quoted(forms)}; copy the whole number exactly as written"
            )
    return (
        f'{label} "{text}" is not in the article: copy a number that the article writes, '
        "exactly as written, or leave the figure null"
    )


def _check_figure(
    nt: NormalizedText,
    name: str,
    fig: Figure,
    quotes: Sequence[tuple[int, int]],
) -> tuple[FigureCheck, Problem | None]:
    label = f"{name}.text"
    norm, key, spans = scan_fragment(fig.text)

    def result(
        status: CheckStatus, occ: _Occurrence | None = None, message: str | None = None
    ) -> tuple[FigureCheck, Problem | None]:
        start = end = None
        if occ is not None:
            start, end = nt.raw_span(occ.start, occ.end)
        check = FigureCheck(field=name, text=fig.text, status=status, start=start, end=end)
        if status == "ok":
            return check, None
        return check, Problem(field=name, text=fig.text, status=status, message=message)

    if not spans:
        return result(
            "value_mismatch",
            message=(
                f'{label} "{fig.text}" names no number: copy the number as the article writes '
                'it ("25,000", "up to 25,000", "thrice"), or leave the figure null'
            ),
        )
    occurrences = _aligned(nt, key, spans)
    if not occurrences:
        cores = [key[sp.core_start : sp.core_end] for sp in spans]
        return result("not_in_source", message=_not_in_source_message(label, norm, nt, cores))
    in_evidence = [o for o in occurrences if _inside(quotes, o.start, o.end)]
    if not in_evidence:
        first = occurrences[0]
        return result(
            "outside_evidence",
            first,
            f'{label} "{fig.text}" is not inside this record\'s evidence quotes: add the '
            f'sentence that contains it to evidence ("{_sentence(nt, first.start, first.end)}"), '
            "or use a figure from the quoted sentences",
        )
    if len(spans) > 1:
        return result(
            "value_mismatch",
            in_evidence[0],
            f'{label} "{fig.text}" names more than one number: give one figure per field',
        )
    parsed = spans[0].parsed
    wrong: list[str] = []
    if not _eq(fig.value, parsed.value):
        wrong.append(f"value {_num(fig.value)} (the text means {_num(parsed.value)})")
    if fig.low is not None and not _eq(fig.low, parsed.low):
        wrong.append(f"low {_num(fig.low)} (the text implies {_num(parsed.low)})")
    if fig.high is not None and not _eq(fig.high, parsed.high):
        wrong.append(f"high {_num(fig.high)} (the text implies {_num(parsed.high)})")
    if wrong:
        return result(
            "value_mismatch",
            in_evidence[0],
            f'{name} has {", ".join(wrong)} but its text is "{fig.text}": set value '
            f"{_num(parsed.value)}, low {_num(parsed.low)}, high {_num(parsed.high)}, or copy "
            "the text that says the number you mean",
        )
    kept = [o for o in in_evidence if all(sp.start >= o.start for sp in o.source_spans)]
    if not kept:
        occ = in_evidence[0]
        sp = occ.source_spans[0]
        hedged = nt.text[sp.start : max(sp.end, occ.end)]
        return result(
            "qualifier_mismatch",
            occ,
            f'{label} "{fig.text}" drops the hedge: the source says "{hedged}"; copy it with '
            f'its hedge word (text "{hedged}", qualifier "{sp.parsed.qualifier}")',
        )
    if fig.qualifier != parsed.qualifier:
        hedge = spans[0].hedge
        said = f'has the hedge "{hedge}"' if hedge else "has no hedge word"
        return result(
            "qualifier_mismatch",
            kept[0],
            f'{name}.qualifier is "{fig.qualifier}" but {label} "{fig.text}" {said}, '
            f'which means "{parsed.qualifier}": set qualifier "{parsed.qualifier}"',
        )
    return result("ok", kept[0])


# ---------------------------------------------------------------- stray numbers
def _core_in_evidence(nt: NormalizedText, core: str, quotes: Sequence[tuple[int, int]]) -> bool:
    by_core = _by_core(nt)
    for s in _occurrences(nt.folded, core):
        src = by_core.get(s)
        if src is not None and src.core_end == s + len(core) and _inside(quotes, s, s + len(core)):
            return True
    return False


def _core_in_source(nt: NormalizedText, core: str) -> bool:
    by_core = _by_core(nt)
    for s in _occurrences(nt.folded, core):
        src = by_core.get(s)
        if src is not None and src.core_end == s + len(core):
            return True
    return False


def _digits_in(nt: NormalizedText, digits: str, quotes: Sequence[tuple[int, int]] | None) -> bool:
    for s in _occurrences(nt.folded, digits):
        if quotes is None or _inside(quotes, s, s + len(digits)):
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


def _check_strays(
    nt: NormalizedText, field: str, value: str, quotes: Sequence[tuple[int, int]]
) -> list[Problem]:
    norm, key, spans = scan_fragment(value)
    problems: list[Problem] = []
    seen: set[str] = set()
    covered: list[tuple[int, int]] = []
    for sp in spans:
        covered.append((sp.start, sp.end))
        core = key[sp.core_start : sp.core_end]
        if _core_in_evidence(nt, core, quotes):
            continue
        shown = _show(norm[sp.start : sp.end], 80)
        if shown not in seen:
            seen.add(shown)
            problems.append(_stray_problem(field, shown, _core_in_source(nt, core)))
    for m in _BARE_DIGITS.finditer(key):
        if _inside(covered, m.start(), m.end()):
            continue
        digits = m.group()
        if digits in seen or _digits_in(nt, digits, quotes):
            continue
        seen.add(digits)
        problems.append(_stray_problem(field, _show(digits, 80), _digits_in(nt, digits, None)))
    return problems


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}


def _text_fields(
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


# ---------------------------------------------------------------- attributes
#: A word of an attribute's value: letters and digits, joined by ' . - ("Russia's", "U.S").
_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")
_KIND_NAMES = {
    "deployment": "deployment",
    "equipment_transfer": "equipment transfer",
    "casualties": "casualties",
    "diplomatic_visit": "diplomatic visit",
}

Quotes = Sequence[tuple[int, int]]


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """An attribute or span as compared: folded, outer spaces and punctuation trimmed."""
    return fold(text).strip(_QUOTE_TRIM)


def _in_quotes(nt: NormalizedText, key: str, quotes: Quotes) -> int | None:
    """Where ``key`` first occurs as whole words inside one of ``quotes``, else None."""
    if not key:
        return None
    folded = nt.folded
    n = len(key)
    for qs, qe in quotes:
        i = folded.find(key, qs, qe)
        while i != -1:
            if is_whole_token(folded, i, i + n):
                return i
            i = folded.find(key, i + 1, qe)
    return None


def _words_in_quotes(nt: NormalizedText, key: str, quotes: Quotes) -> bool:
    """Whether ``key`` as a phrase, or else each of its words, occurs inside ``quotes``."""
    if _in_quotes(nt, key, quotes) is not None:
        return True
    words = _WORD.findall(key)
    return bool(words) and all(_in_quotes(nt, w, quotes) is not None for w in words)


@lru_cache(maxsize=4096)
def _country_of(text: str) -> str | None:
    from llmbrief import gazetteer

    return gazetteer.country_of(text)


@lru_cache(maxsize=4096)
def _country_named(value: str) -> str | None:
    """The country ``value`` is a name of ("DPRK", "the United States"), else None.

    Only a value that is one country name as a whole counts: a city, a region
    or a demonym is a place or a people, not a way to write a country.
    """
    from llmbrief import gazetteer

    places = gazetteer.find_places(value)
    if len(places) != 1 or places[0].kind != "country":
        return None
    rest = (value[: places[0].start] + value[places[0].end :]).strip(_QUOTE_TRIM).lower()
    return places[0].country if rest in ("", "the") else None


def _names(value: str, country: str | None) -> bool:
    """Whether the attribute value ``value`` is the country ``country`` (by any name)."""
    if not country:
        return False
    return _key(value) == _key(country) or _country_named(value) == country


def _places_in_quotes(nt: NormalizedText, quotes: Quotes) -> list[str]:
    """The countries of the places named inside ``quotes`` (computed once per quote)."""
    from llmbrief import gazetteer

    cache: dict[tuple[int, int], list[str]] = nt.cache.setdefault("places_by_quote", {})
    countries: list[str] = []
    for qs, qe in quotes:
        found = cache.get((qs, qe))
        if found is None:
            found = [p.country for p in gazetteer.find_places(nt.text[qs:qe])]
            cache[(qs, qe)] = found
        countries.extend(found)
    return countries


def _or_null(record: AnyRecord, name: str) -> str:
    field = type(record).model_fields.get(name)
    return f", or leave {name} null" if field is not None and not field.is_required() else ""


def _unsupported(record: AnyRecord, nt: NormalizedText, name: str, value: str) -> Problem:
    """The problem of an attribute without a span that the evidence does not ground."""
    key = _key(value)
    elsewhere = next(_occurrences(nt.folded, key), None)
    if elsewhere is not None:
        message = (
            f'{name} "{value}" is not in this record\'s evidence quotes: add the sentence that '
            f'names it to evidence ("{_sentence(nt, elsewhere, elsewhere + len(key))}"), or '
            f"take the {name} from the quoted sentences{_or_null(record, name)}"
        )
    else:
        message = (
            f'{name} "{value}" is not in this record\'s evidence quotes: neither its words nor '
            "a place that stands for it (a capital, a city, a demonym) occur there; write the "
            f"{name} as the evidence words it, or give in spans the evidence words it comes "
            f"from{_or_null(record, name)}"
        )
    return Problem(field=name, text=value, status="attribute_not_in_evidence", message=message)


def _check_span(
    record: AnyRecord,
    nt: NormalizedText,
    span: AttributeSpan,
    value: str,
    quotes: Quotes,
) -> tuple[AttributeSpan, Problem | None]:
    """Locate ``span`` in the evidence and check that ``value`` is its text or country."""
    name, key = span.field, _key(span.text)
    at = _in_quotes(nt, key, quotes)
    located = span
    message: str | None = None
    if at is not None:
        start, end = nt.raw_span(at, at + len(key))
        located = span.model_copy(update={"start": start, "end": end})
        country = None if _key(value) == key else _country_of(normalize_fragment(span.text))
        if _key(value) != key and not _names(value, country):
            if country:
                said = f'names {country}: set {name} to "{country}" or "{span.text}"'
            else:
                said = (
                    f'does not say "{value}", nor name a city, region or people of it: set '
                    f'{name} to "{span.text}"'
                )
            message = (
                f'{name} is "{value}" but its span "{span.text}" {said}, or give as its span the '
                f'evidence words that say "{value}"'
            )
    else:
        located = span.model_copy(update={"start": None, "end": None})
        elsewhere = next(_occurrences(nt.folded, key), None)
        if elsewhere is not None:
            message = (
                f'{name} "{value}" comes from the span "{span.text}", which is not inside this '
                "record's evidence quotes: add the sentence that contains it to evidence "
                f'("{_sentence(nt, elsewhere, elsewhere + len(key))}"), or take the {name} '
                "from the quoted sentences"
            )
        else:
            message = (
                f'{name} "{value}" comes from the span "{span.text}", which is not in the '
                "article as whole words: copy the span exactly as the evidence writes it"
                f"{_or_null(record, name)}"
            )
    if message is None:
        return located, None
    problem = Problem(field=name, text=value, status="attribute_not_in_evidence", message=message)
    return located, problem


def _foreign_span(record: AnyRecord, index: int, span: AttributeSpan) -> Problem:
    """The problem of a span for a field that is not a grounded attribute of the record."""
    fields = GROUNDED_FIELDS[record.kind]
    return Problem(
        field=f"spans[{index}]",
        text=span.text,
        status="attribute_not_in_evidence",
        message=(
            f'spans[{index}] is for "{span.field}", which is not an attribute of a '
            f"{_KIND_NAMES[record.kind]} record: use one of {', '.join(fields)}"
        ),
    )


def _check_attributes(
    record: AnyRecord,
    nt: NormalizedText,
    quotes: Quotes,
    flagged: Container[str] = (),
) -> tuple[list[AttributeSpan], list[Problem]]:
    """Rule 7: the record's spans with their offsets, and the attributes not grounded.

    Fields in ``flagged`` already have a problem (a stray number): their spans
    are located, but no second problem is reported for them.
    """
    fields = GROUNDED_FIELDS[record.kind]
    spans: list[AttributeSpan] = []
    problems: list[Problem] = []
    with_span: set[str] = set()
    for i, span in enumerate(record.spans):
        if span.field not in fields:
            spans.append(span.model_copy(update={"start": None, "end": None}))
            problems.append(_foreign_span(record, i, span))
            continue
        value = getattr(record, span.field)
        if not isinstance(value, str) or not value.strip():  # nothing to ground: locate it
            key = _key(span.text)
            at = _in_quotes(nt, key, quotes)
            start, end = (None, None) if at is None else nt.raw_span(at, at + len(key))
            spans.append(span.model_copy(update={"start": start, "end": end}))
            continue
        with_span.add(span.field)
        located, problem = _check_span(record, nt, span, value, quotes)
        spans.append(located)
        if problem is not None and span.field not in flagged:
            problems.append(problem)
    for name in fields:
        value = getattr(record, name)
        if name in with_span or name in flagged or not isinstance(value, str) or not value.strip():
            continue
        if _words_in_quotes(nt, _key(value), quotes):
            continue
        if any(_names(value, c) for c in _places_in_quotes(nt, quotes)):
            continue
        problems.append(_unsupported(record, nt, name, value))
    return spans, problems


# ---------------------------------------------------------------- public API
def verify_record(record: R, source: str | NormalizedText) -> R:
    """A copy of ``record`` with ``verification`` filled and evidence offsets recomputed.

    ``source`` is the raw article text (or its :func:`~llmbrief.normalize.normalize`
    result, to share the work between records). Evidence ``start``/``end``
    become raw offsets of the quote in the source, or ``None`` when it is not
    found. Nothing else in the record is changed.
    """
    nt = normalize(source)
    quote_results = [_check_quote(nt, i, ev.quote) for i, ev in enumerate(record.evidence)]
    quotes = [(q.start, q.end) for q in quote_results if q.start is not None and q.end is not None]

    evidence: list[Evidence] = []
    evidence_checks: list[EvidenceCheck] = []
    problems: list[Problem] = []
    for i, (ev, q) in enumerate(zip(record.evidence, quote_results, strict=True)):
        start = end = None
        if q.start is not None and q.end is not None:
            start, end = nt.raw_span(q.start, q.end)
        evidence.append(ev.model_copy(update={"start": start, "end": end}))
        evidence_checks.append(EvidenceCheck(index=i, status=q.status, start=start, end=end))
        if q.status != "ok":
            problems.append(
                Problem(field=f"evidence[{i}]", text=ev.quote, status=q.status, message=q.message)
            )

    update: dict[str, object] = {"evidence": evidence}
    figure_checks: list[FigureCheck] = []
    for name in FIGURE_FIELDS[record.kind]:
        fig = getattr(record, name)
        if not isinstance(fig, Figure):
            continue
        update[name] = fig.model_copy()
        check, problem = _check_figure(nt, name, fig, quotes)
        figure_checks.append(check)
        if problem is not None:
            problems.append(problem)
    for name, value in _text_fields(record):
        problems.extend(_check_strays(nt, name, value, quotes))
    if all(q.status == "ok" for q in quote_results):
        # (with a quote not found, the re-ask is about the quote first)
        flagged = {p.field for p in problems}
        update["spans"], attribute_problems = _check_attributes(record, nt, quotes, flagged)
        problems.extend(attribute_problems)
    else:
        update["spans"] = [s.model_copy(update={"start": None, "end": None}) for s in record.spans]

    update["verification"] = Verification(
        verified=not problems,
        figures=figure_checks,
        evidence=evidence_checks,
        problems=problems,
    )
    return cast(R, record.model_copy(update=update))


def verify_document(doc: Document, source: str | NormalizedText) -> Document:
    """A copy of ``doc`` with every record verified against ``source`` (normalized once)."""
    nt = normalize(source)
    records = [verify_record(r, nt) for r in doc.records]
    return doc.model_copy(update={"records": records})


def problems_for_model(verification: Verification) -> str:
    """The re-ask message: one line per problem, saying what is wrong and what to copy."""
    lines: list[str] = []
    for p in verification.problems:
        line = p.message or f'{p.field} "{p.text}": {p.status.replace("_", " ")}'
        lines.append(" ".join(line.split()))  # one line each, whatever the model wrote
    return "\n".join(lines)


def check_record_or_raise(record: R, source: str | NormalizedText) -> R:
    """Verify ``record``; return the verified copy, or raise :class:`RecordVerificationError`.

    Meant for a pydantic ``model_validator`` during extraction: the error is a
    ``ValueError`` whose text is :func:`problems_for_model`, so instructor's
    re-ask shows the model exactly what to fix.
    """
    checked = verify_record(record, source)
    verification = checked.verification
    if verification is not None and not verification.verified:
        raise RecordVerificationError(checked, verification)
    return checked
