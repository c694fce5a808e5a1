"""Reading figure texts, and finding every number in an article."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from verify_cases import seed

from llmbrief.models import Number, Qualifier
from llmbrief.normalize import normalize
from llmbrief.number_grammar import CANDIDATE
from llmbrief.numbers import (
    HEDGES,
    FigureParseError,
    FoundFigure,
    NumberSpan,
    _candidates,
    find_figures,
    is_whole_token,
    may_hold_numbers,
    parse_figure_text,
    scan_numbers,
    scan_part,
    sentence_bounds,
)

M = 1_000_000

# text, value, low, high, qualifier
PARSE_CASES: list[tuple[str, Number | None, Number | None, Number | None, Qualifier]] = [
    # digits, separators, decimals, currency, scale words
    ("25,000", 25000, 25000, 25000, "exact"),
    ("5,000", 5000, 5000, 5000, "exact"),
    ("1300", 1300, 1300, 1300, "exact"),
    ("1.5", 1.5, 1.5, 1.5, "exact"),
    ("10 million", 10 * M, 10 * M, 10 * M, "exact"),
    ("$115 million", 115 * M, 115 * M, 115 * M, "exact"),
    ("1.5 billion", 1_500_000_000, 1_500_000_000, 1_500_000_000, "exact"),
    ("2.3 million", 2_300_000, 2_300_000, 2_300_000, "exact"),  # no float error
    ("15%", 15, 15, 15, "exact"),
    # number words
    ("two", 2, 2, 2, "exact"),
    ("Twenty-five thousand", 25000, 25000, 25000, "exact"),
    ("twenty five", 25, 25, 25, "exact"),
    ("six-thousand", 6000, 6000, 6000, "exact"),
    ("four-thousand-100", 4100, 4100, 4100, "exact"),
    ("three hundred and forty-two", 342, 342, 342, "exact"),
    ("two million three hundred thousand", 2_300_000, 2_300_000, 2_300_000, "exact"),
    ("one thousand million", 1_000_000_000, 1_000_000_000, 1_000_000_000, "exact"),
    ("a thousand", 1000, 1000, 1000, "exact"),
    ("a dozen", 12, 12, 12, "exact"),
    ("two dozen", 24, 24, 24, "exact"),
    ("nineteen", 19, 19, 19, "exact"),
    # counts of times
    ("once", 1, 1, 1, "exact"),
    ("twice", 2, 2, 2, "exact"),
    ("thrice", 3, 3, 3, "exact"),
    # ranges
    ("10,000 to 12,000", None, 10000, 12000, "range"),
    ("10,000-12,000", None, 10000, 12000, "range"),
    ("10,000 – 12,000", None, 10000, 12000, "range"),  # en dash
    ("between 10,000 and 12,000", None, 10000, 12000, "range"),
    ("from 10,000 to 12,000", None, 10000, 12000, "range"),
    ("10 to 12 million", None, 10 * M, 12 * M, "range"),
    ("two to three thousand", None, 2000, 3000, "range"),
    ("1,000 to 5 million", None, 1000, 5 * M, "range"),
    # vague
    ("hundreds", None, None, None, "vague"),
    ("thousands", None, None, None, "vague"),
    ("dozens", None, None, None, "vague"),
    ("tens of thousands", None, None, None, "vague"),
    ("a few hundred", None, None, None, "vague"),
    # hedges: records.md vocabulary
    ("up to 25,000", 25000, None, 25000, "at_most"),
    ("as many as 5,000", 5000, None, 5000, "at_most"),
    ("at most 40", 40, None, 40, "at_most"),
    ("over 6,000", 6000, 6000, None, "over"),
    ("over 10 million", 10 * M, 10 * M, None, "over"),
    ("more than 300", 300, 300, None, "over"),
    ("in excess of 1,000", 1000, 1000, None, "over"),
    ("at least 3", 3, 3, None, "at_least"),
    ("about 12,000", 12000, None, None, "approx"),
    ("around 12,000", 12000, None, None, "approx"),
    ("some 5,000", 5000, None, None, "approx"),
    ("roughly 5,000", 5000, None, None, "approx"),
    ("an estimated 12,000", 12000, None, None, "approx"),
    ("nearly 4,000", 4000, None, None, "approx"),
    ("almost 4,000", 4000, None, None, "approx"),
    ("approximately 4,000", 4000, None, None, "approx"),
    ("fewer than 100", 100, None, 100, "under"),
    ("less than 100", 100, None, 100, "under"),
    ("under 100", 100, None, 100, "under"),
    ("Up to $115 million", 115 * M, None, 115 * M, "at_most"),
    ("more than twice", 2, 2, None, "over"),
    # words around the number are allowed; punctuation around it is trimmed
    ("25,000 workers", 25000, 25000, 25000, "exact"),
    ("a 1,000-strong force", 1000, 1000, 1000, "exact"),
    ("25,000.", 25000, 25000, 25000, "exact"),
]


@pytest.mark.parametrize(("text", "value", "low", "high", "qualifier"), PARSE_CASES)
def test_parse_figure_text(
    text: str,
    value: Number | None,
    low: Number | None,
    high: Number | None,
    qualifier: Qualifier,
) -> None:
    p = parse_figure_text(text)
    assert (p.value, p.low, p.high, p.qualifier) == (value, low, high, qualifier)
    for got, want in ((p.value, value), (p.low, low), (p.high, high)):
        assert type(got) is type(want)  # ints stay ints; 1.5 stays a float


def test_every_hedge_maps_to_its_qualifier() -> None:
    for hedge, qualifier in HEDGES.items():
        p = parse_figure_text(f"{hedge} 7,000")
        assert p.qualifier == qualifier, hedge
        assert p.value == 7000
        assert p.hedge == hedge


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "no number"),
        ("several", "no number"),
        ("network", "no number"),  # "two" is not inside "network"
        ("Geran-2", "no number"),  # a name, not a count
        ("twenty-fourth", "no number"),  # an ordinal
        ("24/7", "no number"),
        ("one of them", "no number"),  # "one" as a pronoun
        ("once the war ends", "no number"),  # "once" as a conjunction
        ("1,000 sappers and 5,000 military engineers", "more than one number"),
    ],
)
def test_parse_errors(text: str, error: str) -> None:
    with pytest.raises(FigureParseError, match=error) as info:
        parse_figure_text(text)
    assert isinstance(info.value, ValueError)


def _words(n: int) -> str:
    """English words for 0 < n < 1,000,000, the way articles write them."""
    units = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ]
    tens = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    def below_1000(k: int) -> str:
        parts = []
        if k >= 100:
            parts.append(f"{units[k // 100]} hundred")
            k %= 100
            if k:
                parts.append("and")
        if k >= 20:
            parts.append(tens[k // 10] + (f"-{units[k % 10]}" if k % 10 else ""))
        elif k:
            parts.append(units[k])
        return " ".join(parts)

    if n >= 1000:
        rest = below_1000(n % 1000)
        return f"{below_1000(n // 1000)} thousand" + (f" {rest}" if rest else "")
    return below_1000(n)


@given(st.integers(1, 999_999))
def test_number_words_round_trip(n: int) -> None:
    assert parse_figure_text(_words(n)).value == n
    assert parse_figure_text(_words(n).capitalize()).value == n


@given(st.integers(0, 10**12), st.sampled_from(sorted(HEDGES)))
def test_digits_with_separators_round_trip(n: int, hedge: str) -> None:
    p = parse_figure_text(f"{hedge} {n:,}")
    assert p.value == n
    assert p.qualifier == HEDGES[hedge]


# ---------------------------------------------------------------- find_figures
def _found(text: str) -> list[tuple[str, str | None, bool]]:
    return [(f.text, f.hedge, f.is_date) for f in find_figures(text)]


# Every number expression of each seed, in order: (raw text, hedge, is_date).
SEED_FIGURES: dict[str, list[tuple[str, str | None, bool]]] = {
    "000": [
        ("2024", None, True),
        ("up to $115 million", "up to", False),
        ("one", None, False),  # "at one point"
        ("one", None, False),  # "in one respect"
        ("two", None, False),
    ],
    "001": [
        ("two", None, False),
        ("over 10 million", "over", False),
        ("up to 25,000", "up to", False),
        ("two", None, False),
        ("17", None, True),  # "June 17"
        ("1,000", None, False),
        ("5,000", None, False),
        ("1,300", None, False),
        ("2025", None, True),  # "March 2025"
        ("over 6,000", "over", False),
        ("9", None, True),  # "May 9"
    ],
    "002": [
        ("two", None, False),
        ("around 12,000", "around", False),
        ("around 4,000", "around", False),
    ],
    "003": [
        ("Twenty-five thousand", None, False),
        ("hundreds", None, False),
        ("around 25,000", "around", False),
        ("thousands", None, False),
        ("1,000", None, False),
        ("5,000", None, False),
        ("25,000", None, False),
        ("15%", None, False),
    ],
    "004": [
        ("Thousands", None, False),
        ("up to 25,000", "up to", False),
        ("two", None, False),
        ("thrice", None, False),
        ("three", None, False),
        ("2022", None, True),  # "since late 2022"
        ("1,000", None, False),
        ("5,000", None, False),
        ("over 6,000", "over", False),
        ("thousands", None, False),
    ],
}


@pytest.mark.parametrize("prefix", sorted(SEED_FIGURES))
def test_find_figures_in_seeds(prefix: str) -> None:
    raw = seed(prefix)
    found = find_figures(raw)
    assert [(f.text, f.hedge, f.is_date) for f in found] == SEED_FIGURES[prefix]
    for f in found:
        assert raw[f.start : f.end] == f.text
        assert f.start <= f.number_start < f.end


def test_find_figures_meanings_in_seed_004() -> None:
    by_text = {f.text: f for f in find_figures(seed("004"))}
    hedged = by_text["up to 25,000"]
    assert (hedged.value, hedged.low, hedged.high, hedged.qualifier) == (
        25000,
        None,
        25000,
        "at_most",
    )
    assert seed("004")[hedged.number_start : hedged.end] == "25,000"
    assert by_text["thrice"].value == 3
    assert by_text["thrice"].unit_hint == "times"
    assert (by_text["over 6,000"].low, by_text["over 6,000"].qualifier) == (6000, "over")
    assert by_text["Thousands"].qualifier == "vague"


def test_find_figures_hints() -> None:
    by_text = {f.text: f for f in find_figures(seed("000"))}
    money = by_text["up to $115 million"]
    assert money.unit_hint == "USD"
    assert money.value == 115_000_000
    assert seed("000")[money.number_start : money.end] == "$115 million"
    (pct,) = [f for f in find_figures(seed("003")) if f.text == "15%"]
    assert pct.unit_hint == "percent"


def test_find_figures_over_a_line_break_reports_raw_offsets() -> None:
    raw = "They sent up to\n25,000\u00a0workers and\r\nTwenty-five thousand more."
    found = find_figures(raw)
    assert [f.text for f in found] == ["up to\n25,000", "Twenty-five thousand"]
    assert found[0].hedge == "up to"
    assert raw[found[0].number_start : found[0].end] == "25,000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the network grew", []),
        ("often ten", [("ten", None, False)]),
        ("25,000 and 5,000", [("25,000", None, False), ("5,000", None, False)]),
        ("Geran-2 and Su-34 jets", []),
        ("F-16s", []),
        ("the 1990s", []),
        ("1st and 2nd", []),
        ("at 10:30 on 24/7", []),
        ("mid-2024", []),
        ("a 25,000-strong force", [("25,000", None, False)]),
        ("2000 troops", [("2000", None, False)]),
        ("in 2000, troops", [("2000", None, True)]),
        ("9 May", [("9", None, True)]),
        ("may 9", [("9", None, False)]),  # "may" the verb, not the month
        ("awesome 5", [("5", None, False)]),  # "some" is a hedge only as a word
        ("just over 6,000", [("just over 6,000", "just over", False)]),
        ("between 10,000 and 12,000", [("between 10,000 and 12,000", "between", False)]),
        ("from 2022 to 2024", [("from 2022 to 2024", "from", False)]),
        ("2022-2024", [("2022-2024", None, True)]),
        ("on 23-24 May", [("23-24", None, True)]),  # a span of days, either order
        ("on May 23-24", [("23-24", None, True)]),
        ("sent 10-12 tanks in May", [("10-12", None, False)]),
        ("hundreds of thousands", [("hundreds of thousands", None, False)]),
        ("no one came, one of them left, one soldier stayed", [("one", None, False)]),
        ("once the war ends; visited once", [("once", None, False)]),
        ("at once, more than once", [("more than once", "more than", False)]),
        ("twenty-fourth", []),
        ("1,30", []),
        ("Figures: 1.5, 2.", [("1.5", None, False), ("2", None, False)]),
    ],
)
def test_find_figures_cases(text: str, expected: list[tuple[str, str | None, bool]]) -> None:
    assert _found(text) == expected


def test_found_figure_is_a_frozen_record() -> None:
    (f,) = find_figures("some 5,000 troops")
    assert isinstance(f, FoundFigure)
    assert (f.start, f.end, f.number_start, f.value, f.qualifier) == (0, 10, 5, 5000, "approx")
    with pytest.raises(AttributeError):
        f.value = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "start", "end", "whole"),
    [
        ("25,000 workers", 0, 6, True),
        ("25,000 workers", 1, 6, False),  # "5,000" inside "25,000"
        ("25,000 workers", 3, 6, False),  # "000" after "25,"
        ("1,000.5", 0, 5, False),  # "1,000" before ".5"
        ("up to 25,000.", 6, 12, True),  # a sentence's full stop is not a decimal point
        ("network", 3, 6, False),  # "two"... "wor" inside a word
        ("the two", 4, 7, True),
        ("(two)", 1, 4, True),
        ("", 0, 0, False),
    ],
)
def test_is_whole_token(text: str, start: int, end: int, whole: bool) -> None:
    assert is_whole_token(text, start, end) is whole


# ---------------------------------------------------------------- one sentence at a time
_ARTICLE = (
    "Between 5 and 6 ferries sailed on May 23. The port expects up to 1,200 cars, about "
    "twenty-five buses and a dozen trucks, officials said. One of the cranes broke once the "
    "storm hit in 2019. Fares rose 15% to $4.50. Two-thirds of it ran from 10 to 12 million "
    "miles. U.S. crews, some 40 of them, came. Thousands waited 1.5. hours."
)
_PIECES = [
    *"abz5.,-$%",
    " ",
    ". ",
    ", ",
    "up to ",
    "between ",
    " and ",
    " to ",
    "two",
    "one of",
    "once the",
    "a dozen",
    "thousand",
    "1,200",
    "2019",
    "May 23",
    "12 million",
]


def _parts(text: str) -> list[NumberSpan]:
    nt = normalize(text)
    if not may_hold_numbers(nt.folded):
        return []
    spans: list[NumberSpan] = []
    pos = 0
    while pos < len(nt.folded):
        start, end = sentence_bounds(nt.folded, pos)
        assert start <= pos < end
        spans.extend(scan_part(nt.text, nt.folded, start, end))
        pos = end
    return spans


def test_sentences_scanned_one_by_one_find_what_the_whole_text_finds() -> None:
    nt = normalize(_ARTICLE)
    whole = scan_numbers(nt.text, nt.folded)
    assert len(whole) > 10
    assert _parts(_ARTICLE) == whole


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_sentences_scanned_one_by_one_find_what_the_whole_text_finds_anywhere(text: str) -> None:
    nt = normalize(text)
    assert _parts(text) == scan_numbers(nt.text, nt.folded)


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join), st.data())
def test_candidates_are_the_matches_of_a_lookbehind_pattern(text: str, data: st.DataObject) -> None:
    folded = normalize(text).folded
    start = data.draw(st.integers(0, len(folded)))
    end = data.draw(st.integers(start, len(folded)))
    pattern = re.compile(r"(?<![a-z0-9_])" + CANDIDATE.pattern)
    assert _candidates(folded, start, end) == [
        m.start() for m in pattern.finditer(folded, start, end)
    ]
