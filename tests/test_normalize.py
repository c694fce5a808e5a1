"""The one normalization: whitespace, quotes, dashes, NFC, case; and the map to raw offsets."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from verify_cases import seed

from llmbrief.normalize import (
    NOT_SPACE,
    NormalizedText,
    fold,
    normalize,
    normalize_fragment,
    whitespace_to_rewrite,
)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("a  b", "a b"),
        ("a\tb", "a b"),
        ("a\nb", "a b"),
        ("a\r\n\r\nb", "a b"),
        ("a\u00a0b", "a b"),  # NBSP
        ("a\u2009b", "a b"),  # thin space
        ("a\u202fb", "a b"),  # narrow NBSP
        ("a\u3000b", "a b"),  # ideographic space
        ("a \u00a0\n\t b", "a b"),  # a mixed run is one space
        ("Russia\u2019s", "Russia's"),
        ("\u2018quoted\u2019", "'quoted'"),
        ("\u201cworks\u201d", '"works"'),
        ("training \u2013 only", "training - only"),  # en dash
        ("war\u2014again", "war-again"),  # em dash
        ("e\u0301", "\u00e9"),  # NFC composes
        ("25,000 \u2013 1.5", "25,000 - 1.5"),  # digits and separators untouched
        ("\u201eunchanged\u201c", '\u201eunchanged"'),  # only ‘ ’ “ ” are mapped
        ("zero\u200bwidth", "zero\u200bwidth"),  # not whitespace: kept
    ],
)
def test_normalized_text(raw: str, text: str) -> None:
    nt = normalize(raw)
    assert nt.text == text
    assert normalize_fragment(raw) == text


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("North Korea", "north korea"),
        ("İstanbul", "İstanbul"),  # lowercase would be two characters: kept as is
        ("ΟΔΟΣ", "οδοσ"),  # final sigma folds to sigma, whatever its position
        ("Straße", "straße"),  # lower(), not casefold(): length kept
    ],
)
def test_folding_keeps_length(raw: str, folded: str) -> None:
    nt = normalize(raw)
    assert nt.folded == folded
    assert len(nt.folded) == len(nt.text)
    assert fold(raw) == folded


def test_raw_span_covers_a_collapsed_run() -> None:
    raw = "a special assignment\nfrom Russian"
    nt = normalize(raw)
    i = nt.text.index("assignment from")
    start, end = nt.raw_span(i, i + len("assignment from"))
    assert raw[start:end] == "assignment\nfrom"
    # the collapsed space itself maps back to the whole run
    raw2 = "one \u00a0\n two"
    nt2 = normalize(raw2)
    assert nt2.text == "one two"
    assert nt2.raw_span(3, 4) == (3, 7)
    assert nt2.raw_span(4, 7) == (7, 10)


def test_raw_span_through_nfc() -> None:
    raw = "Caf\u0065\u0301 n\u00a0\u00a0 25,000 e\u0301t\u00e9"
    nt = normalize(raw)
    assert nt.text == "Café n 25,000 été"
    i = nt.text.index("25,000")
    s, e = nt.raw_span(i, i + 6)
    assert raw[s:e] == "25,000"
    j = nt.text.index("Café")
    assert nt.raw_slice(j, j + 4) == "Cafe\u0301"
    k = nt.text.index("été")
    assert nt.raw_slice(k, k + 3) == "e\u0301t\u00e9"


def test_raw_offset_at_the_ends() -> None:
    raw = "  lead and trail \n"
    nt = normalize(raw)
    assert nt.text == " lead and trail "
    assert nt.raw_offset(0) == 0
    assert nt.raw_offset(1) == 2
    assert nt.raw_offset(len(nt.text)) == len(raw)
    assert nt.raw_span(3, 3) == (4, 4)


def test_seed_000_nbsp_is_one_space() -> None:
    raw = seed("000")
    assert "\u00a0" in raw
    nt = normalize(raw)
    assert "\u00a0" not in nt.text
    i = nt.text.index("July 2024. The goal")
    s, e = nt.raw_span(i, i + len("July 2024. The goal"))
    assert raw[s:e] == "July 2024.\u00a0\n\nThe goal"


def test_seed_001_curly_apostrophe() -> None:
    nt = normalize(seed("001"))
    assert "\u2019" not in nt.text
    assert "south korea's national intelligence service" in nt.folded


def test_normalize_is_cached_per_source() -> None:
    raw = seed("004")
    assert normalize(raw) is normalize(raw)
    nt = normalize(raw)
    assert normalize(nt) is nt


# Characters that exercise every rule except NFC (which may merge characters).
_SPECIAL = ["\n", "\t", "\u00a0", "\u2009", "\u2018", "\u2019", "\u201c", "\u201d", "\u2013"]
_ALPHABET = st.sampled_from([*"ab Z9,.'\"-", *_SPECIAL, "\u2014", "\r\n", "  "])


def _reference(raw: str) -> str:
    """A slow, obvious statement of the rules, to compare against."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", raw):
        ch = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}.get(ch, ch)
        ch = {"\u2013": "-", "\u2014": "-"}.get(ch, ch)
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
    return "".join(out)


@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_normalize_matches_the_rules(raw: str) -> None:
    nt = normalize(raw)
    assert nt.text == _reference(raw)
    assert nt.text == normalize_fragment(raw)
    assert nt.folded == nt.text.lower()


@given(st.lists(_ALPHABET, max_size=40).map("".join), st.data())
def test_every_span_maps_back_to_raw_text_that_normalizes_to_it(
    raw: str, data: st.DataObject
) -> None:
    nt: NormalizedText = normalize(raw)
    if not nt.text:
        return
    start = data.draw(st.integers(0, len(nt.text) - 1))
    end = data.draw(st.integers(start + 1, len(nt.text)))
    rs, re_ = nt.raw_span(start, end)
    assert 0 <= rs < re_ <= len(raw)
    assert normalize_fragment(raw[rs:re_]) == nt.text[start:end]


def test_not_space_is_every_whitespace_character_but_the_space() -> None:
    every = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert set(NOT_SPACE) == every - {" "}
    assert len(NOT_SPACE) == len(set(NOT_SPACE))
    assert not any(c.isprintable() for c in NOT_SPACE)  # what the quick test relies on


_WHITESPACE = st.sampled_from([" ", " ", "\n", "\t", "\r", "\x0b", "\x1f", "\u00a0", "\u2003"])


@given(st.lists(st.one_of(_WHITESPACE, st.sampled_from([*"ab.é", "  "])), max_size=30))
def test_whitespace_to_rewrite_is_the_pattern(pieces: list[str]) -> None:
    text = "".join(pieces)
    pattern = [m.span() for m in re.finditer(r"\s{2,}|[^\S ]", text)]
    assert whitespace_to_rewrite(text) == pattern
    assert whitespace_to_rewrite(text.encode("ascii", "ignore").decode()) == [
        m.span() for m in re.finditer(r"\s{2,}|[^\S ]", text.encode("ascii", "ignore").decode())
    ]


def test_whitespace_to_rewrite_in_a_paragraph() -> None:
    text = "The ferry left at dawn.\n\nIt carried\tforty  cars and a\u00a0bus. "
    assert whitespace_to_rewrite(text) == [(23, 25), (35, 36), (41, 43), (53, 54)]


@given(st.lists(_ALPHABET, max_size=40).map("".join), st.data())
def test_raw_span_is_the_span_of_its_first_and_last_characters(
    raw: str, data: st.DataObject
) -> None:
    nt = normalize(raw)
    if not nt.text:
        return
    start = data.draw(st.integers(0, len(nt.text) - 1))
    end = data.draw(st.integers(start + 1, len(nt.text)))
    assert nt.raw_span(start, end) == (nt._raw_char(start)[0], nt._raw_char(end - 1)[1])
