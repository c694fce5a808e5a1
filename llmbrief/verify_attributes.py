"""Rule 7 of the verifier: every grounded attribute of a record is in its evidence quotes.

Takes the normalized source, a record and its evidence quotes; gives the
record's spans with raw offsets and the attributes (sender, claimant, place...)
that neither their words, nor a span, nor a place named in the quotes ground.
The gazetteer is imported only when the plain comparison fails.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache

from llmbrief.models import (
    GROUNDED_FIELDS,
    AttributeSpan,
    Casualties,
    Deployment,
    DiplomaticVisit,
    EquipmentTransfer,
    Problem,
)
from llmbrief.normalize import NormalizedText, fold, normalize_fragment
from llmbrief.numbers import is_whole_token
from llmbrief.verify_text import QUOTE_TRIM, Quotes, occurrences, sentence, with_changes

AnyRecord = Deployment | EquipmentTransfer | Casualties | DiplomaticVisit
#: A word of an attribute's value: letters and digits, joined by ' . - ("Russia's", "U.S").
_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")
_KIND_NAMES = {
    "deployment": "deployment",
    "equipment_transfer": "equipment transfer",
    "casualties": "casualties",
    "diplomatic_visit": "diplomatic visit",
}


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """An attribute or span as compared: folded, outer spaces and punctuation trimmed."""
    return fold(text).strip(QUOTE_TRIM)


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
    rest = (value[: places[0].start] + value[places[0].end :]).strip(QUOTE_TRIM).lower()
    return places[0].country if rest in ("", "the") else None


def _names(value: str, country: str | None) -> bool:
    """Whether the attribute value ``value`` is the country ``country`` (by any name)."""
    if not country:
        return False
    return _key(value) == _key(country) or _country_named(value) == country


def _places_in_quotes(nt: NormalizedText, quotes: Quotes) -> list[str]:
    """The countries of the places named inside ``quotes`` (computed once per quote)."""
    from llmbrief import gazetteer

    # (tuples of names: the garbage collector stops tracking those, not lists)
    cache: dict[tuple[int, int], tuple[str, ...]] = nt.cache.setdefault("places_by_quote", {})
    countries: list[str] = []
    for qs, qe in quotes:
        found = cache.get((qs, qe))
        if found is None:
            found = tuple(p.country for p in gazetteer.find_places(nt.text[qs:qe]))
            cache[(qs, qe)] = found
        countries.extend(found)
    return countries


def _or_null(record: AnyRecord, name: str) -> str:
    field = type(record).model_fields.get(name)
    return f", or leave {name} null" if field is not None and not field.is_required() else ""


def _unsupported(record: AnyRecord, nt: NormalizedText, name: str, value: str) -> Problem:
    """The problem of an attribute without a span that the evidence does not ground."""
    key = _key(value)
    elsewhere = next(occurrences(nt.folded, key), None)
    if elsewhere is not None:
        message = (
            f'{name} "{value}" is not in this record\'s evidence quotes: add the sentence that '
            f'names it to evidence ("{sentence(nt, elsewhere, elsewhere + len(key))}"), or '
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
        located = with_changes(span, start=start, end=end)
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
        located = with_changes(span, start=None, end=None)
        elsewhere = next(occurrences(nt.folded, key), None)
        if elsewhere is not None:
            message = (
                f'{name} "{value}" comes from the span "{span.text}", which is not inside this '
                "record's evidence quotes: add the sentence that contains it to evidence "
                f'("{sentence(nt, elsewhere, elsewhere + len(key))}"), or take the {name} '
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


def check_attributes(
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
            spans.append(with_changes(span, start=None, end=None))
            problems.append(_foreign_span(record, i, span))
            continue
        value = getattr(record, span.field)
        if not isinstance(value, str) or not value.strip():  # nothing to ground: locate it
            key = _key(span.text)
            at = _in_quotes(nt, key, quotes)
            start, end = (None, None) if at is None else nt.raw_span(at, at + len(key))
            spans.append(with_changes(span, start=start, end=end))
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
