"""The words and patterns of the number grammar: alternations written as tries."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmbrief.number_grammar import _alt

# Invented words that share prefixes, and words that are prefixes of others.
WORDS = ["tide", "tides", "tidal", "ti", "toll", "tolls", "a way", "a", "away", "zen", "z"]


def _plain(words: list[str]) -> re.Pattern[str]:
    """The alternation as the grammar wrote it before: every word, longest first."""
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w).replace("\\ ", " ") for w in ordered))


@pytest.mark.parametrize(
    ("words", "pattern"),
    [
        (["tide", "tides", "toll"], "t(?:ide(?:s|)|oll)"),
        (["a way", "away", "a"], "a(?: way|way|)"),
        (["zen"], "zen"),
    ],
)
def test_alt_is_a_trie(words: list[str], pattern: str) -> None:
    assert _alt(words) == pattern


@given(st.lists(st.sampled_from([*"adeilnostwyz ", "tide", "toll", "a way"]), max_size=12))
def test_alt_matches_what_the_longest_first_alternation_matches(pieces: list[str]) -> None:
    text = "".join(pieces)
    trie = re.compile(_alt(WORDS))
    plain = _plain(WORDS)
    for i in range(len(text) + 1):
        a, b = trie.match(text, i), plain.match(text, i)
        assert (a and a.span()) == (b and b.span())
    # and under backtracking: the words are tried in the same order, longest first
    then_s = re.compile(f"(?:{_alt(WORDS)})s")
    plain_s = re.compile(f"(?:{_plain(WORDS).pattern})s")
    for i in range(len(text) + 1):
        a, b = then_s.match(text, i), plain_s.match(text, i)
        assert (a and a.span()) == (b and b.span())
