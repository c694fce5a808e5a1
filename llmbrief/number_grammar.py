"""The grammar of numbers as news articles write them: words, and the patterns built on them.

:mod:`llmbrief.numbers` reads and finds numbers with these (its docstring says what the
grammar covers). The patterns run over folded normalized text: lowercase, single spaces,
ASCII dashes. Word alternations are written as tries (:func:`_alt`), which the regular
expression engine tries a character at a time instead of a word at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from llmbrief.models import Qualifier

#: Hedge words (lowercase, normalized) and the qualifier each one means.
HEDGES: dict[str, Qualifier] = {
    # approx
    "about": "approx",
    "around": "approx",
    "some": "approx",
    "roughly": "approx",
    "an estimated": "approx",
    "estimated": "approx",
    "nearly": "approx",
    "almost": "approx",
    "approximately": "approx",
    "close to": "approx",
    # over
    "over": "over",
    "more than": "over",
    "in excess of": "over",
    "upwards of": "over",
    "just over": "over",
    "well over": "over",
    # at_least
    "at least": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    # at_most
    "up to": "at_most",
    "as many as": "at_most",
    "at most": "at_most",
    "no more than": "at_most",
    # under
    "fewer than": "under",
    "less than": "under",
    "under": "under",
    "just under": "under",
}

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
COUNTS = {"once": 1, "twice": 2, "thrice": 3}
WORD_VALUES: dict[str, int] = {**_UNITS, **_TEENS, **_TENS}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP"}
MONTHS = _words(
    "january february march april may june july august september sept october november december"
)


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` that tries the longest word first.

    Written as a trie (``t(?:en|h(?:ree|irty))``): where the words start with
    different letters the engine tests one character instead of trying every
    word. The words that fit at one place are prefixes of each other, and a
    longer word comes before its prefix, so they are tried in the same order as
    in a plain alternation sorted longest first, and match the same.
    """
    return _trie(sorted(set(words)))


def _trie(words: list[str]) -> str:
    groups: dict[str, list[str]] = {}
    for w in words:
        if w:
            groups.setdefault(w[0], []).append(w[1:])
    branches = [re.escape(c).replace("\\ ", " ") + _trie(rest) for c, rest in groups.items()]
    if "" in words:
        branches.append("")  # the word ends here: tried after the longer ones
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


# ---------------------------------------------------------------- the grammar
# Patterns run over folded normalized text: lowercase, single spaces, ASCII dashes.
_E = r"(?![a-z0-9_])"  # a word ends here
_U = rf"(?:{_alt(w for w in _UNITS if w != 'zero')}){_E}"
_W99 = rf"(?:(?:{_alt(_TENS)})(?:[- ]{_U}|{_E})|(?:{_alt(_TEENS)}){_E}|{_U}|zero{_E})"
_GROUP_W = rf"(?:(?:{_W99}|a)[- ]hundred{_E}(?:(?: and)?[- ]{_W99})?|{_W99})"
_BIG = r"(?:thousand|million|billion|trillion)"
_ANY_SCALE = r"(?:hundred|thousand|million|billion|trillion)"
# At most 15 integer digits (and 10 decimals): longer runs are ids, not figures.
_DIG = r"(?:\d{1,3}(?:,\d{3}){1,4}(?![0-9])|\d{1,15}(?![0-9]))(?:\.\d{1,10}(?![0-9]))?"
_CARD_D = rf"[$€£]?{_DIG}(?:[- ]{_ANY_SCALE}{_E})*"
_CARD_W = (
    rf"(?:{_GROUP_W}|a(?=[- ]{_BIG}{_E}))"
    rf"(?:[- ]{_BIG}{_E}(?:(?: and)?[- ]{_GROUP_W}|-{_DIG}(?![- ]?{_ANY_SCALE}))?)*"
)
_DOZEN = rf"(?:a|{_W99})[- ]dozen{_E}"
_CARD = rf"(?:{_DOZEN}|{_CARD_D}|{_CARD_W})"
_COUNT = rf"(?:{_alt(COUNTS)}){_E}"
_VAGUE = (
    r"(?:(?:tens|hundreds|thousands|millions|billions|dozens)"
    r"(?: of (?:thousands|millions|billions))?"
    r"|(?:several|a few|a couple of) (?:dozen|hundred|thousand|million|billion))"
    rf"{_E}"
)
_RANGE_SEP = r"(?: ?- ?| to )"
# Not inside a word, a larger number, a name like "Geran-2", a time or a fraction.
_LB = r"(?<![a-z0-9_$€£])(?<![0-9][.,/:])(?<![a-z0-9]-)"
_RB = (
    r"(?![a-z0-9_])(?![.,/:][0-9])"
    r"(?!-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)(?![a-z]))"
)
_HEDGE = _alt(HEDGES)

SCAN = re.compile(
    _LB
    + r"(?:"
    + rf"(?P<rh>between|from) (?P<rn>[$€£]?{_CARD}(?: and | to ){_CARD})"
    + rf"|(?:(?P<h>{_HEDGE}) )?(?P<cur>[$€£])?(?P<n>{_CARD}(?:{_RANGE_SEP}{_CARD})?|{_COUNT})"
    + rf"|(?P<v>{_VAGUE})"
    + rf")(?P<pct>%| percent{_E}| per cent{_E})?"
    + _RB
)
#: Where a number expression can start (the big pattern is tried only there): a digit, a
#: currency sign or a number word, not inside a word or a number...
CANDIDATE = re.compile(
    r"(?:[0-9$€£]|"
    + _alt(
        [
            *WORD_VALUES,
            *COUNTS,
            *_words("tens hundreds thousands millions billions dozens several"),
            *["a few", "a couple", "a dozen", "a hundred", "a thousand", "a million", "a billion"],
        ]
    )
    + ")"
)
#: ...found as the character before it, which the search can skip to (a pattern starting
#: with a lookbehind would be tried at every position).
AFTER_WORD_BREAK = re.compile(rf"[^a-z0-9_](?=({CANDIDATE.pattern}))")
WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
#: ...and the hedge (or "between"/"from") that may stand right before it.
LEAD = re.compile(rf"(?<![a-z0-9_])(?:{_HEDGE}|between|from) \Z")
LEAD_WINDOW = max(len(h) for h in HEDGES) + 2
CARD_FULL = re.compile(_CARD)
DIG_FULL = re.compile(_DIG)  # digits alone: a cardinal, tested before the whole of _CARD
RANGE_FULL = re.compile(rf"(?P<lo>{_CARD})(?: ?- ?| to | and )(?P<hi>{_CARD})")
TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z]+")
#: Cheap test: could this string contain a number at all?
ANY_DIGIT = re.compile(r"[0-9]")
MAYBE = re.compile(
    rf"[0-9]|\b(?:{_alt([*WORD_VALUES, *COUNTS, *SCALES, 'dozen', 'dozens'])})",
)
WORD_BEFORE = re.compile(r"([A-Za-z]+)[^A-Za-z0-9]{0,2}$")
WORD_AFTER = re.compile(r" ?([A-Za-z]+)")

# Context words for the "is it a date?" and "is it a number at all?" heuristics.
YEAR_BEFORE = _words(
    "in since late early mid by of until till from before after during year summer "
    "spring autumn fall winter through throughout circa"
)
YEAR_AFTER = _words(
    "to and or in on at the a an when as after before with was were is are has had have "
    "will would but that which who for of by from until through so while"
)
ONE_NOT_BEFORE = _words("of another that who which")
ONE_NOT_AFTER = _words("no any every each the this that which")
ONCE_NOT_BEFORE = _words(
    "the a an it its he she they we you i this that these those there his her their our "
    "again more upon"
)
ONCE_NOT_AFTER = _words("at was were is are had has have been all")
